import * as http from 'http';
import { AddressInfo } from 'net';
import { METRIC_FAMILIES } from '../../src/metrics/catalog';
import { MetricFamilySpec } from '../../src/metrics/types';

/**
 * A RobustMQ-shaped exporter for the end-to-end test: every family of the metric catalog, in the
 * OpenMetrics text format RobustMQ's `prometheus-client` writes (counters as `<name>_total`,
 * histograms as `_bucket`/`_sum`/`_count`, `# EOF`), with values driven by a scenario. One
 * exporter per pod; a down pod answers 503.
 */

/** What the broker is doing; the values grow with time since start. */
export interface ExporterState {
  /** Answer scrapes at all. */
  up: boolean;
  /** Where MQTT packet processing observations land (ms). */
  latencyMs: number;
  /** Errored packets per received packet. */
  errorRatio: number;
  /** Raft write failures per second. */
  raftWriteFailuresPerSecond: number;
}

export const HEALTHY: ExporterState = { up: true, latencyMs: 3, errorRatio: 0, raftWriteFailuresPerSecond: 0 };

const LABEL_VALUES: { [label: string]: string } = {
  network: 'Tcp',
  packet: 'Publish',
  qos: '1',
  machine: 'metadata',
  rpc_type: 'append_entries',
  service: 'PlacementCenterService',
  method: 'Heartbeat',
  status_code: 'Internal',
  tenant: 'default',
  client_id: 'client-1',
  connection_id: '1',
  topic: 'sensors',
  topic_name: 'sensors',
  path: 'sensors/#',
  status: 'ok',
  source: 'meta',
  operation: 'save',
  thread_type: 'handler',
  handler: 'h0',
  label: 'queue',
  runtime: 'broker',
  task_type: 'delay',
  attempt: '1',
  strategy: 'retry',
  result: 'ok',
  connector_type: 'kafka',
  connector_name: 'bridge',
  uri: '/api/cluster',
  shard_no: '0',
};

/** Milliseconds bucket bounds (1 .. 524288) and the delay-task seconds buckets. */
const MS_BUCKETS = Array.from({ length: 20 }, (_, i) => 2 ** i);
const SECONDS_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120];

function labels(f: MetricFamilySpec, extra: { [k: string]: string } = {}): string {
  const all = { ...Object.fromEntries(f.labels.map((l) => [l, LABEL_VALUES[l] ?? 'x'])), ...extra };
  const body = Object.entries(all).map(([k, v]) => `${k}="${v}"`).join(',');
  return body ? `{${body}}` : '';
}

function fmt(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** The exposition of one pod at `seconds` after start. */
export function exposition(state: ExporterState, seconds: number): string {
  const out: string[] = [];
  const t = Math.max(seconds, 0);
  for (const f of METRIC_FAMILIES) {
    out.push(`# HELP ${f.name} ${f.name.replace(/_/g, ' ')}.`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    if (f.type === 'counter') {
      let perSecond = 10;
      if (f.name === 'mqtt_packets_received_error') perSecond = 100 * state.errorRatio;
      if (f.name === 'mqtt_packets_received') perSecond = 100;
      if (f.name === 'raft_write_failures') perSecond = state.raftWriteFailuresPerSecond;
      if (['mqtt_messages_dropped_no_subscribers', 'mqtt_auth_failed', 'storage_engine_ops_fail', 'grpc_errors', 'raft_rpc_failures',
        'raft_rpc_requests'].includes(f.name)) perSecond = f.name === 'raft_rpc_requests' ? 20 : 0;
      out.push(`${f.samples[0]}${labels(f)} ${fmt(Math.round(perSecond * t * 1000) / 1000)}`);
      if (f.name === 'raft_rpc_requests') {
        // The votes of the election at start-up: the series exists, and stays still.
        out.push(`${f.samples[0]}${labels(f, { rpc_type: 'vote' })} 4.0`);
      }
    } else if (f.type === 'gauge') {
      let value = 5;
      if (f.name === 'system_process_cpu_usage' || f.name === 'system_process_memory_usage') value = 20;
      if (f.name === 'raft_apply_lag') value = 0;
      out.push(`${f.samples[0]}${labels(f)} ${fmt(value)}`);
    } else {
      const seconds_ = f.name.endsWith('_seconds');
      const bounds = seconds_ ? SECONDS_BUCKETS : MS_BUCKETS;
      const observed = f.name === 'mqtt_packet_process_duration_ms' ? state.latencyMs : (seconds_ ? 0.2 : 3);
      const count = Math.floor(50 * t);
      for (const b of bounds) out.push(`${f.name}_bucket${labels(f, { le: fmt(b) })} ${fmt(b >= observed ? count : 0)}`);
      out.push(`${f.name}_bucket${labels(f, { le: '+Inf' })} ${fmt(count)}`);
      out.push(`${f.name}_sum${labels(f)} ${fmt(count * observed)}`);
      out.push(`${f.name}_count${labels(f)} ${fmt(count)}`);
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

/** A running exporter for one pod. */
export class PodExporter {
  public static async start(state: ExporterState): Promise<PodExporter> {
    const e = new PodExporter(state);
    await new Promise<void>((resolve) => e.server.listen(0, '127.0.0.1', resolve));
    return e;
  }

  public state: ExporterState;
  private readonly started = Date.now();
  private readonly server: http.Server;

  private constructor(state: ExporterState) {
    this.state = { ...state };
    this.server = http.createServer((req, res) => {
      if (!this.state.up || req.url !== '/metrics') {
        res.writeHead(this.state.up ? 404 : 503).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(exposition(this.state, (Date.now() - this.started) / 1000));
    });
  }

  public get address(): string {
    const a = this.server.address() as AddressInfo;
    return `127.0.0.1:${a.port}`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A kubelet-shaped exporter of the data volumes' statistics (Prometheus text format). */
export class KubeletExporter {
  public static async start(namespace: string, claims: string[], usedFraction: number): Promise<KubeletExporter> {
    const e = new KubeletExporter(namespace, claims, usedFraction);
    await new Promise<void>((resolve) => e.server.listen(0, '127.0.0.1', resolve));
    return e;
  }

  private readonly server: http.Server;

  private constructor(namespace: string, claims: string[], usedFraction: number) {
    const capacity = 10 * 1024 ** 3;
    this.server = http.createServer((_req, res) => {
      const lines: string[] = [];
      for (const [name, value] of [
        ['kubelet_volume_stats_capacity_bytes', capacity],
        ['kubelet_volume_stats_used_bytes', capacity * usedFraction],
        ['kubelet_volume_stats_available_bytes', capacity * (1 - usedFraction)],
      ] as const) {
        lines.push(`# TYPE ${name} gauge`);
        for (const c of claims) lines.push(`${name}{namespace="${namespace}",persistentvolumeclaim="${c}"} ${value}`);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(`${lines.join('\n')}\n`);
    });
  }

  public get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

import {
  AlertDefinition as EngineAlertDefinition, AlertSeverity, EVAL_MARGIN_MINUTES, RecordingDefinition as EngineRecordingDefinition,
  TestSeries, thresholdProblem,
} from './engine';
import { LOG_AGENT_ALERTS } from './log-agent-alerts';
import { constant, growing, pct, rateTests, series, without } from './test-inputs';
import { DashboardKey } from '../dashboards/uids';
import { bucket, sample } from '../metrics/catalog';

/**
 * The RobustMQ alerts (cluster, scrape, broker, meta service, storage, process) and recording
 * rules as data: each alert's expression, annotations and the promtool test inputs that make it
 * fire and keep it quiet. Pure; the alert engine (engine.ts) and the RobustMqAlerts construct
 * turn these into rule groups, PrometheusRule objects and tests. The log pipeline's alerts are
 * in log-agent-alerts.ts.
 */

/** The rule groups, by concern. */
export type AlertGroup = 'cluster' | 'scrape' | 'broker' | 'meta' | 'storage' | 'process' | 'logs';
export const ALERT_GROUPS: readonly AlertGroup[] = ['cluster', 'scrape', 'broker', 'meta', 'storage', 'process', 'logs'];

/** What every alert expression is built from: the labels that identify the cluster's series. */
export interface AlertContext {
  /** Name of the label that carries the cluster name (the monitor's `clusterLabel`). */
  readonly clusterLabel: string;
  readonly clusterName: string;
  /** The namespace of the RobustMQ pods. */
  readonly namespace: string;
  /** The `job` label of the scraped series. */
  readonly job: string;
  readonly replicas: number;
  /** The scrape timeout in seconds. */
  readonly scrapeTimeoutSeconds: number;
  /** A regular expression matching the data PVCs' names. */
  readonly dataClaimRegex: string;
  /** The data PVCs' names, ordinal 0 first (used for test inputs). */
  readonly dataClaimNames: readonly string[];
  /** The pod names, ordinal 0 first (used for test inputs). */
  readonly podNames: readonly string[];
  /** A regular expression matching the pods' names (for the kubelet's and kube-state-metrics' series). */
  readonly podRegex: string;
  /** The RobustMQ container's name. */
  readonly containerName: string;
  /** The log agent shipping this cluster's logs, when there is one: its scrape job and namespace. */
  readonly logAgent?: { readonly job: string; readonly namespace: string };
  /** RobustMQClusterDown's threshold: `minHealthyNodes`, else a Raft majority. */
  readonly minHealthyNodes: number;
  /** RobustMQHighLatency's threshold in seconds, when tuned. */
  readonly latencyThresholdSeconds?: number;
  /** RobustMQHighErrorRate's threshold, when tuned. */
  readonly errorRateThreshold?: number;
}

/** One RobustMQ alert: an alert over the AlertContext, with the dashboard it links to. */
export interface AlertDefinition extends EngineAlertDefinition<AlertContext> {
  readonly group: AlertGroup;
  readonly dashboard: DashboardKey;
}

/** A recording rule over the cluster's series. */
export type RecordingDefinition = EngineRecordingDefinition<AlertContext>;

// ---- helpers for expressions and test inputs ----

/** The cluster's series: its cluster label, the pods' namespace and the monitor's job. */
function sel(ctx: AlertContext, extra: string[] = []): string {
  return [`${ctx.clusterLabel}="${ctx.clusterName}"`, `namespace="${ctx.namespace}"`, `job="${ctx.job}"`, ...extra].join(', ');
}

/** A recorded series of the cluster (recording rules keep the cluster label and namespace, not the job). */
function recorded(ctx: AlertContext): string {
  return [`${ctx.clusterLabel}="${ctx.clusterName}"`, `namespace="${ctx.namespace}"`].join(', ');
}

function by(ctx: AlertContext, ...labels: string[]): string {
  return [ctx.clusterLabel, 'namespace', ...labels].join(', ');
}

function seriesLabels(ctx: AlertContext, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { [ctx.clusterLabel]: ctx.clusterName, namespace: ctx.namespace, job: ctx.job, ...extra };
}

function clusterOnly(ctx: AlertContext): { [key: string]: string } {
  return { [ctx.clusterLabel]: ctx.clusterName, namespace: ctx.namespace };
}

/** Bounds of RobustMQ's millisecond latency histograms: 1, 2, 4, ... 524288. */
const MS_BUCKETS = Array.from({ length: 20 }, (_, i) => 2 ** i);

/**
 * Bucket series for a histogram whose observations all fall in the bucket (lo, hi]: the 0.99
 * quantile is then lo + 0.99 * (hi - lo).
 */
function histogramAt(name: string, labels: { [key: string]: string }, lo: number, hi: number, minutes: number): TestSeries[] {
  const out: TestSeries[] = [];
  if (lo > 0) out.push(series(name, { ...labels, le: String(lo) }, constant(0, minutes)));
  out.push(series(name, { ...labels, le: String(hi) }, growing(60, minutes)));
  out.push(series(name, { ...labels, le: '+Inf' }, growing(60, minutes)));
  return out;
}

/** The bucket (lo, hi] whose lower bound is at least `ms`: its p99 is above `ms`. */
function bucketAbove(ms: number): { lo: number; hi: number } {
  const lo = MS_BUCKETS.find((b) => b >= ms)!;
  return { lo, hi: lo * 2 };
}

function p99Of(lo: number, hi: number): number {
  return lo + (hi - lo) * 0.99;
}

function seconds(t: number): string {
  return t >= 1 ? `${+t.toFixed(3)}s` : `${+(t * 1000).toFixed(3)}ms`;
}

// ---- recording rules ----

/**
 * Bucket rates of MQTT packet processing time per pod: aggregatable (a quantile is not), so an
 * alert or a panel takes `histogram_quantile` over them at any level.
 */
export const RECORD_LATENCY_BUCKETS = 'namespace_pod_le:mqtt_packet_process_duration_ms_bucket:rate5m';
export const RECORD_PACKETS_RECEIVED = 'namespace:mqtt_packets_received:rate5m';
export const RECORD_PACKETS_RECEIVED_ERROR = 'namespace:mqtt_packets_received_error:rate5m';

export const RECORDING_RULES: readonly RecordingDefinition[] = [
  {
    record: RECORD_LATENCY_BUCKETS,
    expr: (ctx) => `sum by (${by(ctx, 'pod', 'le')}) (rate(${bucket('mqtt_packet_process_duration_ms')}{${sel(ctx)}}[5m]))`,
  },
  { record: RECORD_PACKETS_RECEIVED, expr: (ctx) => `sum by (${by(ctx)}) (rate(${sample('mqtt_packets_received')}{${sel(ctx)}}[5m]))` },
  { record: RECORD_PACKETS_RECEIVED_ERROR, expr: (ctx) => `sum by (${by(ctx)}) (rate(${sample('mqtt_packets_received_error')}{${sel(ctx)}}[5m]))` },
];

/**
 * Below these rates the ratio alerts stay quiet: one misconfigured client on an idle cluster, or
 * the odd failed call between idle nodes, is not an incident.
 */
export const MIN_PACKET_RATE = 1;
export const MIN_GRPC_REQUEST_RATE = 1;
export const MIN_MESSAGE_RATE = 1;

/**
 * The gRPC status codes that mean the server failed. RobustMQ counts every non-OK answer in
 * grpc_errors_total (src/common/metrics/src/grpc.rs:87), named by extract_grpc_status_code
 * (grpc.rs:110-136): NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT and the like are normal answers.
 */
export const GRPC_SERVER_FAULT_CODES: readonly string[] = ['UNKNOWN', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS'];

/** Names of the recording rules, which alert and dashboard expressions may select. */
export const RECORDED_METRICS: readonly string[] = RECORDING_RULES.map((r) => r.record);

// ---- alert families that share a shape ----

/** An alert on the ratio of two counters' rates above `t`; tested at (1+t)/2 and t/2. */
function ratioTests(t: number, minutes: number, numerator: string, denominator: string,
  labels: { [key: string]: string }, expectLabels: { [key: string]: string }) {
  const total = 600;
  const mk = (r: number) => [series(denominator, labels, growing(total, minutes)), series(numerator, labels, growing(total * r, minutes))];
  const fireRatio = (1 + t) / 2;
  return {
    fire: [{ description: `ratio ${pct(fireRatio)} is above ${pct(t)}`, series: mk(fireRatio), expected: [{ labels: expectLabels, value: fireRatio }] }],
    quiet: [{ description: `ratio ${pct(t / 2)} is not above ${pct(t)}`, series: mk(t / 2), expected: [] }],
  };
}

/** An alert on a gauge above `t`; tested at `fire` and `quiet`. */
function gaugeTests(metric: string, labels: { [key: string]: string }, expectLabels: { [key: string]: string },
  fire: number, quiet: number, minutes: number, t: number) {
  return {
    fire: [{ description: `${fire} is above ${t}`, series: [series(metric, labels, constant(fire, minutes))], expected: [{ labels: expectLabels, value: fire }] }],
    quiet: [{ description: `${quiet} is not above ${t}`, series: [series(metric, labels, constant(quiet, minutes))], expected: [] }],
  };
}

/** The RobustMQ container's series from cAdvisor and kube-state-metrics (they carry no cluster label). */
function containerSelector(ctx: AlertContext, extra: string[] = []): string {
  return [`namespace="${ctx.namespace}"`, `pod=~"${ctx.podRegex}"`, `container="${ctx.containerName}"`, ...extra].join(', ');
}

function containerLabels(ctx: AlertContext): { [key: string]: string } {
  return { namespace: ctx.namespace, pod: ctx.podNames[0], container: ctx.containerName };
}

function kubeletLabels(ctx: AlertContext): { [key: string]: string } {
  return { namespace: ctx.namespace, persistentvolumeclaim: ctx.dataClaimNames[0], job: 'kubelet' };
}

function volumeSelector(ctx: AlertContext): string {
  return `namespace="${ctx.namespace}", persistentvolumeclaim=~"${ctx.dataClaimRegex}"`;
}

function volumeRatioAlert(name: string, severity: AlertSeverity, threshold: number, summary: string): AlertDefinition {
  return {
    name,
    group: 'storage',
    severity,
    for: '5m',
    threshold: { default: threshold, unit: 'ratio', meaning: 'fraction of the data volume not available to RobustMQ' },
    summary,
    description: (ctx, t) => `The data volume {{ $labels.persistentvolumeclaim }} of RobustMQ cluster ${ctx.clusterName} is {{ $value | humanizePercentage }} full (threshold ${pct(t)}).`,
    dashboard: 'meta',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    // Not used / capacity: RobustMQ runs as a non-root user, which cannot use the blocks reserved for root.
    expr: (ctx, t) => `1 - kubelet_volume_stats_available_bytes{${volumeSelector(ctx)}} / kubelet_volume_stats_capacity_bytes{${volumeSelector(ctx)}} > ${t}`,
    constraint: (forMinutes, t) => (forMinutes + 20 < 60 * t ? undefined
      : `must be shorter than the prediction horizon of ${t * 60}m minus 20m: a volume predicted to fill within it would be full before an alert that waits longer fires`),
    tests: (ctx, t, minutes) => {
      const labels = kubeletLabels(ctx);
      const capacity = 1000000;
      const available = (ratio: number) => Math.round(capacity * (1 - ratio));
      const mk = (ratio: number) => [
        series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
        series('kubelet_volume_stats_available_bytes', labels, constant(available(ratio), minutes)),
      ];
      const fire = (1 + t) / 2;
      return {
        fire: [{ description: `${pct(fire)} used`, series: mk(fire), expected: [{ labels, value: 1 - available(fire) / capacity }] }],
        quiet: [{ description: `${pct(t / 2)} used`, series: mk(t / 2), expected: [] }],
      };
    },
  };
}

// ---- the alerts ----

export const ALERT_DEFINITIONS: readonly AlertDefinition[] = [
  {
    name: 'RobustMQClusterDown',
    group: 'cluster',
    severity: AlertSeverity.CRITICAL,
    for: '1m',
    threshold: { default: (ctx) => ctx.minHealthyNodes, unit: 'count', meaning: 'the fewest healthy nodes (default: a Raft majority of the replicas)' },
    thresholdProblem: (t, ctx) => thresholdProblem('count', t, ctx.replicas),
    summary: 'RobustMQ cluster has too few healthy nodes.',
    description: (ctx, t) => `Only {{ $value }} of ${ctx.replicas} RobustMQ nodes of cluster ${ctx.clusterName} in namespace ${ctx.namespace} are up; `
      + `at least ${t} are needed to keep the Raft quorum.`,
    dashboard: 'overview',
    staticLabels: clusterOnly,
    // `or vector(0)` makes it fire also when no target is up or none is discovered at all.
    expr: (ctx, t) => `(sum(up{${sel(ctx)}}) or vector(0)) < ${t}`,
    tests: (ctx, t, minutes) => {
      const up = (n: number) => ctx.podNames.map((pod, i) => series('up', seriesLabels(ctx, { pod }), constant(i < n ? 1 : 0, minutes)));
      return {
        fire: [
          { description: `${t - 1} of ${ctx.replicas} nodes up`, series: up(t - 1), expected: [{ labels: {}, value: t - 1 }] },
          { description: 'no target discovered at all', series: [series('up', seriesLabels(ctx, { namespace: 'elsewhere', pod: 'other-0' }), constant(1, minutes))], expected: [{ labels: {}, value: 0 }] },
        ],
        quiet: [{ description: `all ${ctx.replicas} nodes up`, series: up(ctx.replicas), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQNodeDown',
    group: 'cluster',
    severity: AlertSeverity.WARNING,
    for: '5m',
    summary: 'A RobustMQ node is down.',
    description: (ctx) => `Prometheus cannot scrape RobustMQ pod {{ $labels.pod }} of cluster ${ctx.clusterName} in namespace {{ $labels.namespace }}.`,
    dashboard: 'overview',
    expr: (ctx) => `up{${sel(ctx)}} == 0`,
    tests: (ctx, _t, minutes) => {
      const labels = (pod: string) => seriesLabels(ctx, { pod });
      const [p0, ...rest] = ctx.podNames;
      return {
        fire: [{
          description: `${p0} down`,
          series: [series('up', labels(p0), constant(0, minutes)), ...rest.map((p) => series('up', labels(p), constant(1, minutes)))],
          expected: [{ labels: labels(p0), value: 0 }],
        }],
        quiet: [{ description: 'all up', series: ctx.podNames.map((p) => series('up', labels(p), constant(1, minutes))), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQPodsMissing',
    group: 'cluster',
    severity: AlertSeverity.WARNING,
    for: '10m',
    summary: 'RobustMQ pods are missing.',
    description: (ctx) => `Prometheus discovers only {{ $value }} of the ${ctx.replicas} RobustMQ pods of cluster ${ctx.clusterName} in namespace ${ctx.namespace}: `
      + 'the others are not running (Pending, evicted, or not scheduled), and the cluster runs with fewer Raft members than it should.',
    dashboard: 'overview',
    staticLabels: clusterOnly,
    // A pod that is not running has no endpoint and so no `up` series at all: RobustMQNodeDown cannot see it.
    expr: (ctx) => `(count(up{${sel(ctx)}}) or vector(0)) < ${ctx.replicas}`,
    tests: (ctx, _t, minutes) => {
      const up = (n: number) => ctx.podNames.slice(0, n).map((pod) => series('up', seriesLabels(ctx, { pod }), constant(1, minutes)));
      return {
        fire: [{ description: `${ctx.replicas - 1} of ${ctx.replicas} pods discovered`, series: up(ctx.replicas - 1), expected: [{ labels: {}, value: ctx.replicas - 1 }] }],
        quiet: [{
          description: `all ${ctx.replicas} pods discovered, one of them down`,
          series: [
            ...up(ctx.replicas - 1),
            series('up', seriesLabels(ctx, { pod: ctx.podNames[ctx.replicas - 1] }), constant(0, minutes)),
          ],
          expected: [],
        }],
      };
    },
  },
  {
    name: 'RobustMQMetricsAbsent',
    group: 'scrape',
    severity: AlertSeverity.WARNING,
    for: '10m',
    summary: 'A RobustMQ target is up but exposes no RobustMQ metrics.',
    description: (ctx) => `RobustMQ pod {{ $labels.pod }} of cluster ${ctx.clusterName} in namespace ${ctx.namespace} answers the scrape, `
      + 'but system_process_cpu_usage is missing: check the scrape port and path, and that the RobustMQ version matches the metric catalog.',
    dashboard: 'overview',
    // Per target: one pod answering without RobustMQ metrics fires, whatever the others do.
    expr: (ctx) => `up{${sel(ctx)}} == 1 unless on (${by(ctx, 'pod')}) ${sample('system_process_cpu_usage')}{${sel(ctx)}}`,
    tests: (ctx, _t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0] });
      return {
        fire: [{ description: 'up without RobustMQ metrics', series: [series('up', labels, constant(1, minutes))], expected: [{ labels, value: 1 }] }],
        quiet: [{
          description: 'up with RobustMQ metrics',
          series: [series('up', labels, constant(1, minutes)), series(sample('system_process_cpu_usage'), labels, constant(12, minutes))],
          expected: [],
        }],
      };
    },
  },
  {
    name: 'RobustMQScrapeSlow',
    group: 'scrape',
    severity: AlertSeverity.WARNING,
    for: '15m',
    threshold: { default: 0.8, unit: 'ratio', meaning: 'scrape duration as a fraction of the scrape timeout' },
    summary: 'Scraping RobustMQ takes almost as long as the scrape timeout.',
    description: (ctx, t) => `Scraping RobustMQ pod {{ $labels.pod }} takes {{ $value | humanizeDuration }}, over ${pct(t)} of the ${seconds(ctx.scrapeTimeoutSeconds)} timeout; `
      + 'slower scrapes will fail and leave gaps.',
    dashboard: 'overview',
    expr: (ctx, t) => `scrape_duration_seconds{${sel(ctx)}} > ${+(t * ctx.scrapeTimeoutSeconds).toFixed(6)}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0] });
      const fire = ((1 + t) / 2) * ctx.scrapeTimeoutSeconds;
      return gaugeTests('scrape_duration_seconds', labels, labels, fire, (t / 2) * ctx.scrapeTimeoutSeconds, minutes, t * ctx.scrapeTimeoutSeconds);
    },
  },
  {
    name: 'RobustMQHighLatency',
    group: 'broker',
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: (ctx) => ctx.latencyThresholdSeconds ?? 1, unit: 'seconds', meaning: 'p99 of MQTT packet processing time' },
    summary: 'RobustMQ is slow to process MQTT packets.',
    description: (_ctx, t) => `The 99th percentile of MQTT packet processing time on {{ $labels.pod }} is {{ $value | humanizeDuration }}, above ${seconds(t)}.`,
    dashboard: 'broker',
    // The histogram is in milliseconds; the alert compares seconds.
    expr: (ctx, t) => `histogram_quantile(0.99, ${RECORD_LATENCY_BUCKETS}{${recorded(ctx)}}) / 1000 > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], network: 'Tcp', packet: 'Publish' });
      const expect = { [ctx.clusterLabel]: ctx.clusterName, namespace: ctx.namespace, pod: ctx.podNames[0] };
      const { lo, hi } = bucketAbove(t * 1000);
      const name = bucket('mqtt_packet_process_duration_ms');
      return {
        fire: [{ description: `p99 ${p99Of(lo, hi)}ms`, series: histogramAt(name, labels, lo, hi, minutes), expected: [{ labels: expect, value: p99Of(lo, hi) / 1000 }] }],
        quiet: [{ description: 'p99 0.99ms', series: histogramAt(name, labels, 0, 1, minutes), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQHighErrorRate',
    group: 'broker',
    // Warning, not critical: each undecodable frame closes only its own connection, and the broker
    // keeps serving every other client (docs/runbooks.md#robustmqhigherrorrate).
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: (ctx) => ctx.errorRateThreshold ?? 0.05, unit: 'ratio', meaning: 'undecodable packets as a fraction of all packets received' },
    summary: 'Many MQTT packets received by RobustMQ cannot be decoded.',
    description: (ctx, t) => `{{ $value | humanizePercentage }} of the MQTT packets received by RobustMQ cluster ${ctx.clusterName} in namespace ${ctx.namespace} `
      + `cannot be decoded, and each closes its connection (threshold ${pct(t)}).`,
    dashboard: 'broker',
    // Undecodable frames are not counted in mqtt_packets_received_total (they are counted by the
    // acceptors, src/common/network-server/src/common/tcp_acceptor.rs:222), so the whole is
    // received + errors; below MIN_PACKET_RATE packets a second the alert stays quiet.
    expr: (ctx, t) => {
      const errors = `${RECORD_PACKETS_RECEIVED_ERROR}{${recorded(ctx)}}`;
      const all = `(${RECORD_PACKETS_RECEIVED}{${recorded(ctx)}} + ${errors})`;
      return `${errors} / ${all} > ${t} and ${all} > ${MIN_PACKET_RATE}`;
    },
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], network: 'Tcp' });
      const mk = (received: number, errors: number) => [
        series(sample('mqtt_packets_received'), labels, growing(received, minutes)),
        series(sample('mqtt_packets_received_error'), labels, growing(errors, minutes)),
      ];
      // 600 packets a minute decoded; e undecodable ones give the ratio e / (600 + e).
      const errorsFor = (ratio: number) => (600 * ratio) / (1 - ratio);
      const fire = (1 + t) / 2;
      const fireErrors = errorsFor(fire);
      return {
        fire: [{ description: `ratio ${pct(fire)} is above ${pct(t)}`, series: mk(600, fireErrors), expected: [{ labels: clusterOnly(ctx), value: fireErrors / (600 + fireErrors) }] }],
        quiet: [
          { description: `ratio ${pct(t / 2)} is not above ${pct(t)}`, series: mk(600, errorsFor(t / 2)), expected: [] },
          { description: 'an idle cluster with one bad client: errors only, below the traffic floor', series: mk(0, 6), expected: [] },
        ],
      };
    },
  },
  {
    name: 'RobustMQAuthFailuresHigh',
    group: 'broker',
    severity: AlertSeverity.WARNING,
    for: '10m',
    threshold: { default: 1, unit: 'per-second', meaning: 'failed authentications per second' },
    summary: 'Many MQTT clients fail to authenticate.',
    description: (ctx, t) => `Clients of RobustMQ cluster ${ctx.clusterName} fail to authenticate {{ $value | humanize }} times per second (threshold ${t}/s): `
      + 'misconfigured clients or a credential-guessing attack.',
    dashboard: 'broker',
    expr: (ctx, t) => `sum by (${by(ctx)}) (rate(${sample('mqtt_auth_failed')}{${sel(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => rateTests(t, minutes, sample('mqtt_auth_failed'), seriesLabels(ctx, { pod: ctx.podNames[0] }), clusterOnly(ctx)),
  },
  {
    name: 'RobustMQMessagesDropped',
    group: 'broker',
    severity: AlertSeverity.INFO,
    for: '15m',
    threshold: { default: 0.5, unit: 'ratio', meaning: 'messages dropped for lack of subscribers as a fraction of messages received' },
    summary: 'RobustMQ drops most published messages for lack of subscribers.',
    description: (ctx, t) => `RobustMQ cluster ${ctx.clusterName} drops {{ $value | humanizePercentage }} of the messages it receives because no client subscribes `
      + `to their topics (threshold ${pct(t)}).`,
    dashboard: 'broker',
    // A ratio, not a rate: telemetry published to topics nobody subscribes to is normal, and a
    // rate above zero would fire for as long as it is published.
    expr: (ctx, t) => {
      const received = `sum by (${by(ctx)}) (rate(${sample('mqtt_messages_received')}{${sel(ctx)}}[5m]))`;
      return `sum by (${by(ctx)}) (rate(${sample('mqtt_messages_dropped_no_subscribers')}{${sel(ctx)}}[5m])) / ${received} > ${t} and ${received} > ${MIN_MESSAGE_RATE}`;
    },
    tests: (ctx, t, minutes) => ratioTests(t, minutes, sample('mqtt_messages_dropped_no_subscribers'), sample('mqtt_messages_received'),
      seriesLabels(ctx, { pod: ctx.podNames[0] }), clusterOnly(ctx)),
  },
  {
    name: 'RobustMQGrpcErrorRatioHigh',
    group: 'broker',
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: 0.05, unit: 'ratio', meaning: 'gRPC requests answered with a server-fault code as a fraction of all' },
    summary: 'Many gRPC requests between RobustMQ nodes fail on the server.',
    description: (ctx, t) => `{{ $value | humanizePercentage }} of the gRPC requests served by RobustMQ cluster ${ctx.clusterName} fail with a server-fault code `
      + `(threshold ${pct(t)}).`,
    dashboard: 'meta',
    expr: (ctx, t) => {
      const requests = `sum by (${by(ctx)}) (rate(${sample('grpc_requests')}{${sel(ctx)}}[5m]))`;
      const faults = `status_code=~"${GRPC_SERVER_FAULT_CODES.join('|')}"`;
      return `sum by (${by(ctx)}) (rate(${sample('grpc_errors')}{${sel(ctx, [faults])}}[5m])) / ${requests} > ${t} and ${requests} > ${MIN_GRPC_REQUEST_RATE}`;
    },
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], exported_service: 'meta.service.common.MetaServiceService', method: 'Heartbeat' });
      const r = ratioTests(t, minutes, sample('grpc_errors'), sample('grpc_requests'), labels, clusterOnly(ctx));
      const withCode = (cases: typeof r.fire, code: string) => cases.map((c) => ({
        ...c, series: c.series.map((x) => (x.series.startsWith(`${sample('grpc_errors')}{`) ? { ...x, series: x.series.replace(/\}$/, `, status_code="${code}"}`) } : x)),
      }));
      return {
        fire: withCode(r.fire, 'UNAVAILABLE'),
        quiet: [
          ...withCode(r.quiet, 'UNAVAILABLE'),
          ...withCode(r.fire, 'NOT_FOUND').map((c) => ({ ...c, description: 'as many NOT_FOUND answers, which are normal', expected: [] })),
        ],
      };
    },
  },
  {
    name: 'RobustMQRaftApplyLagHigh',
    group: 'meta',
    severity: AlertSeverity.WARNING,
    for: '10m',
    threshold: { default: 1000, unit: 'count', meaning: 'log entries not yet applied to the state machine' },
    summary: 'A RobustMQ Raft state machine lags behind its log.',
    description: (_ctx, t) => `Raft state machine {{ $labels.machine }} on {{ $labels.pod }} is {{ $value | humanize }} entries behind its log (threshold ${t}).`,
    dashboard: 'meta',
    expr: (ctx, t) => `max by (${by(ctx, 'pod', 'machine')}) (${sample('raft_apply_lag')}{${sel(ctx)}}) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], machine: 'metadata' });
      return gaugeTests(sample('raft_apply_lag'), labels, without(labels, 'job'), 2 * t + 2, 0, minutes, t);
    },
  },
  {
    name: 'RobustMQRaftWriteFailures',
    group: 'meta',
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: 0, unit: 'per-second', meaning: 'failed Raft writes per second' },
    summary: 'Writes to RobustMQ Raft state machines fail.',
    description: () => 'Raft writes to state machine {{ $labels.machine }} on {{ $labels.pod }} fail {{ $value | humanize }} times per second.',
    dashboard: 'meta',
    expr: (ctx, t) => `sum by (${by(ctx, 'pod', 'machine')}) (rate(${sample('raft_write_failures')}{${sel(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], machine: 'metadata' });
      return rateTests(t, minutes, sample('raft_write_failures'), labels, without(labels, 'job'));
    },
  },
  {
    name: 'RobustMQRaftRpcFailures',
    group: 'meta',
    severity: AlertSeverity.WARNING,
    for: '10m',
    threshold: { default: 0.1, unit: 'ratio', meaning: 'failed Raft RPCs as a fraction of all, per pod and RPC type' },
    summary: 'Raft RPCs between RobustMQ nodes fail.',
    description: (_ctx, t) => `{{ $value | humanizePercentage }} of the Raft {{ $labels.rpc_type }} RPCs from {{ $labels.pod }} fail (threshold ${pct(t)}).`,
    dashboard: 'meta',
    expr: (ctx, t) => `sum by (${by(ctx, 'pod', 'rpc_type')}) (rate(${sample('raft_rpc_failures')}{${sel(ctx)}}[5m])) `
      + `/ sum by (${by(ctx, 'pod', 'rpc_type')}) (rate(${sample('raft_rpc_requests')}{${sel(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], machine: 'metadata', rpc_type: 'append_entries' });
      return ratioTests(t, minutes, sample('raft_rpc_failures'), sample('raft_rpc_requests'), labels, without(labels, 'job', 'machine'));
    },
  },
  {
    name: 'RobustMQRaftFrequentElections',
    group: 'meta',
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: 6, unit: 'count', meaning: 'Raft vote requests in 15 minutes' },
    summary: 'RobustMQ Raft leaders are elected too often.',
    description: (ctx) => `{{ $value | humanize }} Raft vote requests in 15 minutes for state machine {{ $labels.machine }} of RobustMQ cluster ${ctx.clusterName}: `
      + 'leadership keeps changing, which stalls writes.',
    dashboard: 'meta',
    expr: (ctx, t) => `sum by (${by(ctx, 'machine')}) (increase(${sample('raft_rpc_requests')}{${sel(ctx, ['rpc_type=~"(?i).*vote.*"'])}}[15m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], machine: 'metadata', rpc_type: 'vote' });
      const expect = { ...clusterOnly(ctx), machine: 'metadata' };
      const fire = 2 * (t + 1);
      return {
        fire: [{ description: `${fire} vote requests in 15m`, series: [series(sample('raft_rpc_requests'), labels, growing(fire / 15, minutes))], expected: [{ labels: expect, value: fire }] }],
        quiet: [{
          description: 'many append_entries but no vote requests',
          series: [series(sample('raft_rpc_requests'), { ...labels, rpc_type: 'append_entries' }, growing(600, minutes))],
          expected: [],
        }],
      };
    },
  },
  volumeRatioAlert('RobustMQDataVolumeFillingUp', AlertSeverity.WARNING, 0.8, 'A RobustMQ data volume is filling up.'),
  volumeRatioAlert('RobustMQDataVolumeAlmostFull', AlertSeverity.CRITICAL, 0.9, 'A RobustMQ data volume is almost full.'),
  {
    name: 'RobustMQDataVolumeFullIn24h',
    group: 'storage',
    severity: AlertSeverity.WARNING,
    for: '1h',
    threshold: { default: 24, unit: 'hours', meaning: 'how far ahead the fill-up is predicted' },
    summary: 'A RobustMQ data volume is predicted to fill up.',
    description: (_ctx, t) => 'The data volume {{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} free and, at the rate of the last 6 hours, '
      + `fills up within ${t === 1 ? 'an hour' : `${t} hours`}.`,
    dashboard: 'meta',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    expr: (ctx, t) => `(kubelet_volume_stats_available_bytes{${volumeSelector(ctx)}} / kubelet_volume_stats_capacity_bytes{${volumeSelector(ctx)}} < 0.5) `
      + `and predict_linear(kubelet_volume_stats_available_bytes{${volumeSelector(ctx)}}[6h], ${t} * 3600) < 0`,
    constraint: (forMinutes, t) => (forMinutes + 20 < 60 * t ? undefined
      : `must be shorter than the prediction horizon of ${t * 60}m minus 20m: a volume predicted to fill within it would be full before an alert that waits longer fires`),
    tests: (ctx, t, minutes) => {
      const labels = kubeletLabels(ctx);
      const evalMinute = minutes - EVAL_MARGIN_MINUTES;
      // Integer samples falling steadily: predicted empty within t hours from the first
      // minute on (so the condition holds for all of `for`), yet not empty at evaluation.
      const capacity = 1000000;
      const start = 0.45 * capacity;
      const drop = Math.floor((start - 1) / evalMinute);
      const availableAtEval = start - drop * evalMinute;
      if (!(drop * 60 * t > start && availableAtEval >= 1)) {
        throw new Error(`no test input for a ${t}h horizon evaluated at ${evalMinute}m`);
      }
      return {
        fire: [{
          description: `free space falling ${drop} bytes a minute`,
          series: [
            series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
            series('kubelet_volume_stats_available_bytes', labels, `${start}-${drop}x${minutes}`),
          ],
          expected: [{ labels, value: availableAtEval / capacity }],
        }],
        quiet: [{
          description: 'free space steady',
          series: [
            series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
            series('kubelet_volume_stats_available_bytes', labels, constant(start, minutes)),
          ],
          expected: [],
        }],
      };
    },
  },
  {
    name: 'RobustMQStorageEngineFailures',
    group: 'storage',
    severity: AlertSeverity.WARNING,
    for: '5m',
    threshold: { default: 0, unit: 'per-second', meaning: 'failed storage-engine operations per second' },
    summary: 'RobustMQ storage-engine operations fail.',
    description: () => 'Storage-engine operations on {{ $labels.pod }} fail {{ $value | humanize }} times per second.',
    dashboard: 'meta',
    expr: (ctx, t) => `sum by (${by(ctx, 'pod')}) (rate(${sample('storage_engine_ops_fail')}{${sel(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0] });
      return rateTests(t, minutes, sample('storage_engine_ops_fail'), labels, without(labels, 'job'));
    },
  },
  {
    name: 'RobustMQRocksDBSlow',
    group: 'storage',
    severity: AlertSeverity.WARNING,
    for: '10m',
    threshold: { default: 0.5, unit: 'seconds', meaning: 'p99 of RocksDB operation time' },
    summary: 'RobustMQ RocksDB operations are slow.',
    description: (_ctx, t) => `The 99th percentile of RocksDB {{ $labels.operation }} time on {{ $labels.pod }} is {{ $value | humanizeDuration }}, above ${seconds(t)}.`,
    dashboard: 'meta',
    expr: (ctx, t) => `histogram_quantile(0.99, sum by (le, ${by(ctx, 'pod', 'operation')}) (rate(${bucket('rocksdb_operation_ms')}{${sel(ctx)}}[5m]))) / 1000 > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = seriesLabels(ctx, { pod: ctx.podNames[0], source: 'meta', operation: 'save' });
      const expect = { ...clusterOnly(ctx), pod: ctx.podNames[0], operation: 'save' };
      const { lo, hi } = bucketAbove(t * 1000);
      const name = bucket('rocksdb_operation_ms');
      return {
        fire: [{ description: `p99 ${p99Of(lo, hi)}ms`, series: histogramAt(name, labels, lo, hi, minutes), expected: [{ labels: expect, value: p99Of(lo, hi) / 1000 }] }],
        quiet: [{ description: 'p99 0.99ms', series: histogramAt(name, labels, 0, 1, minutes), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQHighCpu',
    group: 'process',
    severity: AlertSeverity.WARNING,
    for: '15m',
    threshold: { default: 0.9, unit: 'ratio', meaning: "the container's CPU use as a fraction of its CPU limit" },
    summary: 'A RobustMQ container uses most of its CPU limit.',
    description: (_ctx, t) => 'The RobustMQ container {{ $labels.container }} of {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its CPU limit '
      + `(threshold ${pct(t)}): requests queue up and Raft heartbeats can be late.`,
    dashboard: 'overview',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    // cAdvisor's usage against kube-state-metrics' limit: RobustMQ's own system_process_cpu_usage
    // is a share of the whole node in centipercent (src/common/system-info/src/lib.rs:39,
    // cpu.rs:40) and cannot tell how close the container is to its limit. A container without a
    // CPU limit has no limit series and never fires.
    expr: (ctx, t) => `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${containerSelector(ctx)}}[5m])) `
      + `/ max by (namespace, pod, container) (kube_pod_container_resource_limits{${containerSelector(ctx, ['resource="cpu"'])}}) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = containerLabels(ctx);
      const limitCores = 2;
      const mk = (ratio: number) => [
        series('kube_pod_container_resource_limits', { ...labels, resource: 'cpu', unit: 'core', job: 'kube-state-metrics' }, constant(limitCores, minutes)),
        series('container_cpu_usage_seconds_total', { ...labels, job: 'kubelet' }, growing(60 * limitCores * ratio, minutes)),
      ];
      const fire = (1 + t) / 2;
      return {
        fire: [{ description: `${pct(fire)} of the limit`, series: mk(fire), expected: [{ labels, value: fire }] }],
        quiet: [{ description: `${pct(t / 2)} of the limit`, series: mk(t / 2), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQMemoryNearLimit',
    group: 'process',
    severity: AlertSeverity.WARNING,
    for: '15m',
    threshold: { default: 0.9, unit: 'ratio', meaning: "the container's working set as a fraction of its memory limit" },
    summary: 'A RobustMQ container is close to its memory limit.',
    description: (_ctx, t) => 'The RobustMQ container {{ $labels.container }} of {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit '
      + `(threshold ${pct(t)}): it is about to be OOM-killed.`,
    dashboard: 'overview',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    // The working set (cAdvisor) against the limit (kube-state-metrics), container by container.
    expr: (ctx, t) => `max by (namespace, pod, container) (container_memory_working_set_bytes{${containerSelector(ctx)}}) `
      + `/ max by (namespace, pod, container) (kube_pod_container_resource_limits{${containerSelector(ctx, ['resource="memory"'])}}) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = containerLabels(ctx);
      const limit = 2 * 1024 ** 3;
      const mk = (ratio: number) => [
        series('kube_pod_container_resource_limits', { ...labels, resource: 'memory', unit: 'byte', job: 'kube-state-metrics' }, constant(limit, minutes)),
        series('container_memory_working_set_bytes', { ...labels, job: 'kubelet' }, constant(Math.round(limit * ratio), minutes)),
      ];
      const fire = (1 + t) / 2;
      return {
        fire: [{ description: `${pct(fire)} of the limit`, series: mk(fire), expected: [{ labels, value: Math.round(limit * fire) / limit }] }],
        quiet: [{ description: `${pct(t / 2)} of the limit`, series: mk(t / 2), expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQCpuThrottled',
    group: 'process',
    severity: AlertSeverity.WARNING,
    for: '15m',
    threshold: { default: 0.25, unit: 'ratio', meaning: 'throttled CFS periods as a fraction of all' },
    summary: 'A RobustMQ container is CPU-throttled.',
    description: (_ctx, t) => 'The RobustMQ container {{ $labels.container }} of {{ $labels.pod }} is throttled in {{ $value | humanizePercentage }} '
      + `of its CPU periods (threshold ${pct(t)}): requests wait and Raft heartbeats can be late.`,
    dashboard: 'overview',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    expr: (ctx, t) => `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${containerSelector(ctx)}}[5m])) `
      + `/ sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${containerSelector(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = containerLabels(ctx);
      const mk = (ratio: number) => [
        series('container_cpu_cfs_periods_total', { ...labels, job: 'kubelet' }, growing(600, minutes)),
        series('container_cpu_cfs_throttled_periods_total', { ...labels, job: 'kubelet' }, growing(600 * ratio, minutes)),
      ];
      const fire = (1 + t) / 2;
      return {
        fire: [{ description: `${pct(fire)} of periods throttled`, series: mk(fire), expected: [{ labels, value: fire }] }],
        quiet: [{ description: `${pct(t / 2)} of periods throttled`, series: mk(t / 2), expected: [] }],
      };
    },
  },
];

/** The RobustMQ alerts, then the log pipeline's. */
export const ALL_ALERT_DEFINITIONS: readonly AlertDefinition[] = [...ALERT_DEFINITIONS, ...LOG_AGENT_ALERTS];

/** The names of all alerts. */
export const ALERT_NAMES: readonly string[] = ALL_ALERT_DEFINITIONS.map((a) => a.name);

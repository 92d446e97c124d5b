import {
  AlertDefinition as EngineAlertDefinition, AlertSeverity, AlertTestCases, EVAL_MARGIN_MINUTES, RecordingDefinition as EngineRecordingDefinition,
  TestSeries, thresholdProblem,
} from './engine';
import { MS_BUCKETS, cadvisorLabels, histogramSeries, KSM_INSTANCES, limitLabels, META_GRPC_SERVICE, podLabels, volumeLabels } from './fixture';
import { LOG_AGENT_ALERTS } from './log-agent-alerts';
import { constant, growing, pct, series } from './test-inputs';
import { DashboardKey } from '../dashboards/uids';
import { bucket, sample, seriesLabel } from '../metrics/catalog';

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
  /**
   * Its part in a cluster outage, for inhibition (src/routing): the `cause` (the cluster is down)
   * silences the `symptom`s of the same cluster (the per-pod and scrape alerts it sets off).
   */
  readonly outage?: 'cause' | 'symptom';
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

type Labels = { [key: string]: string };

function clusterOnly(ctx: AlertContext): Labels {
  return { [ctx.clusterLabel]: ctx.clusterName, namespace: ctx.namespace };
}

/** The labels an aggregation `by (<cluster>, namespace, ...extra)` keeps of `labels`. */
function kept(ctx: AlertContext, labels: Labels, ...extra: string[]): Labels {
  const out: Labels = {};
  for (const k of [ctx.clusterLabel, 'namespace', ...extra]) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

/** A series left out: no samples at all (promtool's `_`). */
function absent(minutes: number): string {
  return `_x${minutes + 1}`;
}

/**
 * The first minute at which `rate(x[5m])` of a counter growing `perSecond` from 0 at minute 0 is
 * above `t`: Prometheus extrapolates no further back than the counter's zero, so at minute m < 5
 * the rate is m/5 of the true one.
 */
function rateActiveFrom(perSecond: number, t: number): number {
  for (let m = 1; m <= 5; m++) if ((m / 5) * perSecond > t) return m;
  throw new Error(`a rate of ${perSecond}/s is never above ${t}`);
}

/** The tests evaluate recording rules first (group_eval_order): an alert reads them at the same step. */
const RECORDING_LAG = 0;

/**
 * Histogram series whose 0.99 quantile interpolates to about `qMs`: `c` of every 1000
 * observations at or below the lower bound of the bucket holding `qMs`, the rest inside it.
 * Returns the series and the exact quantile Prometheus computes.
 */
interface HistogramAtP99 { series: TestSeries[]; p99: number; lo: number; hi: number; c: number }

function histogramAtP99(family: string, labels: Labels, qMs: number, minutes: number): HistogramAtP99 {
  const n = 1000;
  const hi = MS_BUCKETS.find((b) => b >= qMs)!;
  const lo = hi === MS_BUCKETS[0] ? 0 : hi / 2;
  const f = lo === 0 ? 0.99 : Math.min(0.99, (qMs - lo) / (hi - lo));
  const c = lo === 0 ? 0 : Math.max(0, Math.round((0.99 * n - n * f) / (1 - f)));
  const p99 = lo + ((hi - lo) * (0.99 * n - c)) / (n - c);
  return { series: histogramSeries(family, labels, (le) => (le >= hi ? n : c), n, minutes), p99, lo, hi, c };
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

/**
 * What a second cluster's (or a staging copy's) recording rules record in the same Prometheus,
 * a cluster in trouble: half its packets undecodable, its p99 in the 2s to 4s bucket. The alerts
 * of this cluster must not see them.
 */
export function neighbourRecordings(ctx: AlertContext, minutes: number): TestSeries[] {
  const others = [{ [ctx.clusterLabel]: `${ctx.clusterName}-east`, namespace: ctx.namespace }, { [ctx.clusterLabel]: ctx.clusterName, namespace: `${ctx.namespace}-staging` }];
  return others.flatMap((l) => [
    series(RECORD_PACKETS_RECEIVED, l, constant(100, minutes)),
    series(RECORD_PACKETS_RECEIVED_ERROR, l, constant(100, minutes)),
    ...MS_BUCKETS.map((le) => series(RECORD_LATENCY_BUCKETS, { ...l, pod: ctx.podNames[0], le: String(le) }, constant(le >= 4096 ? 50 : 0, minutes))),
    series(RECORD_LATENCY_BUCKETS, { ...l, pod: ctx.podNames[0], le: '+Inf' }, constant(50, minutes)),
  ]);
}

/** Names of the recording rules, which alert and dashboard expressions may select. */
export const RECORDED_METRICS: readonly string[] = RECORDING_RULES.map((r) => r.record);

// ---- alert families that share a shape ----

/**
 * An alert on the cluster-wide ratio of two counters' rates above `t`: every pod serves 600
 * denominator events a minute and the numerator is spread unevenly (half, 30%, 20%) over the
 * pods, so a ratio of per-pod maxima differs from the ratio of sums. Fires at (1+t)/2 and at
 * 1.1t, quiet at 0.9t; with a traffic floor, quiet just below it and firing just above.
 */
function clusterRatioTests(ctx: AlertContext, t: number, minutes: number, numerator: string, denominator: string,
  extra: { num?: Labels; den?: Labels } = {}, floorPerSecond?: number): AlertTestCases {
  const share = [0.5, 0.3, 0.2];
  const pods = ctx.podNames.length;
  const mk = (ratio: number, perPod = 600) => ctx.podNames.flatMap((_, i) => [
    series(denominator, podLabels(ctx, i, extra.den ?? {}), growing(perPod, minutes)),
    series(numerator, podLabels(ctx, i, extra.num ?? {}), growing(perPod * pods * ratio * (share[i] ?? 0), minutes)),
  ]);
  const spread = share.slice(0, pods).reduce((a, b) => a + b, 0);
  const expect = (ratio: number) => [{ labels: clusterOnly(ctx), value: (600 * pods * ratio * spread) / (600 * pods) }];
  const fire = (1 + t) / 2;
  const cases: AlertTestCases = {
    fire: [
      { description: `ratio ${pct(fire)} is above ${pct(t)}`, series: mk(fire), expected: expect(fire), activeFrom: 1 },
      { description: `ratio ${pct(1.1 * t)} is just above ${pct(t)}`, series: mk(1.1 * t), expected: expect(1.1 * t) },
    ],
    quiet: [{ description: `ratio ${pct(0.9 * t)} is just below ${pct(t)}`, series: mk(0.9 * t), expected: [] }],
  };
  if (floorPerSecond !== undefined) {
    // 600 a minute per pod is 10/s per pod: scale the traffic to just above and below the floor.
    const perPod = (perSecond: number) => (perSecond * 60) / pods;
    cases.fire.push({ description: `ratio ${pct(fire)} at ${1.5 * floorPerSecond}/s, just above the traffic floor`, series: mk(fire, perPod(1.5 * floorPerSecond)), expected: expect(fire) });
    cases.quiet.push({ description: `ratio ${pct(fire)} at ${0.75 * floorPerSecond}/s, below the traffic floor`, series: mk(fire, perPod(0.75 * floorPerSecond)), expected: [] });
  }
  return cases;
}

/**
 * An alert on a gauge above `t` on one pod (the fixture's other pods stay healthy): fires at
 * `fire` and at 1.1t, quiet at 0.9t.
 */
function gaugeTests(name: string, labels: Labels, expectLabels: Labels, fire: number, minutes: number, t: number,
  round = (v: number) => v): AlertTestCases {
  const mk = (v: number) => [series(name, labels, constant(v, minutes))];
  return {
    fire: [
      { description: `${fire} is above ${t}`, series: mk(fire), expected: [{ labels: expectLabels, value: fire }], activeFrom: 0 },
      { description: `${round(1.1 * t)} is just above ${t}`, series: mk(round(1.1 * t)), expected: [{ labels: expectLabels, value: round(1.1 * t) }] },
    ],
    quiet: [{ description: `${round(0.9 * t)} is just below ${t}`, series: mk(round(0.9 * t)), expected: [] }],
  };
}

/**
 * An alert on a counter's per-second rate above `t`, per pod: fires at t+1 on one pod (the
 * others healthy), and for t > 0 at 1.1t; quiet at 0.9t (or with no increase).
 */
function podRateTests(t: number, minutes: number, name: string, labels: Labels, expectLabels: Labels): AlertTestCases {
  const mk = (perSecond: number) => [series(name, labels, growing(60 * perSecond, minutes))];
  const cases: AlertTestCases = {
    fire: [{ description: `${+(t + 1).toFixed(6)}/s is above ${t}/s`, series: mk(t + 1), expected: [{ labels: expectLabels, value: t + 1 }], activeFrom: rateActiveFrom(t + 1, t) }],
    quiet: [{ description: 'no increase', series: [series(name, labels, constant(7, minutes))], expected: [] }],
  };
  if (t > 0) {
    cases.fire.push({ description: `${1.1 * t}/s is just above ${t}/s`, series: mk(1.1 * t), expected: [{ labels: expectLabels, value: 1.1 * t }] });
    cases.quiet.push({ description: `${0.9 * t}/s is just below ${t}/s`, series: mk(0.9 * t), expected: [] });
  }
  return cases;
}

/** The RobustMQ container's series from cAdvisor and kube-state-metrics (they carry no cluster label). */
function containerSelector(ctx: AlertContext, extra: string[] = []): string {
  return [`namespace="${ctx.namespace}"`, `pod=~"${ctx.podRegex}"`, `container="${ctx.containerName}"`, ...extra].join(', ');
}

/** The labels `by (namespace, pod, container)` keeps of pod 0's container series. */
function containerLabels(ctx: AlertContext): Labels {
  return { namespace: ctx.namespace, pod: ctx.podNames[0], container: ctx.containerName };
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
      const labels = volumeLabels(ctx, 0);
      const capacity = 1000000;
      const available = (ratio: number) => Math.round(capacity * (1 - ratio));
      const mk = (ratio: number) => [
        series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
        series('kubelet_volume_stats_available_bytes', labels, constant(available(ratio), minutes)),
      ];
      const expected = (ratio: number) => [{ labels, value: 1 - available(ratio) / capacity }];
      const fire = (1 + t) / 2;
      const near = Math.min(1.1 * t, fire);
      return {
        fire: [
          { description: `${pct(fire)} not available`, series: mk(fire), expected: expected(fire), activeFrom: 0 },
          { description: `${pct(near)} not available, just above`, series: mk(near), expected: expected(near) },
        ],
        quiet: [{ description: `${pct(0.9 * t)} not available, just below`, series: mk(0.9 * t), expected: [] }],
      };
    },
  };
}

// ---- the alerts ----

export const ALERT_DEFINITIONS: readonly AlertDefinition[] = [
  {
    name: 'RobustMQClusterDown',
    outage: 'cause',
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
      const up = (n: number) => ctx.podNames.map((_pod, i) => series('up', podLabels(ctx, i), constant(i < n ? 1 : 0, minutes)));
      return {
        fire: [
          { description: `${t - 1} of ${ctx.replicas} nodes up`, series: up(t - 1), expected: [{ labels: {}, value: t - 1 }], activeFrom: 0 },
          {
            description: 'no target discovered at all',
            series: [...ctx.podNames.map((_pod, i) => series('up', podLabels(ctx, i), absent(minutes))), series('up', podLabels(ctx, 0, { namespace: 'elsewhere', pod: 'other-0' }), constant(1, minutes))],
            expected: [{ labels: {}, value: 0 }],
          },
        ],
        quiet: [
          { description: `all ${ctx.replicas} nodes up`, series: up(ctx.replicas), expected: [] },
          { description: `just ${t} of ${ctx.replicas} nodes up`, series: up(t), expected: [] },
        ],
      };
    },
  },
  {
    name: 'RobustMQNodeDown',
    outage: 'symptom',
    group: 'cluster',
    severity: AlertSeverity.WARNING,
    for: '5m',
    summary: 'A RobustMQ node is down.',
    description: (ctx) => `Prometheus cannot scrape RobustMQ pod {{ $labels.pod }} of cluster ${ctx.clusterName} in namespace {{ $labels.namespace }}.`,
    dashboard: 'overview',
    expr: (ctx) => `up{${sel(ctx)}} == 0`,
    tests: (ctx, _t, minutes) => {
      const labels = podLabels(ctx, 0);
      return {
        fire: [{ description: `${ctx.podNames[0]} down, the others up`, series: [series('up', labels, constant(0, minutes))], expected: [{ labels, value: 0 }], activeFrom: 0 }],
        quiet: [{ description: 'all up', series: [], expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQPodsMissing',
    outage: 'symptom',
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
      const last = ctx.replicas - 1;
      return {
        fire: [{
          description: `${ctx.replicas - 1} of ${ctx.replicas} pods discovered`,
          series: [series('up', podLabels(ctx, last), absent(minutes))],
          expected: [{ labels: {}, value: ctx.replicas - 1 }],
          activeFrom: 0,
        }],
        quiet: [{ description: `all ${ctx.replicas} pods discovered, one of them down`, series: [series('up', podLabels(ctx, last), constant(0, minutes))], expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQMetricsAbsent',
    outage: 'symptom',
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
      const labels = podLabels(ctx, 0);
      return {
        fire: [{
          description: `${ctx.podNames[0]} up without RobustMQ metrics, the others with`,
          series: [series('up', labels, constant(1, minutes)), series(sample('system_process_cpu_usage'), labels, absent(minutes))],
          expected: [{ labels, value: 1 }],
          activeFrom: 0,
        }],
        quiet: [{ description: 'every pod up with RobustMQ metrics', series: [], expected: [] }],
      };
    },
  },
  {
    name: 'RobustMQScrapeSlow',
    outage: 'symptom',
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
      const labels = podLabels(ctx, 0);
      const limit = +(t * ctx.scrapeTimeoutSeconds).toFixed(6);
      return gaugeTests('scrape_duration_seconds', labels, labels, ((1 + t) / 2) * ctx.scrapeTimeoutSeconds, minutes, limit, (v) => +v.toFixed(6));
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
      const labels = podLabels(ctx, 0, { network: 'Tcp', packet: 'Publish' });
      const expect = kept(ctx, labels, 'pod');
      const at = (q: number) => histogramAtP99('mqtt_packet_process_duration_ms', labels, q * 1000, minutes);
      const [far, near, below] = [at(2.5 * t), at(1.1 * t), at(0.9 * t)];
      return {
        fire: [
          { description: `p99 ${+far.p99.toFixed(3)}ms on one pod`, series: far.series, expected: [{ labels: expect, value: far.p99 / 1000 }], activeFrom: 1 + RECORDING_LAG },
          { description: `p99 ${+near.p99.toFixed(3)}ms, just above`, series: near.series, expected: [{ labels: expect, value: near.p99 / 1000 }] },
        ],
        quiet: [{ description: `p99 ${+below.p99.toFixed(3)}ms, just below`, series: below.series, expected: [] }],
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
      // Every pod decodes 600 packets a minute; the undecodable ones come half from pod 0, 30%
      // from pod 1, 20% from pod 2, e in all: the ratio is e / (1800 + e).
      const share = [0.5, 0.3, 0.2];
      const pods = ctx.podNames.length;
      const mk = (received: number, errors: number) => ctx.podNames.flatMap((_, i) => [
        series(sample('mqtt_packets_received'), podLabels(ctx, i, { network: 'Tcp' }), growing(received, minutes)),
        series(sample('mqtt_packets_received_error'), podLabels(ctx, i, { network: 'Tcp' }), growing(errors * (share[i] ?? 0), minutes)),
      ]);
      const total = 600 * pods;
      const errorsFor = (ratio: number) => (total * ratio) / (1 - ratio);
      const sent = (ratio: number) => errorsFor(ratio) * share.slice(0, pods).reduce((a, b) => a + b, 0);
      const value = (ratio: number) => sent(ratio) / (total + sent(ratio));
      const fire = (1 + t) / 2;
      const floor = (perSecond: number) => mk(0, (perSecond * 60) / share.slice(0, pods).reduce((a, b) => a + b, 0));
      return {
        fire: [
          { description: `ratio ${pct(fire)} is above ${pct(t)}`, series: mk(600, errorsFor(fire)), expected: [{ labels: clusterOnly(ctx), value: value(fire) }], activeFrom: 1 + RECORDING_LAG },
          { description: `ratio ${pct(1.1 * t)} is just above ${pct(t)}`, series: mk(600, errorsFor(1.1 * t)), expected: [{ labels: clusterOnly(ctx), value: value(1.1 * t) }] },
          { description: `errors only at ${1.5 * MIN_PACKET_RATE}/s, just above the traffic floor`, series: floor(1.5 * MIN_PACKET_RATE), expected: [{ labels: clusterOnly(ctx), value: 1 }] },
        ],
        quiet: [
          { description: `ratio ${pct(0.9 * t)} is just below ${pct(t)}`, series: mk(600, errorsFor(0.9 * t)), expected: [] },
          { description: `an idle cluster with one bad client: errors only at ${0.75 * MIN_PACKET_RATE}/s, below the traffic floor`, series: floor(0.75 * MIN_PACKET_RATE), expected: [] },
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
    tests: (ctx, t, minutes) => {
      // Spread over two pods, so a per-pod maximum would not reach the cluster's sum.
      const mk = (perSecond: number) => [0, 1].map((i) => series(sample('mqtt_auth_failed'), podLabels(ctx, i), growing(30 * perSecond, minutes)));
      const expected = (v: number) => [{ labels: clusterOnly(ctx), value: v }];
      return {
        fire: [
          { description: `${2 * t + 1}/s over two pods is above ${t}/s`, series: mk(2 * t + 1), expected: expected(2 * t + 1), activeFrom: rateActiveFrom(2 * t + 1, t) },
          { description: `${1.1 * t}/s is just above ${t}/s`, series: mk(1.1 * t), expected: expected(1.1 * t) },
        ],
        quiet: [{ description: `${0.9 * t}/s is just below ${t}/s`, series: mk(0.9 * t), expected: [] }],
      };
    },
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
    tests: (ctx, t, minutes) => clusterRatioTests(ctx, t, minutes, sample('mqtt_messages_dropped_no_subscribers'), sample('mqtt_messages_received'), {}, MIN_MESSAGE_RATE),
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
      const method = { [seriesLabel('grpc_requests', 'service')]: META_GRPC_SERVICE, method: 'Heartbeat' };
      // The fixture's other calls (and their NOT_FOUND answers) left out, so the ratio is the case's own.
      const lookups = { [seriesLabel('grpc_requests', 'service')]: META_GRPC_SERVICE, method: 'GetShareSubLeader' };
      const others = ctx.podNames.flatMap((_, i) => [
        series(sample('grpc_requests'), podLabels(ctx, i, lookups), absent(minutes)),
        series(sample('grpc_errors'), podLabels(ctx, i, { ...lookups, status_code: 'NOT_FOUND' }), absent(minutes)),
      ]);
      const withOthers = (c: AlertTestCases): AlertTestCases => ({
        fire: c.fire.map((x) => ({ ...x, series: [...x.series, ...others] })),
        quiet: c.quiet.map((x) => ({ ...x, series: [...x.series, ...others] })),
      });
      const r = withOthers(clusterRatioTests(ctx, t, minutes, sample('grpc_errors'), sample('grpc_requests'), { num: { ...method, status_code: 'UNAVAILABLE' }, den: method }, MIN_GRPC_REQUEST_RATE));
      const notFound = withOthers(clusterRatioTests(ctx, t, minutes, sample('grpc_errors'), sample('grpc_requests'), { num: { ...method, status_code: 'NOT_FOUND' }, den: method }));
      return {
        fire: r.fire,
        quiet: [...r.quiet, { ...notFound.fire[0], description: `as many NOT_FOUND answers (${pct((1 + t) / 2)}), which are normal`, expected: [], activeFrom: undefined }],
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
      const labels = podLabels(ctx, 0, { machine: 'metadata_0' });
      return gaugeTests(sample('raft_apply_lag'), labels, kept(ctx, labels, 'pod', 'machine'), 2 * t + 2, minutes, t, Math.round);
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
      const labels = podLabels(ctx, 0, { machine: 'metadata_0' });
      return podRateTests(t, minutes, sample('raft_write_failures'), labels, kept(ctx, labels, 'pod', 'machine'));
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
      const labels = podLabels(ctx, 0, { machine: 'metadata_0', rpc_type: 'append_entries' });
      const expect = kept(ctx, labels, 'pod', 'rpc_type');
      const mk = (ratio: number) => [
        series(sample('raft_rpc_requests'), labels, growing(600, minutes)),
        series(sample('raft_rpc_failures'), labels, growing(600 * ratio, minutes)),
      ];
      const fire = (1 + t) / 2;
      // A second state machine on the pod, failing less: the ratio is over both.
      const offset = { ...labels, machine: 'offset_0' };
      const two = [...mk(fire), series(sample('raft_rpc_requests'), offset, growing(600, minutes)), series(sample('raft_rpc_failures'), offset, growing(600 * t, minutes))];
      return {
        fire: [
          { description: `ratio ${pct(fire)} on one pod`, series: mk(fire), expected: [{ labels: expect, value: fire }], activeFrom: 1 },
          { description: `two state machines, ${pct((fire + t) / 2)} over both`, series: two, expected: [{ labels: expect, value: (fire + t) / 2 }] },
          { description: `ratio ${pct(1.1 * t)}, just above ${pct(t)}`, series: mk(1.1 * t), expected: [{ labels: expect, value: 1.1 * t }] },
        ],
        quiet: [{ description: `ratio ${pct(0.9 * t)}, just below ${pct(t)}`, series: mk(0.9 * t), expected: [] }],
      };
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
      const labels = podLabels(ctx, 0, { machine: 'metadata_0', rpc_type: 'vote' });
      const expect = { ...clusterOnly(ctx), machine: 'metadata_0' };
      const fire = 2 * (t + 1);
      const perMinute = fire / 15;
      // increase() over 15m of a counter from 0 at minute 0 is m * perMinute until minute 15.
      let from = 1;
      while (from * perMinute <= t) from++;
      const mk = (total: number) => [series(sample('raft_rpc_requests'), labels, growing(total / 15, minutes))];
      return {
        fire: [
          { description: `${fire} vote requests in 15m`, series: mk(fire), expected: [{ labels: expect, value: fire }], activeFrom: from, valueAt: (m) => Math.min(m, 15) * perMinute },
          { description: `${t + 1} vote requests in 15m, just above ${t}`, series: mk(t + 1), expected: [{ labels: expect, value: t + 1 }] },
          {
            description: `${t + 1} vote requests in 15m from two pods`,
            series: [series(sample('raft_rpc_requests'), labels, growing((t + 1) / 30, minutes)), series(sample('raft_rpc_requests'), podLabels(ctx, 1, { machine: 'metadata_0', rpc_type: 'vote' }), growing((t + 1) / 30, minutes))],
            expected: [{ labels: expect, value: t + 1 }],
          },
        ],
        quiet: [
          { description: `${0.9 * t} vote requests in 15m, just below ${t}`, series: mk(0.9 * t), expected: [] },
          { description: 'many append_entries but no vote requests', series: [series(sample('raft_rpc_requests'), { ...labels, rpc_type: 'append_entries' }, growing(6000, minutes))], expected: [] },
        ],
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
      const labels = volumeLabels(ctx, 0);
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
      // 100 bytes a minute less, `hours` hours of it left at evaluation (well under half full).
      const falling = (hours: number) => {
        const left = Math.round(6000 * hours);
        const cap = 4 * (left + 100 * minutes);
        return {
          capacity: cap,
          availableAtEval: left,
          series: [
            series('kubelet_volume_stats_capacity_bytes', labels, constant(cap, minutes)),
            series('kubelet_volume_stats_available_bytes', labels, `${left + 100 * evalMinute}-100x${minutes}`),
          ],
        };
      };
      return {
        fire: [{
          description: `free space falling ${drop} bytes a minute`,
          series: [
            series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
            series('kubelet_volume_stats_available_bytes', labels, `${start}-${drop}x${minutes}`),
          ],
          expected: [{ labels, value: availableAtEval / capacity }],
          activeFrom: 1,
          valueAt: (m) => (start - drop * m) / capacity,
        }, {
          description: `full in ${0.9 * t}h at evaluation, within ${t}h for the whole of \`for\``,
          series: falling(0.9 * t).series,
          expected: [{ labels, value: falling(0.9 * t).availableAtEval / falling(0.9 * t).capacity }],
        }],
        quiet: [{
          description: 'falling fast but more than half free',
          series: [
            series('kubelet_volume_stats_capacity_bytes', labels, constant(capacity, minutes)),
            series('kubelet_volume_stats_available_bytes', labels, `${0.8 * capacity}-${drop}x${minutes}`),
          ],
          expected: [],
        }, {
          description: `full in ${1.1 * t}h, beyond ${t}h`,
          series: falling(1.1 * t).series,
          expected: [],
        }, {
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
      const labels = podLabels(ctx, 0, { operation: 'write' });
      const cases = podRateTests(t, minutes, sample('storage_engine_ops_fail'), labels, kept(ctx, labels, 'pod'));
      // Two operations failing on one pod: the alert adds them up.
      const both = [series(sample('storage_engine_ops_fail'), labels, growing(60 * (t + 1), minutes)),
        series(sample('storage_engine_ops_fail'), { ...labels, operation: 'read' }, growing(120 * (t + 1), minutes))];
      return { ...cases, fire: [...cases.fire, { description: 'reads and writes failing', series: both, expected: [{ labels: kept(ctx, labels, 'pod'), value: 3 * (t + 1) }] }] };
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
      const labels = podLabels(ctx, 0, { source: 'meta', operation: 'save' });
      const expect = kept(ctx, labels, 'pod', 'operation');
      const at = (q: number) => histogramAtP99('rocksdb_operation_ms', labels, q * 1000, minutes);
      const [far, near, below] = [at(2.5 * t), at(1.1 * t), at(0.9 * t)];
      // Two sources on the pod: slow saves to the broker's store among fast ones to the meta store.
      const slow = histogramAtP99('rocksdb_operation_ms', { ...labels, source: 'broker' }, 4 * t * 1000, minutes);
      const mixed = [...histogramAtP99('rocksdb_operation_ms', labels, 1, minutes).series, ...slow.series];
      // 2000 observations: the fast 1000 within 1ms, the slow ones' c at or below lo: rank 1980 falls in (lo, hi].
      const mixedP99 = slow.lo + ((slow.hi - slow.lo) * (1980 - 1000 - slow.c)) / (2000 - 1000 - slow.c);
      return {
        fire: [
          { description: `p99 ${+far.p99.toFixed(3)}ms on one pod`, series: far.series, expected: [{ labels: expect, value: far.p99 / 1000 }], activeFrom: 1 },
          { description: 'slow saves from one source among fast ones', series: mixed, expected: [{ labels: expect, value: mixedP99 / 1000 }] },
          { description: `p99 ${+near.p99.toFixed(3)}ms, just above`, series: near.series, expected: [{ labels: expect, value: near.p99 / 1000 }] },
        ],
        quiet: [{ description: `p99 ${+below.p99.toFixed(3)}ms, just below`, series: below.series, expected: [] }],
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
      const limitCores = 2;
      const mk = (ratio: number) => [
        ...KSM_INSTANCES.map((inst) => series('kube_pod_container_resource_limits', limitLabels(ctx, 0, 'cpu', inst), constant(limitCores, minutes))),
        series('container_cpu_usage_seconds_total', cadvisorLabels(ctx, 0), growing(60 * limitCores * ratio, minutes)),
      ];
      const expected = (ratio: number) => [{ labels: containerLabels(ctx), value: ratio }];
      const fire = (1 + t) / 2;
      return {
        fire: [
          { description: `${pct(fire)} of the limit`, series: mk(fire), expected: expected(fire), activeFrom: rateActiveFrom(fire, t) },
          { description: `${pct(Math.min(1.1 * t, (1 + t) / 2))} of the limit, just above`, series: mk(Math.min(1.1 * t, (1 + t) / 2)), expected: expected(Math.min(1.1 * t, (1 + t) / 2)) },
        ],
        quiet: [{ description: `${pct(0.9 * t)} of the limit, just below`, series: mk(0.9 * t), expected: [] }],
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
      const limit = 2 * 1024 ** 3;
      const mk = (ratio: number) => [
        ...KSM_INSTANCES.map((inst) => series('kube_pod_container_resource_limits', limitLabels(ctx, 0, 'memory', inst), constant(limit, minutes))),
        series('container_memory_working_set_bytes', cadvisorLabels(ctx, 0), constant(Math.round(limit * ratio), minutes)),
      ];
      const expected = (ratio: number) => [{ labels: containerLabels(ctx), value: Math.round(limit * ratio) / limit }];
      const fire = (1 + t) / 2;
      const near = Math.min(1.1 * t, fire);
      return {
        fire: [
          { description: `${pct(fire)} of the limit`, series: mk(fire), expected: expected(fire), activeFrom: 0 },
          { description: `${pct(near)} of the limit, just above`, series: mk(near), expected: expected(near) },
        ],
        quiet: [{ description: `${pct(0.9 * t)} of the limit, just below`, series: mk(0.9 * t), expected: [] }],
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
      const labels = cadvisorLabels(ctx, 0);
      const mk = (ratio: number) => [
        series('container_cpu_cfs_periods_total', labels, growing(600, minutes)),
        series('container_cpu_cfs_throttled_periods_total', labels, growing(600 * ratio, minutes)),
      ];
      const expected = (ratio: number) => [{ labels: containerLabels(ctx), value: ratio }];
      const fire = (1 + t) / 2;
      return {
        fire: [
          { description: `${pct(fire)} of periods throttled`, series: mk(fire), expected: expected(fire), activeFrom: 1 },
          { description: `${pct(1.1 * t)} of periods throttled, just above`, series: mk(1.1 * t), expected: expected(1.1 * t) },
        ],
        quiet: [{ description: `${pct(0.9 * t)} of periods throttled, just below`, series: mk(0.9 * t), expected: [] }],
      };
    },
  },
];

/** The RobustMQ alerts, then the log pipeline's. */
export const ALL_ALERT_DEFINITIONS: readonly AlertDefinition[] = [...ALERT_DEFINITIONS, ...LOG_AGENT_ALERTS];

/** The names of all alerts. */
export const ALERT_NAMES: readonly string[] = ALL_ALERT_DEFINITIONS.map((a) => a.name);

/**
 * The alerts of a cluster outage: the one that says the cluster is down, and the per-pod and scrape
 * alerts it sets off (which routing inhibits while it fires). Read from the definitions' `outage`.
 */
export const CLUSTER_OUTAGE: { readonly cause: string; readonly symptoms: readonly string[] } = {
  cause: ALERT_DEFINITIONS.find((d) => d.outage === 'cause')!.name,
  symptoms: ALERT_DEFINITIONS.filter((d) => d.outage === 'symptom').map((d) => d.name),
};

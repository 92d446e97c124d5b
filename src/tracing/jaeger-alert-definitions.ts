import { AlertDefinition, AlertSeverity, AlertTestCases, thresholdProblem } from '../alerts/engine';
import { pct, series } from '../alerts/test-inputs';
import { KnownMetrics } from '../metrics/known';
import { quoteLabelValue, rate, sumBy } from '../metrics/promql';

/**
 * Jaeger's alerts as data, for the alert engine (src/alerts/engine.ts): expression, annotations
 * and the promtool test inputs that make each alert fire and stay quiet. They select Jaeger's own
 * metrics (the OpenTelemetry Collector's internal telemetry on port 8888, scraped by the Jaeger
 * construct's ServiceMonitor) and render into one rule group, `jaeger`.
 */

/** The rule group the Jaeger alerts render into. */
export const JAEGER_ALERT_GROUP = 'jaeger';

/** What the Jaeger alert expressions select Jaeger's series by. */
export interface JaegerAlertContext {
  /** The namespace of the Jaeger pods (their `namespace` label). */
  readonly namespace: string;
  /** The `job` label of Jaeger's series: the Service's name. */
  readonly job: string;
  /** Name of the label the ServiceMonitor puts the instance name in. */
  readonly clusterLabel: string;
  /** The Jaeger instance name in that label. */
  readonly clusterName: string;
}

/** One Jaeger alert. */
export type JaegerAlertDefinition = AlertDefinition<JaegerAlertContext>;

/** A share of 0 cannot be exceeded meaningfully. */
function shareProblem(t: number): string | undefined {
  return thresholdProblem('ratio', t)
    ?? (t === 0 ? 'must be above 0: a share of 0 cannot be exceeded meaningfully, disable the alert instead' : undefined);
}

// The sample names Jaeger 2.x serves on :8888 (the Collector's Prometheus exporter adds `_total`
// to counters); all are declared in DECLARED_METRICS['jaeger'].
export const JAEGER_METRIC_ACCEPTED_SPANS = 'otelcol_receiver_accepted_spans_total';
export const JAEGER_METRIC_REFUSED_SPANS = 'otelcol_receiver_refused_spans_total';
export const JAEGER_METRIC_SENT_SPANS = 'otelcol_exporter_sent_spans_total';
export const JAEGER_METRIC_SEND_FAILED_SPANS = 'otelcol_exporter_send_failed_spans_total';

function matchers(ctx: JaegerAlertContext): string[] {
  return [`job=${quoteLabelValue(ctx.job)}`, `namespace=${quoteLabelValue(ctx.namespace)}`];
}

function scraped(ctx: JaegerAlertContext, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { job: ctx.job, namespace: ctx.namespace, pod: `${ctx.job}-0`, [ctx.clusterLabel]: ctx.clusterName, ...extra };
}

/**
 * `failed / (ok + failed)` of two counters, by `by`: NaN (quiet) when nothing flows.
 */
function failedShare(ctx: JaegerAlertContext, failed: string, ok: string, by: string[]): string {
  const m = matchers(ctx);
  const f = sumBy(by, rate(failed, '5m', m));
  return `${f} / (${sumBy(by, rate(ok, '5m', m))} + ${f})`;
}

/** Tests of a failed share: fires at (1+t)/2, quiet at t/2 and with no traffic. */
function shareTests(ctx: JaegerAlertContext, t: number, minutes: number, failed: string, ok: string,
  extra: { [key: string]: string }, by: string[]): AlertTestCases {
  const total = 600;
  const labels = scraped(ctx, extra);
  const perMinute = (v: number) => +v.toFixed(6);
  const mk = (share: number) => [
    series(ok, labels, `0+${perMinute(total * (1 - share))}x${minutes}`),
    series(failed, labels, `0+${perMinute(total * share)}x${minutes}`),
  ];
  const expectLabels = Object.fromEntries(by.map((l) => [l, labels[l]]));
  const fire = (1 + t) / 2;
  return {
    fire: [{ description: `${pct(fire)} of spans failed, above ${pct(t)}`, series: mk(fire), expected: [{ labels: expectLabels, value: fire }] }],
    quiet: [
      { description: `${pct(t / 2)} of spans failed, not above ${pct(t)}`, series: mk(t / 2), expected: [] },
      { description: 'no spans at all', series: [series(ok, labels, `0x${minutes}`), series(failed, labels, `0x${minutes}`)], expected: [] },
    ],
  };
}

const RECEIVER_BY = ['namespace', 'job', 'receiver', 'transport'];
const EXPORTER_BY = ['namespace', 'job', 'exporter'];

export const JAEGER_ALERT_DEFINITIONS: readonly JaegerAlertDefinition[] = [
  {
    name: 'JaegerDown',
    group: JAEGER_ALERT_GROUP,
    severity: AlertSeverity.WARNING,
    for: '5m',
    summary: 'Jaeger is down.',
    description: (ctx) => `{{ $value }} Jaeger targets of job ${ctx.job} in namespace ${ctx.namespace} are up: `
      + 'spans sent to it are lost, and the Jaeger UI and the Grafana Jaeger datasource do not answer.',
    staticLabels: (ctx) => ({ namespace: ctx.namespace, job: ctx.job }),
    // `or vector(0)` makes it fire also when no Jaeger target is discovered at all.
    expr: (ctx) => `(sum(up{${matchers(ctx).join(', ')}}) or vector(0)) < 1`,
    tests: (ctx, _t, minutes) => ({
      fire: [
        { description: 'the Jaeger target is down', series: [series('up', scraped(ctx), `0x${minutes}`)], expected: [{ labels: {}, value: 0 }] },
        {
          description: 'no Jaeger target discovered',
          series: [series('up', scraped(ctx, { namespace: 'elsewhere' }), `1x${minutes}`)],
          expected: [{ labels: {}, value: 0 }],
        },
      ],
      quiet: [{ description: 'the Jaeger target is up', series: [series('up', scraped(ctx), `1x${minutes}`)], expected: [] }],
    }),
  },
  {
    name: 'JaegerSpansRefused',
    group: JAEGER_ALERT_GROUP,
    severity: AlertSeverity.WARNING,
    for: '10m',
    thresholdProblem: shareProblem,
    threshold: { default: 0.01, unit: 'ratio', meaning: 'share of received spans a receiver refuses' },
    summary: 'Jaeger refuses spans that clients send.',
    description: (ctx, t) => `Jaeger receiver {{ $labels.receiver }} ({{ $labels.transport }}) of job ${ctx.job} in namespace ${ctx.namespace} `
      + `refuses {{ $value | humanizePercentage }} of the spans it receives (threshold ${pct(t)}): clients get errors and may drop spans.`,
    expr: (ctx, t) => `${failedShare(ctx, JAEGER_METRIC_REFUSED_SPANS, JAEGER_METRIC_ACCEPTED_SPANS, RECEIVER_BY)} > ${t}`,
    tests: (ctx, t, minutes) => shareTests(ctx, t, minutes, JAEGER_METRIC_REFUSED_SPANS, JAEGER_METRIC_ACCEPTED_SPANS,
      { receiver: 'otlp', transport: 'grpc' }, RECEIVER_BY),
  },
  {
    name: 'JaegerSpansExportFailed',
    group: JAEGER_ALERT_GROUP,
    severity: AlertSeverity.WARNING,
    for: '10m',
    thresholdProblem: shareProblem,
    threshold: { default: 0.01, unit: 'ratio', meaning: 'share of spans the storage exporter fails to write' },
    summary: 'Jaeger fails to write spans to its storage.',
    description: (ctx, t) => `Jaeger exporter {{ $labels.exporter }} of job ${ctx.job} in namespace ${ctx.namespace} fails to write `
      + `{{ $value | humanizePercentage }} of spans to the trace storage (threshold ${pct(t)}): those spans are lost.`,
    expr: (ctx, t) => `${failedShare(ctx, JAEGER_METRIC_SEND_FAILED_SPANS, JAEGER_METRIC_SENT_SPANS, EXPORTER_BY)} > ${t}`,
    tests: (ctx, t, minutes) => shareTests(ctx, t, minutes, JAEGER_METRIC_SEND_FAILED_SPANS, JAEGER_METRIC_SENT_SPANS,
      { exporter: 'jaeger_storage_exporter' }, EXPORTER_BY),
  },
];

/** The names of the Jaeger alerts. */
export const JAEGER_ALERT_NAMES: readonly string[] = JAEGER_ALERT_DEFINITIONS.map((a) => a.name);

/** Jaeger's metrics are declared in the standard catalog (DECLARED_METRICS['jaeger']). */
export const JAEGER_KNOWN_METRICS = KnownMetrics.standard();

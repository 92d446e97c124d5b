import { AlertSeverity, AlertTestCase, TestSeries, ThresholdUnit } from '../alerts/definitions';
import { AlertOverride, ResolvedAlert, RuleGroupJson, RuleJson, checkCommonTuning, renderPromtoolTests, thresholdProblem } from '../alerts/rules';
import { KnownMetrics } from '../metrics/known';
import { describeProblem, promqlProblems, quoteLabelValue, rate, sumBy } from '../metrics/promql';
import { duration } from '../validation/duration';
import { ValidationError } from '../validation/errors';

/**
 * Jaeger's alerts as data, in the shape of the RobustMQ alert definitions (src/alerts/
 * definitions.ts): expression, annotations and the promtool test inputs that make each alert fire
 * and stay quiet. They select Jaeger's own metrics (the OpenTelemetry Collector's internal
 * telemetry on port 8888, scraped by the Jaeger construct's ServiceMonitor) and render into one
 * rule group, `jaeger`.
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
export interface JaegerAlertDefinition {
  /** CamelCase, prefixed `Jaeger`, at most 40 characters. */
  readonly name: string;
  readonly severity: AlertSeverity;
  /** Default `for`, a Prometheus duration. */
  readonly for: string;
  readonly threshold?: { readonly default: number; readonly unit: ThresholdUnit; readonly meaning: string };
  /** Static, capitalised, ends with a period. */
  readonly summary: string;
  /** Templated with the alert's value and labels; `t` is the threshold. */
  readonly description: (ctx: JaegerAlertContext, t: number) => string;
  /** Labels the rule itself sets (besides severity), when the expression has none. */
  readonly staticLabels?: (ctx: JaegerAlertContext) => { [key: string]: string };
  readonly expr: (ctx: JaegerAlertContext, t: number) => string;
  /** Test inputs over `minutes` minutes, one sample a minute; evaluated EVAL_MARGIN_MINUTES before the end. */
  readonly tests: (ctx: JaegerAlertContext, t: number, minutes: number) => { fire: AlertTestCase[]; quiet: AlertTestCase[] };
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

function series(name: string, labels: { [key: string]: string }, values: string): TestSeries {
  const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return { series: `${name}{${body}}`, values };
}

function scraped(ctx: JaegerAlertContext, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { job: ctx.job, namespace: ctx.namespace, pod: `${ctx.job}-0`, [ctx.clusterLabel]: ctx.clusterName, ...extra };
}

function pct(ratio: number): string {
  return `${+(ratio * 100).toFixed(4)}%`;
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
  extra: { [key: string]: string }, by: string[]) {
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
    severity: AlertSeverity.WARNING,
    for: '10m',
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
    severity: AlertSeverity.WARNING,
    for: '10m',
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

/** How the Jaeger alerts are tuned. */
export interface JaegerAlertOptions {
  /**
   * Jaeger alerts to leave out, by name.
   *
   * @default - none
   */
  readonly disabledAlerts?: string[];
  /**
   * Per-alert overrides of `for`, severity and threshold, by alert name.
   *
   * @default - none
   */
  readonly overrides?: { [alertName: string]: AlertOverride };
  /**
   * Labels added to every alert.
   *
   * @default - none
   */
  readonly extraLabels?: { [key: string]: string };
  /**
   * The runbook link; `{anchor}` becomes the lower-cased alert name, `{alert}` the name.
   *
   * @default - the alert's section in this project's docs/runbooks.md
   */
  readonly runbookUrlPattern?: string;
}

/** A refused input: `field` and `value` are named by the caller's error. */
export type JaegerAlertFail = (field: string, value: unknown, problem: string) => never;

/** One Jaeger alert with its tuning applied. */
export type ResolvedJaegerAlert = ResolvedAlert<JaegerAlertDefinition>;


function defaultFail(field: string, value: unknown, problem: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw new ValidationError('Jaeger alerts', field, `Jaeger alerts: ${field} '${shown}' ${problem}`, shown, problem);
}

/** The problem with a Jaeger alert name, or undefined. */
export function jaegerAlertNameProblem(name: string): string | undefined {
  return JAEGER_ALERT_NAMES.includes(name) ? undefined : `is not a Jaeger alert: the Jaeger alerts are ${JAEGER_ALERT_NAMES.join(', ')}`;
}

/**
 * Applies the tuning to the Jaeger alerts, validating every input; every expression is parsed and
 * its metrics checked against the declared Jaeger and Prometheus metrics.
 */
export function resolveJaegerAlerts(ctx: JaegerAlertContext, options: JaegerAlertOptions = {},
  fail: JaegerAlertFail = defaultFail): ResolvedJaegerAlert[] {
  const overrides = options.overrides ?? {};
  const reason = 'the alerts set it';
  const { disabled, runbookPattern } = checkCommonTuning(options, jaegerAlertNameProblem,
    { alertname: reason, severity: reason, namespace: reason, job: reason }, fail);
  const known = KnownMetrics.standard();
  const out: ResolvedJaegerAlert[] = [];
  for (const def of JAEGER_ALERT_DEFINITIONS) {
    const o = overrides[def.name] ?? {};
    if (disabled.has(def.name) || o.disabled) continue;
    const forValue = o.for ?? def.for;
    const forProblem = duration(forValue);
    if (forProblem) fail(`overrides.${def.name}.for`, forValue, forProblem);
    const severity = o.severity ?? def.severity;
    if (!(Object.values(AlertSeverity) as string[]).includes(severity)) {
      fail(`overrides.${def.name}.severity`, severity, "must be one of 'critical', 'warning', 'info'");
    }
    let threshold = def.threshold?.default ?? NaN;
    if (o.threshold !== undefined) {
      if (!def.threshold) fail(`overrides.${def.name}.threshold`, o.threshold, 'cannot be set: this alert has no threshold');
      const p = thresholdProblem(def.threshold!.unit, o.threshold);
      if (p) fail(`overrides.${def.name}.threshold`, o.threshold, p);
      if (o.threshold === 0) fail(`overrides.${def.name}.threshold`, o.threshold, 'must be above 0: a share of 0 cannot be exceeded meaningfully, disable the alert instead');
      threshold = o.threshold;
    }
    const expr = def.expr(ctx, threshold);
    const problems = promqlProblems(expr, known);
    if (problems.length > 0) {
      fail(`${def.name} expr`, expr, `is not valid PromQL: ${problems.map((p) => describeProblem(expr, p)).join('; ')}`);
    }
    out.push({
      definition: def,
      name: def.name,
      severity,
      for: forValue,
      threshold,
      expr,
      labels: { severity, ...(def.staticLabels?.(ctx) ?? {}), ...(options.extraLabels ?? {}) },
      annotations: {
        summary: def.summary,
        description: def.description(ctx, threshold),
        runbook_url: runbookPattern.replace(/\{anchor\}/g, def.name.toLowerCase()).replace(/\{alert\}/g, def.name),
      },
    });
  }
  return out;
}

/** The `jaeger` rule group: add it to a PrometheusRule's `spec.groups` or a rule file's `groups`. */
export function renderJaegerRuleGroup(ctx: JaegerAlertContext, options: JaegerAlertOptions = {}, fail: JaegerAlertFail = defaultFail): RuleGroupJson {
  return jaegerRuleGroupOf(resolveJaegerAlerts(ctx, options, fail));
}

/** The rule group of already resolved alerts. */
export function jaegerRuleGroupOf(alerts: readonly ResolvedJaegerAlert[]): RuleGroupJson {
  return {
    name: JAEGER_ALERT_GROUP,
    rules: alerts.map((a): RuleJson => ({ alert: a.name, expr: a.expr, for: a.for, labels: a.labels, annotations: a.annotations })),
  };
}

/**
 * promtool unit tests for the Jaeger alerts: for every alert an input where it fires, with the
 * exact labels and annotations expected, and one where it stays quiet.
 *
 * @param ruleFile the rule file's path as the test file names it
 */
export function renderJaegerRuleTests(ctx: JaegerAlertContext, ruleFile: string, options: JaegerAlertOptions = {},
  fail: JaegerAlertFail = defaultFail): Record<string, unknown> {
  return renderPromtoolTests(resolveJaegerAlerts(ctx, options, fail)
    .map((a) => ({ ...a, cases: (minutes: number) => a.definition.tests(ctx, a.threshold, minutes) })), ruleFile);
}

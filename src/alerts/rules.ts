import {
  ALERT_DEFINITIONS, ALERT_GROUPS, ALERT_NAMES, AlertContext, AlertDefinition, AlertSeverity, AlertTestCase,
  EVAL_MARGIN_MINUTES, RECORDED_METRICS, RECORDING_RULES, ThresholdUnit,
} from './definitions';
import { renderTemplate, unsupportedActions } from './template';
import { dashboardUrl } from '../dashboards/uids';
import { suggestion } from '../metrics/catalog';
import { KnownMetrics } from '../metrics/known';
import { describeProblem, promqlProblems } from '../metrics/promql';
import { DEFAULT_RUNBOOK_URL_PATTERN } from '../project';
import { duration, durationMs } from '../validation/duration';

/** Overrides of one alert. */
export interface AlertOverride {
  /**
   * Turn the alert off.
   *
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * How long the condition must hold before the alert fires, a Prometheus duration.
   *
   * @default - the alert's own (see docs/runbooks.md)
   */
  readonly for?: string;
  /**
   * The severity label.
   *
   * @default - the alert's own
   */
  readonly severity?: AlertSeverity;
  /**
   * The threshold, in the alert's unit (ratio 0..1, percent 0..100, seconds, per second, count, hours).
   *
   * @default - the alert's own
   */
  readonly threshold?: number;
}

/** How the alerts are tuned; shared by the RobustMqAlerts construct and the CLI. */
export interface AlertTuning {
  /**
   * RobustMQClusterDown fires when fewer nodes than this are up.
   *
   * @default - a Raft majority of the replicas
   */
  readonly minHealthyNodes?: number;
  /**
   * RobustMQHighLatency fires when the p99 of MQTT packet processing time is above this
   * Prometheus duration (from 1ms to 262s, the range of RobustMQ's latency buckets).
   *
   * @default '1s'
   */
  readonly latencyP99Threshold?: string;
  /**
   * RobustMQHighErrorRate fires when errored packets are more than this ratio (0 to 1) of
   * received packets.
   *
   * @default 0.05
   */
  readonly errorRateThreshold?: number;
  /**
   * Alerts to leave out, by name.
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
   * Labels added to every alert (for Alertmanager routing, e.g. `team`).
   *
   * @default - none
   */
  readonly extraLabels?: { [key: string]: string };
  /**
   * Annotations added to every alert. They may use `{{ $labels.x }}` and `{{ $value }}`.
   *
   * @default - none
   */
  readonly extraAnnotations?: { [key: string]: string };
  /**
   * The runbook link; `{anchor}` becomes the lower-cased alert name, `{alert}` the name.
   *
   * @default - the alert's section in this project's docs/runbooks.md
   */
  readonly runbookUrlPattern?: string;
  /**
   * Grafana's external URL, for the `dashboard_url` annotation.
   *
   * @default 'http://localhost:3000'
   */
  readonly grafanaUrl?: string;
}

export const DEFAULT_GRAFANA_URL = 'http://localhost:3000';

/** A refused tuning input: `field` and `value` are named by the caller's error. */
export type Fail = (field: string, value: unknown, problem: string) => never;

/** One alert with its tuning applied, ready to render (`D`: the kind of definition it came from). */
export interface ResolvedAlert<D = AlertDefinition> {
  readonly definition: D;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly for: string;
  readonly threshold: number;
  readonly expr: string;
  /** Static labels of the rule: severity, the definition's own, the extra labels. */
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
}

/** A Prometheus rule, as it appears in a rule group. */
export interface RuleJson {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
}

/** A Prometheus rule group. */
export interface RuleGroupJson {
  readonly name: string;
  readonly rules: RuleJson[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_ANNOTATIONS = ['summary', 'description', 'runbook_url', 'dashboard_url'];
const MS_BUCKET_MIN = 0.001;
const MS_BUCKET_MAX = 262.144;

/** The problem with a threshold of a unit, or undefined. */
export function thresholdProblem(unit: ThresholdUnit, value: number, replicas?: number): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  switch (unit) {
    case 'ratio':
      return value >= 0 && value < 1 ? undefined : 'must be a ratio from 0 to 1 (0.05 is 5%)';
    case 'percent':
      return value >= 0 && value < 100 ? undefined : 'must be a percentage from 0 to 100';
    case 'per-second':
      return value >= 0 ? undefined : 'must be a rate per second of at least 0';
    case 'count':
      if (replicas !== undefined) {
        return Number.isInteger(value) && value >= 1 && value <= replicas ? undefined : `must be a whole number from 1 to the replica count ${replicas}`;
      }
      return Number.isInteger(value) && value >= 0 ? undefined : 'must be a whole number of at least 0';
    case 'seconds':
      return value >= MS_BUCKET_MIN && value <= MS_BUCKET_MAX ? undefined
        : `must be from ${MS_BUCKET_MIN}s to ${MS_BUCKET_MAX}s, the range RobustMQ's millisecond histograms resolve`;
    case 'hours':
      return Number.isInteger(value) && value >= 1 && value <= 24 * 30 ? undefined : 'must be a whole number of hours from 1 to 720';
    default:
      return 'has an unknown unit';
  }
}

/** Checks an alert name against the catalog of alerts; suggests the nearest. */
export function alertNameProblem(name: string): string | undefined {
  return ALERT_NAMES.includes(name) ? undefined : `is not an alert of this library${suggestion(name, ALERT_NAMES)}: the alerts are listed in docs/runbooks.md`;
}

/** The latency threshold as seconds from a Prometheus duration, or a problem. */
export function latencyThresholdSeconds(value: string): { seconds?: number; problem?: string } {
  const problem = duration(value);
  if (problem) return { problem };
  const seconds = durationMs(value)! / 1000;
  const p = thresholdProblem('seconds', seconds);
  return p ? { problem: p.replace('must be from 0.001s to 262.144s', 'must be from 1ms to 262s') } : { seconds };
}

/** The smallest Raft majority of `replicas` members. */
export function majority(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

/** The tuning inputs every alert set shares: names, extra labels, the runbook link. */
export interface CommonTuning {
  readonly overrides?: { [alertName: string]: unknown };
  readonly disabledAlerts?: string[];
  readonly extraLabels?: { [key: string]: string };
  readonly runbookUrlPattern?: string;
}

/**
 * Validates the tuning every alert set shares; returns the disabled names and the runbook link
 * pattern. `nameProblem` checks an alert name; `reservedLabels` maps the label names the alerts
 * set themselves to the reason.
 */
export function checkCommonTuning(tuning: CommonTuning, nameProblem: (name: string) => string | undefined,
  reservedLabels: { [label: string]: string }, fail: Fail): { disabled: Set<string>; runbookPattern: string } {
  for (const name of Object.keys(tuning.overrides ?? {})) {
    const p = nameProblem(name);
    if (p) fail(`overrides.${name}`, name, p);
  }
  const disabled = new Set(tuning.disabledAlerts ?? []);
  for (const name of disabled) {
    const p = nameProblem(name);
    if (p) fail('disabledAlerts', name, p);
  }
  for (const [k, v] of Object.entries(tuning.extraLabels ?? {})) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) fail('extraLabels', k, "must be a Prometheus label name: letters, digits and '_', not starting with a digit or '__'");
    if (reservedLabels[k]) fail('extraLabels', k, `must not be '${k}': ${reservedLabels[k]}`);
    if (typeof v !== 'string' || v === '' || v.includes('{{')) fail(`extraLabels.${k}`, v, 'must be a non-empty label value without template actions');
  }
  const runbookPattern = tuning.runbookUrlPattern ?? DEFAULT_RUNBOOK_URL_PATTERN;
  if (!/^https?:\/\/\S+$/.test(runbookPattern) || !/\{(anchor|alert)\}/.test(runbookPattern)) {
    fail('runbookUrlPattern', runbookPattern, "must be an http(s) URL containing '{anchor}' (the lower-cased alert name) or '{alert}'");
  }
  return { disabled, runbookPattern };
}

/**
 * Applies the tuning to the alert catalog, validating every input; `fail` throws the caller's
 * error naming the field. Every expression is parsed and its metrics checked.
 */
export function resolveAlerts(ctx: AlertContext, tuning: AlertTuning, fail: Fail): ResolvedAlert[] {
  const overrides = tuning.overrides ?? {};
  const perAlert = 'it is set per alert (use overrides for severity)';
  const { disabled, runbookPattern } = checkCommonTuning(tuning, alertNameProblem, { alertname: perAlert, severity: perAlert }, fail);
  for (const [k, v] of Object.entries(tuning.extraAnnotations ?? {})) {
    if (!LABEL_NAME.test(k)) fail('extraAnnotations', k, "must be an annotation name: letters, digits and '_', not starting with a digit");
    if (RESERVED_ANNOTATIONS.includes(k)) fail('extraAnnotations', k, `must not be '${k}': this library writes it (see runbookUrlPattern and grafanaUrl)`);
    const bad = unsupportedActions(v);
    if (bad.length > 0) fail(`extraAnnotations.${k}`, v, `uses ${bad.join(', ')}: only {{ $labels.NAME }}, {{ $value }} and {{ $value | humanize }}-style actions are allowed, so the generated tests can check them`);
  }
  const grafanaUrl = tuning.grafanaUrl ?? DEFAULT_GRAFANA_URL;
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(grafanaUrl)) {
    fail('grafanaUrl', grafanaUrl, "must be an http(s) URL such as 'https://grafana.example.com'");
  }
  const minHealthy = tuning.minHealthyNodes ?? majority(ctx.replicas);
  const minProblem = thresholdProblem('count', minHealthy, ctx.replicas);
  if (minProblem) fail('minHealthyNodes', minHealthy, minProblem);
  let latency: number | undefined;
  if (tuning.latencyP99Threshold !== undefined) {
    const r = latencyThresholdSeconds(tuning.latencyP99Threshold);
    if (r.problem) fail('latencyP99Threshold', tuning.latencyP99Threshold, r.problem);
    latency = r.seconds;
  }
  if (tuning.errorRateThreshold !== undefined) {
    const p = thresholdProblem('ratio', tuning.errorRateThreshold);
    if (p) fail('errorRateThreshold', tuning.errorRateThreshold, p);
  }

  const known = KnownMetrics.standard().with(RECORDED_METRICS);
  const out: ResolvedAlert[] = [];
  for (const def of ALERT_DEFINITIONS) {
    const o = overrides[def.name] ?? {};
    if (disabled.has(def.name) || o.disabled) continue;
    if (def.requiresLogAgent && !ctx.logAgent) continue;
    const forValue = o.for ?? def.for;
    const forProblem = duration(forValue);
    if (forProblem) fail(`overrides.${def.name}.for`, forValue, forProblem);
    const severity = o.severity ?? def.severity;
    if (!(Object.values(AlertSeverity) as string[]).includes(severity)) {
      fail(`overrides.${def.name}.severity`, severity, "must be one of 'critical', 'warning', 'info'");
    }
    let threshold = def.threshold?.default ?? NaN;
    if (def.name === 'RobustMQClusterDown') threshold = minHealthy;
    if (def.name === 'RobustMQHighLatency' && latency !== undefined) threshold = latency;
    if (def.name === 'RobustMQHighErrorRate' && tuning.errorRateThreshold !== undefined) threshold = tuning.errorRateThreshold;
    if (o.threshold !== undefined) {
      if (!def.threshold) fail(`overrides.${def.name}.threshold`, o.threshold, 'cannot be set: this alert has no threshold');
      const p = thresholdProblem(def.threshold!.unit, o.threshold, def.name === 'RobustMQClusterDown' ? ctx.replicas : undefined);
      if (p) fail(`overrides.${def.name}.threshold`, o.threshold, p);
      threshold = o.threshold;
    }
    const constraintProblem = def.constraint?.(Math.ceil(durationMs(forValue)! / 60000), threshold);
    if (constraintProblem) fail(`overrides.${def.name}.for`, forValue, constraintProblem);
    const expr = def.expr(ctx, threshold);
    const problems = promqlProblems(expr, known);
    if (problems.length > 0) {
      fail(`${def.name} expr`, expr, `is not valid PromQL: ${problems.map((p) => describeProblem(expr, p)).join('; ')}`);
    }
    const annotations: { [key: string]: string } = {
      summary: def.summary,
      description: def.description(ctx, threshold),
      runbook_url: runbookPattern.replace(/\{anchor\}/g, def.name.toLowerCase()).replace(/\{alert\}/g, def.name),
      dashboard_url: dashboardUrl(grafanaUrl, def.dashboard, ctx.clusterName, ctx.namespace),
      ...(tuning.extraAnnotations ?? {}),
    };
    out.push({
      definition: def,
      name: def.name,
      severity,
      for: forValue,
      threshold,
      expr,
      labels: { severity, ...(def.staticLabels?.(ctx) ?? {}), ...(tuning.extraLabels ?? {}) },
      annotations,
    });
  }
  return out;
}

/** The rule groups: one per concern (only those with an enabled alert), then the recording rules. */
export function renderRuleGroups(ctx: AlertContext, alerts: readonly ResolvedAlert[]): RuleGroupJson[] {
  const groups: RuleGroupJson[] = [];
  for (const group of ALERT_GROUPS) {
    const rules = alerts.filter((a) => a.definition.group === group).map((a): RuleJson => ({
      alert: a.name,
      expr: a.expr,
      for: a.for,
      labels: a.labels,
      annotations: a.annotations,
    }));
    if (rules.length > 0) groups.push({ name: `robustmq.${group}`, rules });
  }
  groups.push({
    name: 'robustmq.recording',
    rules: RECORDING_RULES.map((r) => ({ record: r.record, expr: r.expr(ctx) })),
  });
  return groups;
}

/** An alert as the promtool test renderer needs it. */
export interface TestableAlert {
  readonly name: string;
  readonly for: string;
  /** The rule's static labels. */
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  /** The inputs where it fires and stays quiet, given the minutes of samples. */
  cases(minutes: number): { fire: AlertTestCase[]; quiet: AlertTestCase[] };
}

/**
 * promtool unit tests: for every alert its inputs where it fires, with the exact labels and
 * annotations expected (the annotations rendered as Prometheus would), and where it stays quiet.
 */
export function renderPromtoolTests(alerts: readonly TestableAlert[], ruleFile: string): Record<string, unknown> {
  const tests: Array<Record<string, unknown>> = [];
  for (const a of alerts) {
    const forMinutes = Math.ceil(durationMs(a.for)! / 60000);
    const minutes = forMinutes + 20 + EVAL_MARGIN_MINUTES;
    const evalTime = `${minutes - EVAL_MARGIN_MINUTES}m`;
    const cases = a.cases(minutes);
    const toTest = (c: AlertTestCase, fires: boolean) => ({
      name: `${a.name} ${fires ? 'fires' : 'stays quiet'}: ${c.description}`,
      interval: '1m',
      input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: [{
        eval_time: evalTime,
        alertname: a.name,
        exp_alerts: c.expected.map((e) => {
          const labels = { ...e.labels, ...a.labels };
          return {
            exp_labels: labels,
            exp_annotations: Object.fromEntries(Object.entries(a.annotations).map(([k, v]) => [k, renderTemplate(v, labels, e.value)])),
          };
        }),
      }],
    });
    for (const c of cases.fire) tests.push(toTest(c, true));
    for (const c of cases.quiet) tests.push(toTest(c, false));
  }
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}

/** promtool unit tests for the RobustMQ alerts. */
export function renderRuleTests(ctx: AlertContext, alerts: readonly ResolvedAlert[], ruleFile: string): Record<string, unknown> {
  return renderPromtoolTests(alerts.map((a) => ({ ...a, cases: (minutes: number) => a.definition.tests(ctx, a.threshold, minutes) })), ruleFile);
}

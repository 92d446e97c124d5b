import { Rule, RuleGroup, PromtoolTest, PromtoolTestFile } from './rule-file';
import { renderTemplate, unsupportedActions } from './template';
import { runbookUrl } from '../dashboards/uids';
import { KnownMetrics } from '../metrics/known';
import { describeProblem, promqlProblems } from '../metrics/promql';
import * as checks from '../validation/checks';
import { duration, durationMs } from '../validation/duration';
import { Problem } from '../validation/errors';

/**
 * The one alert engine: an alert set (RobustMQ's with the log pipeline's, Jaeger's, and the SLO
 * and probe rules to come) is a list of definitions over a context; this module applies the
 * tuning every set shares (overrides, disabled alerts, extra labels and annotations, runbook and
 * dashboard links), checks every expression, and renders rule groups and promtool tests.
 */

/** Alert severities (the monitoring-mixin convention). */
export enum AlertSeverity {
  /** Someone must act now. */
  CRITICAL = 'critical',
  /** Needs attention soon. */
  WARNING = 'warning',
  /** For information; do not page. */
  INFO = 'info',
}

/** What a threshold measures, which decides how it is validated and shown. */
export type ThresholdUnit = 'ratio' | 'percent' | 'count' | 'per-second' | 'seconds' | 'hours';

/** One input series of a promtool test. */
export interface TestSeries {
  readonly series: string;
  readonly values: string;
}

/** An alert the test expects to fire: its labels from the expression, and its value. */
export interface ExpectedAlert {
  readonly labels: { [key: string]: string };
  readonly value: number;
}

/** A promtool test case for one alert. */
export interface AlertTestCase {
  readonly description: string;
  readonly series: TestSeries[];
  /** The alerts expected at evaluation time; empty for a case where the alert stays quiet. */
  readonly expected: ExpectedAlert[];
  /**
   * Series of the healthy fixture this case takes away: those of metric `metric` whose labels
   * include all of `labels` (the absence an `absent()` alert is tested on).
   *
   * @default - the whole fixture stays
   */
  readonly withoutFixture?: { readonly metric: string; readonly labels: { [key: string]: string } };
  /**
   * The first minute at which the expression holds (a firing case): the test then also checks
   * the `for` boundary, still quiet one minute before `activeFrom + for` and firing at it.
   *
   * @default - no boundary check
   */
  readonly activeFrom?: number;
  /**
   * The alerts' value at a minute before the evaluation time, when it differs from `expected`'s
   * (a value still ramping up at the `for` boundary).
   *
   * @default - the expected value
   */
  readonly valueAt?: (minute: number) => number;
}

/** A series that an alert's selector must keep out: one label of the test series changed. */
export interface TestDecoy {
  /** What the decoy stands for, e.g. 'a second scrape job of the same pods'. */
  readonly description: string;
  readonly label: string;
  readonly value: string;
  /** Whether a series with these labels gets the decoy value. */
  readonly applies: (labels: { [key: string]: string }) => boolean;
}

/** What every test of a set is laid over: a healthy system's series, and the decoys. */
export interface TestInputs<C> {
  /** The healthy system for `minutes` minutes; alone, it must fire no alert. */
  readonly fixture: (ctx: C, minutes: number) => TestSeries[];
  /** Label changes that must take a firing case's series out of the alert's selection. */
  readonly decoys?: (ctx: C) => TestDecoy[];
}

/** The inputs where an alert fires and where it stays quiet. */
export interface AlertTestCases {
  readonly fire: AlertTestCase[];
  readonly quiet: AlertTestCase[];
}

/** The test evaluates this many minutes before the end of its input series. */
export const EVAL_MARGIN_MINUTES = 5;

/** One alert over a context `C`. */
export interface AlertDefinition<C> {
  /** CamelCase with the set's prefix, at most 40 characters. */
  readonly name: string;
  /** The concern it belongs to: its rule group. */
  readonly group: string;
  readonly severity: AlertSeverity;
  /** Default `for`, a Prometheus duration. */
  readonly for: string;
  readonly threshold?: {
    /** The default, or what the context (the set's own tuning) makes it. */
    readonly default: number | ((ctx: C) => number);
    readonly unit: ThresholdUnit;
    readonly meaning: string;
  };
  /** The check of an overridden threshold, in place of its unit's. */
  readonly thresholdProblem?: (t: number, ctx: C) => Problem;
  /** Static, capitalised, ends with a period. */
  readonly summary: string;
  /** Templated with the alert's value and labels; `t` is the threshold. */
  readonly description: (ctx: C, t: number) => string;
  /** Whether the alert applies in this context (the log pipeline's alerts need a log agent). */
  readonly applies?: (ctx: C) => boolean;
  /** A problem with a `for` (in minutes) and threshold combination, if any. */
  readonly constraint?: (forMinutes: number, t: number) => Problem;
  /** Labels the rule itself sets (besides severity), e.g. when the expression has none. */
  readonly staticLabels?: (ctx: C) => { [key: string]: string };
  readonly expr: (ctx: C, t: number) => string;
  /**
   * Test inputs: `minutes` minutes of samples, one a minute from 0; the test evaluates at
   * `minutes - EVAL_MARGIN_MINUTES`.
   */
  readonly tests: (ctx: C, t: number, minutes: number) => AlertTestCases;
}

/** A recording rule over a context `C`. */
export interface RecordingDefinition<C> {
  readonly record: string;
  readonly expr: (ctx: C) => string;
}

/** An alert set: its definitions, how its groups are named, what it links to. */
export interface AlertSet<C, D extends AlertDefinition<C> = AlertDefinition<C>> {
  /** The definitions, in rendering order. */
  readonly definitions: readonly D[];
  /** The groups in rendering order (a group without an alert that is on is left out). */
  readonly groups: readonly string[];
  /** The rule group name of a group. */
  readonly groupName: (group: string) => string;
  /** Recording rules, rendered as one last group. */
  readonly recording?: { readonly group: string; readonly rules: readonly RecordingDefinition<C>[] };
  /** The metrics the expressions may select. */
  readonly knownMetrics: KnownMetrics;
  /** The label names the alerts set themselves, with the reason an extra label may not. */
  readonly reservedLabels: { readonly [label: string]: string };
  /** Where an alert links in Grafana (`dashboard_url`). */
  readonly dashboardUrl: (def: D, ctx: C, grafanaUrl: string) => string;
  /** Why a name is not an alert of the set; undefined for one that is. */
  readonly nameProblem?: (name: string) => Problem;
  /** The healthy fixture and decoys the set's tests are laid over. */
  readonly testInputs?: TestInputs<C>;
}

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

/** The tuning every alert set takes: which alerts, their overrides, labels, annotations and links. */
export interface AlertSetTuning {
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
   * The runbook link of an alert kept elsewhere (a wiki): `{anchor}` becomes the lower-cased
   * alert name, `{alert}` the name.
   *
   * @default - the alert's panel on the "RobustMQ Alert Runbooks" dashboard in grafanaUrl (GrafanaDashboards provisions it)
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

/** Why a reserved label of an alert set may not be set by the user: the alerts set it. */
export const SET_BY_ALERTS = 'the alerts set it';

/** The problem with a name that should be one of an alert set's `names` (`what`: 'a Jaeger alert'), or undefined. */
export function alertNameOf(name: string, names: readonly string[], what: string, plural: string): string | undefined {
  return names.includes(name) ? undefined : `is not ${what}: the ${plural} are ${names.join(', ')}`;
}

/** A refused tuning input: `field` and `value` are named by the caller's error. */
export type Fail = (field: string, value: unknown, problem: string) => never;

/** One alert with its tuning applied, ready to render. */
export interface ResolvedAlert<D> {
  readonly definition: D;
  readonly name: string;
  /** Static labels of the rule: severity, the definition's own, the extra labels. */
  readonly labels: { [key: string]: string };
  readonly severity: AlertSeverity;
  readonly for: string;
  /** Summary, description, runbook and dashboard links, the extra annotations. */
  readonly annotations: { [key: string]: string };
  readonly threshold: number;
  readonly expr: string;
}

const RESERVED_ANNOTATIONS = ['summary', 'description', 'runbook_url', 'dashboard_url'];
const MS_BUCKET_MIN = 0.001;
const MS_BUCKET_MAX = 262.144;

/** The problem with a threshold of a unit, or undefined. */
export function thresholdProblem(unit: ThresholdUnit, value: number, replicas?: number): Problem {
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

/** Why `name` is not an alert of the set, naming the alerts (or their catalog). */
function nameProblemOf<C, D extends AlertDefinition<C>>(set: AlertSet<C, D>, name: string): Problem {
  if (set.nameProblem) return set.nameProblem(name);
  const names = set.definitions.map((d) => d.name);
  return names.includes(name) ? undefined : `is not an alert of this set: the alerts are ${names.join(', ')}`;
}

/** Validates the tuning every set shares; returns the disabled names, the runbook pattern and Grafana's URL. */
function checkTuning<C, D extends AlertDefinition<C>>(set: AlertSet<C, D>, tuning: AlertSetTuning, fail: Fail) {
  for (const [name, o] of Object.entries(tuning.overrides ?? {})) {
    const p = nameProblemOf(set, name);
    if (p) fail(`overrides.${name}`, name, p);
    // `disabled: 'false'` would turn the alert off: JavaScript's 'false' is truthy.
    const b = o.disabled === undefined ? undefined : checks.boolean(o.disabled);
    if (b) fail(`overrides.${name}.disabled`, o.disabled, b);
  }
  const disabled = new Set(tuning.disabledAlerts ?? []);
  for (const name of disabled) {
    const p = nameProblemOf(set, name);
    if (p) fail('disabledAlerts', name, p);
  }
  for (const [k, v] of Object.entries(tuning.extraLabels ?? {})) {
    const p = checks.prometheusLabelName(k);
    if (p) fail('extraLabels', k, p);
    if (set.reservedLabels[k]) fail('extraLabels', k, `must not be '${k}': ${set.reservedLabels[k]}`);
    if (typeof v !== 'string' || v === '' || v.includes('{{')) fail(`extraLabels.${k}`, v, 'must be a non-empty label value without template actions');
  }
  for (const [k, v] of Object.entries(tuning.extraAnnotations ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) fail('extraAnnotations', k, "must be an annotation name: letters, digits and '_', not starting with a digit");
    if (RESERVED_ANNOTATIONS.includes(k)) fail('extraAnnotations', k, `must not be '${k}': this library writes it (see runbookUrlPattern and grafanaUrl)`);
    const bad = unsupportedActions(v);
    if (bad.length > 0) fail(`extraAnnotations.${k}`, v, `uses ${bad.join(', ')}: only {{ $labels.NAME }}, {{ $value }} and {{ $value | humanize }}-style actions are allowed, so the generated tests can check them`);
  }
  const runbookPattern = tuning.runbookUrlPattern;
  if (runbookPattern?.includes('{{')) {
    fail('runbookUrlPattern', runbookPattern, "must not contain '{{': Prometheus reads it as a template action when the alert fires");
  }
  if (runbookPattern !== undefined && (!/^https?:\/\/\S+$/.test(runbookPattern) || !/\{(anchor|alert)\}/.test(runbookPattern))) {
    fail('runbookUrlPattern', runbookPattern, "must be an http(s) URL containing '{anchor}' (the lower-cased alert name) or '{alert}'");
  }
  const grafanaUrl = tuning.grafanaUrl ?? DEFAULT_GRAFANA_URL;
  const g = checks.httpUrl(grafanaUrl);
  if (g) fail('grafanaUrl', grafanaUrl, g);
  return { disabled, runbookPattern, grafanaUrl };
}

/**
 * Applies the tuning to an alert set, validating every input; `fail` throws the caller's error
 * naming the field. Every expression is parsed and its metrics checked.
 */
export function resolveAlerts<C, D extends AlertDefinition<C>>(set: AlertSet<C, D>, ctx: C, tuning: AlertSetTuning,
  fail: Fail): ResolvedAlert<D>[] {
  const overrides = tuning.overrides ?? {};
  const { disabled, runbookPattern, grafanaUrl } = checkTuning(set, tuning, fail);
  const out: ResolvedAlert<D>[] = [];
  for (const def of set.definitions) {
    const o = overrides[def.name] ?? {};
    if (disabled.has(def.name) || o.disabled) continue;
    if (def.applies && !def.applies(ctx)) continue;
    const forValue = o.for ?? def.for;
    const forProblem = duration(forValue);
    if (forProblem) fail(`overrides.${def.name}.for`, forValue, forProblem);
    const severity = o.severity ?? def.severity;
    if (!(Object.values(AlertSeverity) as string[]).includes(severity)) {
      fail(`overrides.${def.name}.severity`, severity, "must be one of 'critical', 'warning', 'info'");
    }
    const d = def.threshold?.default;
    let threshold = d === undefined ? NaN : typeof d === 'number' ? d : d(ctx);
    if (o.threshold !== undefined) {
      if (!def.threshold) fail(`overrides.${def.name}.threshold`, o.threshold, 'cannot be set: this alert has no threshold');
      const p = def.thresholdProblem ? def.thresholdProblem(o.threshold, ctx) : thresholdProblem(def.threshold!.unit, o.threshold);
      if (p) fail(`overrides.${def.name}.threshold`, o.threshold, p);
      threshold = o.threshold;
    }
    const constraintProblem = def.constraint?.(Math.ceil(durationMs(forValue)! / 60000), threshold);
    if (constraintProblem) fail(`overrides.${def.name}.for`, forValue, constraintProblem);
    const expr = def.expr(ctx, threshold);
    const problems = promqlProblems(expr, set.knownMetrics);
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
      labels: { severity, ...(def.staticLabels?.(ctx) ?? {}), ...(tuning.extraLabels ?? {}) },
      annotations: {
        summary: def.summary,
        description: def.description(ctx, threshold),
        // By default the alert's panel on the runbooks dashboard, in the Grafana dashboard_url names.
        runbook_url: runbookPattern === undefined ? runbookUrl(grafanaUrl, def.name)
          : runbookPattern.replace(/\{anchor\}/g, def.name.toLowerCase()).replace(/\{alert\}/g, def.name),
        dashboard_url: set.dashboardUrl(def, ctx, grafanaUrl),
        ...(tuning.extraAnnotations ?? {}),
      },
    });
  }
  return out;
}

/** The rule groups: one per group with an alert that is on, then the recording rules. */
export function renderRuleGroups<C, D extends AlertDefinition<C>>(set: AlertSet<C, D>, ctx: C,
  alerts: readonly ResolvedAlert<D>[]): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (const group of set.groups) {
    const rules = alerts.filter((a) => a.definition.group === group).map((a): Rule => ({
      alert: a.name,
      expr: a.expr,
      for: a.for,
      labels: a.labels,
      annotations: a.annotations,
    }));
    if (rules.length > 0) groups.push({ name: set.groupName(group), rules });
  }
  if (set.recording) {
    groups.push({ name: set.recording.group, rules: set.recording.rules.map((r) => ({ record: r.record, expr: r.expr(ctx) })) });
  }
  return groups;
}

/** A series' name and labels, parsed back from `name{k="v", ...}`. */
function parseSeries(text: string): { name: string; labels: { [key: string]: string } } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(text);
  if (!m) throw new Error(`not a series: ${text}`);
  const labels: { [key: string]: string } = {};
  for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g)) labels[l[1]] = JSON.parse(l[2]);
  return { name: m[1], labels };
}

function seriesText(name: string, labels: { [key: string]: string }): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** The identity of a series: its name and sorted labels. */
function seriesKey(text: string): string {
  const { name, labels } = parseSeries(text);
  return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * The fixture with the case's series laid over it: a case's series replaces the fixture's of the
 * same identity, and the series the case takes away (withoutFixture) are left out.
 */
function overlay(fixture: readonly TestSeries[], c: AlertTestCase): TestSeries[] {
  const mine = new Set(c.series.map((s) => seriesKey(s.series)));
  const w = c.withoutFixture;
  const takenAway = (text: string) => {
    if (!w) return false;
    const { name, labels } = parseSeries(text);
    return name === w.metric && Object.entries(w.labels).every(([k, v]) => labels[k] === v);
  };
  return [...fixture.filter((s) => !mine.has(seriesKey(s.series)) && !takenAway(s.series)), ...c.series];
}

/** Counters of the fixture (`0+NxM`) that reset to 0 at minute `at` on the series `where` picks. */
function withResets(fixture: readonly TestSeries[], at: number, where: (labels: { [key: string]: string }) => boolean): TestSeries[] {
  return fixture.map((s) => {
    const m = /^0\+([0-9.e-]+)x([0-9]+)$/.exec(s.values);
    if (!m || !where(parseSeries(s.series).labels) || Number(m[2]) <= at + 1) return s;
    return { ...s, values: `0+${m[1]}x${at} 0+${m[1]}x${Number(m[2]) - at - 1}` };
  });
}

/**
 * promtool unit tests: for every alert its inputs where it fires (with the exact labels and
 * annotations expected, the annotations rendered as Prometheus would, and the `for` boundary)
 * and where it stays quiet. With the set's test inputs, every case is laid over the healthy
 * fixture, the fixture alone and with counter resets must fire nothing, and each firing case
 * moved onto a decoy (another job, namespace, cluster, container...) must stay quiet.
 */
export function renderPromtoolTests<C, D extends AlertDefinition<C>>(ctx: C, alerts: readonly ResolvedAlert<D>[],
  ruleFile: string, inputs?: TestInputs<C>, groupEvalOrder?: string[]): PromtoolTestFile {
  const tests: PromtoolTest[] = [];
  const expAlertsOf = (a: ResolvedAlert<D>, expected: readonly ExpectedAlert[], value?: number) => expected.map((e) => {
    const labels = { ...e.labels, ...a.labels };
    const v = value ?? e.value;
    return {
      expLabels: labels,
      expAnnotations: Object.fromEntries(Object.entries(a.annotations).map(([k, x]) => [k, renderTemplate(x, labels, v)])),
    };
  });
  const decoys = inputs?.decoys?.(ctx) ?? [];
  let longest = 0;
  for (const a of alerts) {
    const forMinutes = Math.ceil(durationMs(a.for)! / 60000);
    const minutes = forMinutes + 20 + EVAL_MARGIN_MINUTES;
    longest = Math.max(longest, minutes);
    const evalMinute = minutes - EVAL_MARGIN_MINUTES;
    const cases = a.definition.tests(ctx, a.threshold, minutes);
    const fixture = inputs ? inputs.fixture(ctx, minutes) : [];
    const toTest = (c: AlertTestCase, fires: boolean): PromtoolTest => {
      const evals = [{ evalTime: `${evalMinute}m`, alertname: a.name, expAlerts: expAlertsOf(a, c.expected) }];
      if (fires && c.activeFrom !== undefined) {
        // Prometheus fires an alert whose expression first held at minute A at A + for.
        const firesAt = c.activeFrom + Math.ceil(durationMs(a.for)! / 60000);
        if (firesAt > evalMinute) throw new Error(`${a.name}: '${c.description}' fires at ${firesAt}m, after the evaluation at ${evalMinute}m`);
        evals.unshift(
          { evalTime: `${firesAt - 1}m`, alertname: a.name, expAlerts: [] },
          { evalTime: `${firesAt}m`, alertname: a.name, expAlerts: expAlertsOf(a, c.expected, c.valueAt?.(firesAt)) },
        );
      }
      return {
        name: `${a.name} ${fires ? 'fires' : 'stays quiet'}: ${c.description}`,
        interval: '1m',
        inputSeries: overlay(fixture, c).map((s) => ({ series: s.series, values: s.values })),
        alertRuleTests: evals,
      };
    };
    for (const c of cases.fire) tests.push(toTest(c, true));
    for (const c of cases.quiet) tests.push(toTest(c, false));
    // The first firing case's series on a decoy: the selector must keep them out.
    const first = cases.fire[0];
    for (const d of first ? decoys : []) {
      let moved = false;
      const series = first.series.map((s) => {
        const { name, labels } = parseSeries(s.series);
        if (labels[d.label] === undefined || !d.applies(labels)) return s;
        moved = true;
        return { ...s, series: seriesText(name, { ...labels, [d.label]: d.value }) };
      });
      if (moved) tests.push(toTest({ description: `'${first.description}' on ${d.description}`, series, expected: [] }, false));
    }
  }
  if (inputs && alerts.length > 0) {
    const healthy = inputs.fixture(ctx, longest);
    const quietAll = (name: string, input: TestSeries[]): PromtoolTest => ({
      name,
      interval: '1m',
      inputSeries: input.map((s) => ({ series: s.series, values: s.values })),
      alertRuleTests: alerts.flatMap((a) => [10, longest - EVAL_MARGIN_MINUTES].map((m) => ({ evalTime: `${m}m`, alertname: a.name, expAlerts: [] }))),
    });
    tests.unshift(
      quietAll('the healthy fixture fires no alert', healthy),
      // A pod restarting resets its counters: rates must not turn negative or spike.
      quietAll('the healthy fixture with one pod\'s counters reset at minute 8 fires no alert',
        withResets(healthy, 8, (l) => l.pod !== undefined && l.pod === parseSeries(healthy[0].series).labels.pod)),
    );
  }
  return { ruleFiles: [ruleFile], evaluationInterval: '1m', ...(groupEvalOrder ? { groupEvalOrder } : {}), tests };
}

import { PROBE_HIGHEST_BUCKET_SECONDS, PROBE_METRICS, PROBE_NAME_LABEL, PROBE_BROKER_LABEL } from './facts';
import { AlertDefinition, AlertSeverity, AlertTestCases, TestSeries, thresholdProblem } from '../alerts/engine';
import { pct, series } from '../alerts/test-inputs';
import { quoteLabelValue } from '../metrics/promql';

/**
 * The probe's alerts as data, for the alert engine (src/alerts/engine.ts). They read the
 * exporter's own series (src/probe/facts.ts), scraped by the probe's ServiceMonitor, and render
 * into one rule group, `robustmq-probe`.
 */

/** The rule group the probe alerts render into. */
export const PROBE_ALERT_GROUP = 'robustmq-probe';

/** What the probe alert expressions select the probe's series by. */
export interface ProbeAlertContext {
  /** The probe's namespace (its series' `namespace` label). */
  readonly namespace: string;
  /** Its series' `job` label: the probe Service's name. */
  readonly job: string;
  /** Its series' `name` label: the probe's name. */
  readonly probeName: string;
  /** Its series' `broker` label (used in the test inputs). */
  readonly brokerUrl: string;
  /** The cluster probed (for the dashboard link). */
  readonly clusterName: string;
  /** The range of the rates, a Prometheus duration. */
  readonly window: string;
}

/** One probe alert. */
export type ProbeAlertDefinition = AlertDefinition<ProbeAlertContext>;

/** The bounds client_golang's DefBuckets give the duration histogram (main.go:86-90 sets none). */
export const PROBE_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, PROBE_HIGHEST_BUCKET_SECONDS];

const BY = ['namespace', 'job', PROBE_NAME_LABEL];

function selector(ctx: ProbeAlertContext): string {
  return `{job=${quoteLabelValue(ctx.job)}, namespace=${quoteLabelValue(ctx.namespace)}, ${PROBE_NAME_LABEL}=${quoteLabelValue(ctx.probeName)}}`;
}

function increase(ctx: ProbeAlertContext, metric: string): string {
  return `sum by (${BY.join(', ')}) (increase(${metric}${selector(ctx)}[${ctx.window}]))`;
}

function scraped(ctx: ProbeAlertContext, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { job: ctx.job, namespace: ctx.namespace, pod: `${ctx.job}-0`, ...extra };
}

function probeLabels(ctx: ProbeAlertContext): { [key: string]: string } {
  return scraped(ctx, { [PROBE_NAME_LABEL]: ctx.probeName, [PROBE_BROKER_LABEL]: ctx.brokerUrl });
}

function expected(ctx: ProbeAlertContext): { [key: string]: string } {
  return { namespace: ctx.namespace, job: ctx.job, [PROBE_NAME_LABEL]: ctx.probeName };
}

/** Round trips per minute in the test inputs: one every 30 s. */
const PROBES_PER_MINUTE = 2;

/** Counters of `minutes` minutes where `share` of the round trips fail (connect errors and timeouts half each). */
function failureSeries(ctx: ProbeAlertContext, share: number, minutes: number, pod?: string): TestSeries[] {
  const l = pod === undefined ? probeLabels(ctx) : { ...probeLabels(ctx), pod };
  const f = (v: number) => +v.toFixed(6);
  return [
    series(PROBE_METRICS.started, l, `0+${PROBES_PER_MINUTE}x${minutes}`),
    series(PROBE_METRICS.completed, l, `0+${PROBES_PER_MINUTE}x${minutes}`),
    series(PROBE_METRICS.errors, l, `0+${f(PROBES_PER_MINUTE * share / 2)}x${minutes}`),
    series(PROBE_METRICS.timeouts, l, `0+${f(PROBES_PER_MINUTE * share / 2)}x${minutes}`),
  ];
}

/** The `le` label as client_golang writes it. */
function le(bound: number): string {
  return String(bound);
}

/**
 * Duration buckets of one pod where `perMinute[i]` round trips a minute fall in bucket `hiIndex[i]`
 * (durationsIn for one bucket); returns the series and the cumulative count per minute at each bound.
 */
function durationsMix(ctx: ProbeAlertContext, parts: ReadonlyArray<readonly [number, number]>, minutes: number,
  pod?: string): { series: TestSeries[]; cumulative: number[] } {
  const l = pod === undefined ? probeLabels(ctx) : { ...probeLabels(ctx), pod };
  const all = [...PROBE_DURATION_BUCKETS, Infinity];
  const bounds = [...PROBE_DURATION_BUCKETS.map(le), '+Inf'];
  const hiOf = (i: number) => (i < PROBE_DURATION_BUCKETS.length ? PROBE_DURATION_BUCKETS[i] : Infinity);
  const cumulative = all.map((b) => +parts.filter(([i]) => b >= hiOf(i)).reduce((sum, [, n]) => sum + n, 0).toFixed(6));
  return { series: bounds.map((b, i) => series(`${PROBE_METRICS.duration}_bucket`, { ...l, le: b }, cumulative[i] > 0 ? `0+${cumulative[i]}x${minutes}` : `0x${minutes}`)), cumulative };
}

/**
 * The p99 Prometheus's histogram_quantile gives for cumulative bucket counts at the
 * PROBE_DURATION_BUCKETS bounds and +Inf (promql/quantile.go: linear within the bucket that
 * holds the rank, the highest finite bound for a rank in +Inf).
 */
function p99Of(cumulative: readonly number[]): number {
  const rank = 0.99 * cumulative[cumulative.length - 1];
  const i = cumulative.findIndex((c) => c >= rank);
  if (i === PROBE_DURATION_BUCKETS.length) return PROBE_DURATION_BUCKETS[i - 1];
  const lo = i === 0 ? 0 : PROBE_DURATION_BUCKETS[i - 1];
  const below = i === 0 ? 0 : cumulative[i - 1];
  return lo + (PROBE_DURATION_BUCKETS[i] - lo) * ((rank - below) / (cumulative[i] - below));
}

/** Duration buckets with every round trip in bucket `hiIndex`: the series and the p99 Prometheus interpolates. */
function durationsIn(ctx: ProbeAlertContext, hiIndex: number, minutes: number): { series: TestSeries[]; p99: number } {
  const m = durationsMix(ctx, [[hiIndex, PROBES_PER_MINUTE]], minutes);
  return { series: m.series, p99: p99Of(m.cumulative) };
}

/** The same inputs on another probe's series: one of the labels the alerts select on changed. */
function elsewhere(ctx: ProbeAlertContext): Array<[string, ProbeAlertContext]> {
  return [
    ['another job in the namespace', { ...ctx, job: `${ctx.job}-canary` }],
    ['the same probe in another namespace', { ...ctx, namespace: `${ctx.namespace}-staging` }],
    ['another probe of the same job', { ...ctx, probeName: `${ctx.probeName}-canary` }],
  ];
}

function secondsText(t: number): string {
  return t >= 1 ? `${+t.toFixed(3)}s` : `${+(t * 1000).toFixed(3)}ms`;
}

export const PROBE_ALERT_DEFINITIONS: readonly ProbeAlertDefinition[] = [
  {
    name: 'RobustMQProbeDown',
    group: PROBE_ALERT_GROUP,
    severity: AlertSeverity.WARNING,
    for: '5m',
    summary: 'The synthetic MQTT probe is not scraped.',
    description: (ctx) => `{{ $value }} targets of the MQTT probe job ${ctx.job} in namespace ${ctx.namespace} are up: `
      + 'end-to-end message delivery through the cluster is not measured, and RobustMQProbeFailing cannot fire.',
    staticLabels: (ctx) => ({ namespace: ctx.namespace, job: ctx.job }),
    // `or vector(0)`: also when no probe target is discovered at all.
    expr: (ctx) => `(sum(up{job=${quoteLabelValue(ctx.job)}, namespace=${quoteLabelValue(ctx.namespace)}}) or vector(0)) < 1`,
    tests: (ctx, _t, minutes) => ({
      fire: [
        { description: 'the probe target is down', series: [series('up', scraped(ctx), `0x${minutes}`)], expected: [{ labels: {}, value: 0 }], activeFrom: 0 },
        {
          description: 'no probe target discovered',
          series: [series('up', scraped(ctx, { namespace: 'elsewhere' }), `1x${minutes}`)],
          expected: [{ labels: {}, value: 0 }],
        },
        {
          description: 'no probe target discovered, while another job in the namespace is up',
          series: [series('up', scraped(ctx, { job: `${ctx.job}-canary` }), `1x${minutes}`)],
          expected: [{ labels: {}, value: 0 }],
        },
      ],
      quiet: [{ description: 'the probe target is up', series: [series('up', scraped(ctx), `1x${minutes}`)], expected: [] }],
    }),
  },
  {
    name: 'RobustMQProbeFailing',
    group: PROBE_ALERT_GROUP,
    severity: AlertSeverity.CRITICAL,
    for: '2m',
    threshold: { default: 0.5, unit: 'ratio', meaning: 'share of round trips that fail (connect or subscribe errors, messages not back in time)' },
    thresholdProblem: (t) => thresholdProblem('ratio', t)
      ?? (t === 0 ? 'must be above 0: a share of 0 cannot be exceeded meaningfully, disable the alert instead' : undefined),
    summary: 'MQTT messages do not make it through the cluster.',
    description: (ctx, t) => `{{ $value | humanizePercentage }} of the MQTT probe's round trips through ${ctx.clusterName} in namespace ${ctx.namespace} `
      + `failed over ${ctx.window} (threshold ${pct(t)}): clients cannot connect, subscribe, or get their messages delivered.`,
    // Every round trip counts once in started (main.go:199); errors (main.go:205-208) and timeouts
    // (main.go:263-266) are the failed ones. completed is incremented in a defer and so counts
    // failures too: completed / started cannot tell a failing probe from a healthy one.
    expr: (ctx, t) => `(${increase(ctx, PROBE_METRICS.errors)} + ${increase(ctx, PROBE_METRICS.timeouts)}) / ${increase(ctx, PROBE_METRICS.started)} > ${t}`,
    tests: (ctx, t, minutes): AlertTestCases => {
      const fire = (1 + t) / 2;
      return {
        // The share holds from minute 1, the first with two samples in the window.
        fire: [
          { description: `${pct(fire)} of round trips failed, above ${pct(t)}`, series: failureSeries(ctx, fire, minutes), expected: [{ labels: expected(ctx), value: fire }], activeFrom: 1 },
          {
            // A rollout (or a second replica): the counters of both pods add up, share unchanged.
            description: `two probe pods, each with ${pct(fire)} of round trips failed`,
            series: [...failureSeries(ctx, fire, minutes, `${ctx.job}-0`), ...failureSeries(ctx, fire, minutes, `${ctx.job}-1`)],
            expected: [{ labels: expected(ctx), value: fire }],
          },
        ],
        quiet: [
          { description: `${pct(0.9 * t)} of round trips failed, just below ${pct(t)}`, series: failureSeries(ctx, 0.9 * t, minutes), expected: [] },
          { description: 'no round trip at all (the probe is down: RobustMQProbeDown)', series: failureSeries(ctx, 0, minutes).map((s) => ({ ...s, values: `0x${minutes}` })), expected: [] },
          // Beside a healthy probe of ours, a failing one the selector must leave out.
          ...elsewhere(ctx).map(([where, other]) => ({
            description: `${pct(fire)} of round trips failed on ${where}, ours healthy`,
            series: [...failureSeries(ctx, 0, minutes), ...failureSeries(other, fire, minutes)],
            expected: [],
          })),
        ],
      };
    },
  },
  {
    name: 'RobustMQProbeSlowRoundTrip',
    group: PROBE_ALERT_GROUP,
    severity: AlertSeverity.WARNING,
    for: '10m',
    threshold: { default: 1, unit: 'seconds', meaning: 'p99 of the probe round trip (connect, subscribe, publish, receive)' },
    thresholdProblem: (t) => (typeof t === 'number' && t >= PROBE_DURATION_BUCKETS[1] && t < PROBE_HIGHEST_BUCKET_SECONDS ? undefined
      : `must be from ${PROBE_DURATION_BUCKETS[1]}s to below ${PROBE_HIGHEST_BUCKET_SECONDS}s: the exporter's histogram has its default buckets, whose highest finite bound is ${PROBE_HIGHEST_BUCKET_SECONDS}s`),
    summary: 'MQTT round trips through the cluster are slow.',
    description: (ctx, t) => `The 99th percentile of the MQTT probe's round trip through ${ctx.clusterName} in namespace ${ctx.namespace} `
      + `is {{ $value | humanizeDuration }}, above ${secondsText(t)}.`,
    expr: (ctx, t) => `histogram_quantile(0.99, sum by (le, ${BY.join(', ')}) (rate(${PROBE_METRICS.duration}_bucket${selector(ctx)}[${ctx.window}]))) > ${t}`,
    tests: (ctx, t, minutes) => {
      // Fire: every round trip in the bucket whose lower bound is the first at or above t (its p99
      // is above t); quiet: every round trip in the bucket whose upper bound is the last at or below t.
      const fireIndex = PROBE_DURATION_BUCKETS.findIndex((b) => b >= t) + 1;
      const fastIndex = PROBE_DURATION_BUCKETS.filter((b) => b <= t).length - 1;
      const fire = durationsIn(ctx, fireIndex, minutes);
      const fast = durationsIn(ctx, fastIndex, minutes);
      // 1.5% of the round trips in the slow bucket, the rest in the fast one: the p99 is a third
      // into the slow bucket, just above t (1.5s for the default 1s).
      const few = durationsMix(ctx, [[fastIndex, PROBES_PER_MINUTE * 0.985], [fireIndex, PROBES_PER_MINUTE * 0.015]], minutes);
      // Two pods, one fast and one slow: the p99 of the round trips of both (summed by le).
      const podFast = durationsMix(ctx, [[fastIndex, PROBES_PER_MINUTE]], minutes, `${ctx.job}-0`);
      const podSlow = durationsMix(ctx, [[fireIndex, PROBES_PER_MINUTE]], minutes, `${ctx.job}-1`);
      const both = p99Of(podFast.cumulative.map((c, i) => c + podSlow.cumulative[i]));
      return {
        fire: [
          { description: `p99 ${secondsText(fire.p99)}, above ${secondsText(t)}`, series: fire.series, expected: [{ labels: expected(ctx), value: fire.p99 }], activeFrom: 1 },
          ...(fireIndex < PROBE_DURATION_BUCKETS.length && fastIndex >= 0 ? [{
            description: `1.5% of round trips slow: p99 ${secondsText(p99Of(few.cumulative))}, above ${secondsText(t)}`,
            series: few.series,
            expected: [{ labels: expected(ctx), value: p99Of(few.cumulative) }],
          }, {
            description: `two probe pods, one fast and one slow: p99 of both ${secondsText(both)}`,
            series: [...podFast.series, ...podSlow.series],
            expected: [{ labels: expected(ctx), value: both }],
          }] : []),
        ],
        quiet: [
          { description: `p99 ${secondsText(fast.p99)}, not above ${secondsText(t)}`, series: fast.series, expected: [] },
          ...elsewhere(ctx).map(([where, other]) => ({
            description: `p99 ${secondsText(fire.p99)} on ${where}, ours fast`,
            series: [...fast.series, ...durationsIn(other, fireIndex, minutes).series],
            expected: [],
          })),
        ],
      };
    },
  },
];

/** The names of the probe alerts. */
export const PROBE_ALERT_NAMES: readonly string[] = PROBE_ALERT_DEFINITIONS.map((a) => a.name);

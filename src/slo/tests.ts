import { idLabels, SLOTH, tierAnnotations } from './render';
import { SliTestSeries } from './sli';
import { SloModel, TierModel } from './slo';
import { PromtoolAlertRuleTest, PromtoolTest } from '../alerts/rule-file';
import { durationMs } from '../validation/duration';

/**
 * promtool tests of the burn-rate alerts, per SLO and tier: each window pair fires just above its
 * factor and stays quiet just below it, and a spike as long as its short window, which the long
 * window absorbs, fires nothing. Inputs are the SLI's own counters, sampled every minute (a rate
 * over the shortest window needs two samples in it); the rules are evaluated every 5 minutes
 * (SLO_EVALUATION_INTERVAL) so that days-long windows stay cheap. The expected alerts at each
 * evaluation are worked out from the timeline of error ratios, for every tier of the SLO (both
 * tiers share the alert name), and a case whose window ratio lies within MARGIN of a threshold
 * is refused: no test depends on rate()'s extrapolation at a window's edge.
 */

/** The rules' evaluation interval in the SLO tests. */
export const SLO_EVALUATION_INTERVAL = '5m';
/** Events per minute of the SLI's total counter. */
const TOTAL_PER_MINUTE = 1000;
/** Where the counters start: far from zero, so rate() extrapolates both alike. */
const COUNTER_BASE = 1_000_000;
/** How far above and below a factor the fire and quiet cases burn. */
const STEP = 0.1;
/** How close to a threshold a window's ratio may come in a case. */
const MARGIN = 0.04;

/** A stretch of the timeline: `minutes` long at error ratio `ratio`. */
interface Segment { readonly minutes: number; readonly ratio: number }

function minutes(d: string): number {
  return durationMs(d)! / 60e3;
}

/** The error ratio over the window ending at minute `t` (events counted from minute 0). */
function windowRatio(segments: Segment[], t: number, window: number): number {
  const from = Math.max(0, t - window);
  let bad = 0;
  let start = 0;
  for (const s of segments) {
    const a = Math.max(start, from);
    const b = Math.min(start + s.minutes, t);
    if (b > a) bad += (b - a) * s.ratio;
    start += s.minutes;
  }
  return bad / (t - from);
}

/**
 * Whether a window pair fires at minute t: both its windows burn clearly above its factor, or is
 * quiet: one burns clearly below; anything closer than MARGIN is refused.
 */
function pairFires(slo: SloModel, p: TierModel['quick'], segments: Segment[], t: number): boolean {
  const budget = 1 - slo.objective;
  const burns = [p.shortWindow, p.longWindow].map((w) => windowRatio(segments, t, minutes(w)) / budget);
  if (burns.some((r) => r < p.factor * (1 - MARGIN))) return false;
  if (burns.every((r) => r > p.factor * (1 + MARGIN))) return true;
  throw new Error(`SLO test of ${slo.name}: the windows ${p.shortWindow} and ${p.longWindow} burn at ${burns.join('x, ')}x, too close to ${p.factor}x`);
}

/** Which tiers fire at minute t (a tier fires when either of its pairs does). */
function firing(slo: SloModel, segments: Segment[], t: number): TierModel[] {
  return slo.tiers.filter((tier) => pairFires(slo, tier.quick, segments, t) || pairFires(slo, tier.slow, segments, t));
}

/** promtool's expanding notation of a counter growing by `perMinute(segment)` a minute. */
function counter(segments: Segment[], perMinute: (s: Segment) => number): string {
  const parts = [String(COUNTER_BASE)];
  let v = COUNTER_BASE;
  for (const s of segments) {
    const step = +perMinute(s).toFixed(6);
    parts.push(`${+(v + step).toFixed(6)}+${step}x${s.minutes - 1}`);
    v = +(v + step * s.minutes).toFixed(6);
  }
  return parts.join(' ');
}

function seriesText(s: SliTestSeries): string {
  return `${s.metric}{${Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** The input series of the SLI for a timeline. */
function inputs(slo: SloModel, segments: Segment[]): PromtoolTest['inputSeries'] {
  const shape = slo.sli._model().testShape!;
  const out = [{ series: seriesText(shape.total), values: counter(segments, () => TOTAL_PER_MINUTE) }];
  // Several bad-event counters share the bad events evenly.
  for (const e of shape.errors ?? []) {
    out.push({ series: seriesText(e), values: counter(segments, (s) => s.ratio * TOTAL_PER_MINUTE / shape.errors!.length) });
  }
  if (shape.good) out.push({ series: seriesText(shape.good), values: counter(segments, (s) => (1 - s.ratio) * TOTAL_PER_MINUTE) });
  return out;
}

/** Whether the generator can feed this SLO's SLI (fromLatency, and fromRatio of one counter each or all less good). */
export function testable(slo: SloModel): boolean {
  return slo.sli._model().testShape !== undefined && slo.tiers.length > 0;
}

/** One case of one SLO: its timeline and the check at its end. */
interface SloCase {
  readonly key: string;
  readonly description: string;
  readonly segments: Segment[];
  readonly slo: SloModel;
  readonly evalAt: number;
  readonly fired: TierModel[];
}

/** Which pairs are tested: all, or the page tier's quick pair alone (hours, not days, of input). */
export type TestTiers = 'all' | 'page-quick';

/**
 * The cases of one SLO. A case's clean history before its burn is the shortest of none, the
 * pair's long window, the tier's longest and the SLO's longest window for which the tier does
 * what the case says (the other tier's alerts are expected as the timeline makes them); a spike
 * always follows at least the pair's long window of clean history. A case no history makes
 * unambiguous is left out.
 */
function sloCases(slo: SloModel, tiers: TestTiers): SloCase[] {
  if (!testable(slo)) return [];
  const budget = 1 - slo.objective;
  const pairs = slo.tiers.flatMap((t) => [t.quick, t.slow]);
  const longest = Math.max(...pairs.map((p) => minutes(p.longWindow)));
  const out: SloCase[] = [];
  for (const tier of slo.tiers) {
    if (tiers === 'page-quick' && tier.tier !== 'page') continue;
    const tierLongest = Math.max(minutes(tier.quick.longWindow), minutes(tier.slow.longWindow));
    for (const [pairName, pair] of [['quick', tier.quick], ['slow', tier.slow]] as const) {
      if (tiers === 'page-quick' && pairName !== 'quick') continue;
      const long = minutes(pair.longWindow);
      const short = minutes(pair.shortWindow);
      const what = `${tier.tier} ${pairName} pair (${pair.factor}x over ${pair.longWindow} and ${pair.shortWindow})`;
      const other = pairName === 'quick' ? tier.slow : tier.quick;
      // A case where the tier fires must owe it to this pair: the shortest history with the
      // tier's other pair quiet comes first (else breaking this pair's comparison goes unseen).
      const add = (kind: string, description: string, histories: number[], burn: Segment, fires: boolean): void => {
        const candidates: SloCase[] = [];
        for (const history of [...new Set(histories)].sort((a, b) => a - b)) {
          const segments = history > 0 ? [{ minutes: history, ratio: 0 }, burn] : [burn];
          const end = history + burn.minutes;
          const evalAt = end - (end % 5);
          let fired: TierModel[];
          let otherFires: boolean;
          try {
            fired = firing(slo, segments, evalAt);
            otherFires = pairFires(slo, other, segments, evalAt);
          } catch {
            continue;
          }
          if (fired.includes(tier) !== fires) continue;
          const c = { key: `${tier.tier}-${pairName}-${kind}`, description: `${what} ${description}`, segments, slo, evalAt, fired };
          if (!fires || !otherFires) {
            out.push(c);
            return;
          }
          candidates.push(c);
        }
        if (candidates.length > 0) out.push(candidates[0]);
      };
      const above = pair.factor * (1 + STEP);
      const below = pair.factor * (1 - STEP);
      // The least clean history (in whole 5 minutes) after which the other pair's long window
      // burns clearly below its factor: a short timeline in which this pair alone fires.
      const burnMinutes = long + 5;
      const quietOther = Math.max(0, Math.ceil((above * burnMinutes / (other.factor * (1 - 2 * MARGIN)) - burnMinutes) / 5) * 5);
      add('fire', `fires at ${+above.toFixed(4)}x`, [0, long, quietOther, tierLongest, longest], { minutes: burnMinutes, ratio: Math.min(1, above * budget) }, true);
      add('quiet', `stays quiet at ${+below.toFixed(4)}x`, [0, long, tierLongest, longest], { minutes: long + 5, ratio: below * budget }, false);
      // A spike as long as the short window, as hard as every long window of the SLO absorbs.
      const absorbed = Math.min(...pairs.map((p) => p.factor * minutes(p.longWindow) / Math.min(short, minutes(p.longWindow))));
      const spike = Math.min(1 / budget, absorbed / 2);
      if (spike > pair.factor * (1 + 2 * MARGIN)) {
        add('spike', `stays quiet on a ${pair.shortWindow} spike at ${+spike.toFixed(4)}x that the ${pair.longWindow} window absorbs`,
          [long, tierLongest, longest], { minutes: short, ratio: spike * budget }, false);
      }
    }
  }
  return out;
}

/**
 * The promtool tests of SLOs. Cases of several SLOs with the same timeline run as one test (each
 * SLO's series are its own), so the rules are evaluated once for all of them.
 */
export function renderSloTests(slos: SloModel[], dashboardUrl: string, tiers: TestTiers = 'all'): PromtoolTest[] {
  const byTimeline = new Map<string, SloCase[]>();
  for (const c of slos.flatMap((s) => sloCases(s, tiers))) {
    const k = `${c.key} ${JSON.stringify(c.segments)}`;
    byTimeline.set(k, [...(byTimeline.get(k) ?? []), c]);
  }
  return [...byTimeline.values()].map((cases) => ({
    name: `SLO ${cases.map((c) => c.slo.name).join(', ')}: ${cases[0].description}`,
    interval: '1m',
    inputSeries: cases.flatMap((c) => inputs(c.slo, c.segments)),
    alertRuleTests: cases.map((c): PromtoolAlertRuleTest => ({
      evalTime: `${c.evalAt}m`,
      alertname: c.slo.alertName!,
      expAlerts: c.fired.map((t) => ({
        expLabels: { ...idLabels(c.slo), ...c.slo.labels, severity: t.severity, [SLOTH.severity]: t.tier },
        expAnnotations: tierAnnotations(c.slo, t, dashboardUrl),
      })),
    })),
  }));
}

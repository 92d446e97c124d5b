import { Sli, WINDOW_PLACEHOLDER, leBound } from './sli';
import { MS_BUCKETS } from '../alerts/fixture';
import { KnownMetrics } from '../metrics/known';
import { describeProblem, promqlProblems } from '../metrics/promql';
import { duration, durationMs } from '../validation/duration';

/**
 * SLO definitions and their multi-window, multi-burn-rate alerting (the SRE workbook, chapter 5),
 * validated into the model the renderers read.
 */

/** One window pair of a burn-rate alert: both windows must burn faster than `factor`. */
export interface BurnRateWindows {
  /** The long window, e.g. `1h`. */
  readonly longWindow: string;
  /** The short window, shorter than the long one, e.g. `5m`. */
  readonly shortWindow: string;
  /** How many times faster than sustainable the budget burns, e.g. 14.4. */
  readonly factor: number;
}

/** An alert tier: a quick and a slow window pair (either fires the tier's alert). */
export interface BurnRateTier {
  /** The quick pair (large factor, short windows). */
  readonly quick: BurnRateWindows;
  /** The slow pair (smaller factor, longer windows). */
  readonly slow: BurnRateWindows;
}

/** The SRE workbook's page tier: 2% of a 30d budget in 1h (14.4x), or 5% in 6h (6x). */
export const DEFAULT_PAGE_TIER: BurnRateTier = {
  quick: { longWindow: '1h', shortWindow: '5m', factor: 14.4 },
  slow: { longWindow: '6h', shortWindow: '30m', factor: 6 },
};

/** The SRE workbook's ticket tier: 10% of a 30d budget in 1d (3x), or in 3d (1x). */
export const DEFAULT_TICKET_TIER: BurnRateTier = {
  quick: { longWindow: '1d', shortWindow: '2h', factor: 3 },
  slow: { longWindow: '3d', shortWindow: '6h', factor: 1 },
};

/** Burn-rate alerting of one SLO. */
export interface SloAlerting {
  /**
   * Emit the burn-rate alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The page tier (severity critical).
   *
   * @default DEFAULT_PAGE_TIER
   */
  readonly page?: BurnRateTier;
  /**
   * The ticket tier (severity warning).
   *
   * @default DEFAULT_TICKET_TIER
   */
  readonly ticket?: BurnRateTier;
  /**
   * The alert's name: CamelCase, starting with `RobustMQ`, at most 40 characters.
   *
   * @default - `RobustMQ<Name>BudgetBurn`, the SLO name in CamelCase
   */
  readonly name?: string;
}

/** A service level objective. */
export interface Slo {
  /** The SLO's name (Sloth's `sloth_slo`): letters, digits, `-`, `_`, `.`, e.g. `publish-latency`. */
  readonly name: string;
  /** The target fraction of good events, strictly between 0 and 1, e.g. 0.999. */
  readonly objective: number;
  /** What is measured. */
  readonly sli: Sli;
  /**
   * The period the objective holds over.
   *
   * @default '30d'
   */
  readonly period?: string;
  /**
   * What the SLO promises, for the alerts' description and the dashboard.
   *
   * @default - the name
   */
  readonly description?: string;
  /**
   * Labels added to every recorded series and alert of this SLO.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The burn-rate alerts.
   *
   * @default - the workbook's page and ticket tiers
   */
  readonly alerting?: SloAlerting;
  /**
   * Metric names the SLI selects that are neither RobustMQ's nor declared by this library (a
   * probe's, say); any other name is refused.
   *
   * @default - none
   */
  readonly knownMetrics?: string[];
}

/** A tier with its severities, validated. */
export interface TierModel {
  readonly tier: 'page' | 'ticket';
  readonly severity: 'critical' | 'warning';
  readonly quick: BurnRateWindows;
  readonly slow: BurnRateWindows;
}

/** An SLO ready to render. */
export interface SloModel {
  readonly name: string;
  readonly service: string;
  readonly id: string;
  readonly objective: number;
  readonly period: string;
  readonly description: string;
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly sli: Sli;
  readonly labels: { [key: string]: string };
  readonly alertName?: string;
  readonly tiers: TierModel[];
}

/** Field, value and problem: how a check reports. */
export type SloFail = (field: string, value: unknown, problem: string) => never;

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
const MAX_ALERT_NAME = 40;

/** The SLO name in CamelCase: `publish-latency` is `PublishLatency`. */
export function camel(name: string): string {
  return name.split(/[-_.]+/).filter((p) => p !== '').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}

/** Windows the recording rules record: every alert window and the period, shortest first. */
export function recordedWindows(slo: SloModel): string[] {
  const all = new Set<string>();
  for (const t of slo.tiers) for (const p of [t.quick, t.slow]) all.add(p.shortWindow).add(p.longWindow);
  all.add(slo.period);
  return [...all].sort((a, b) => durationMs(a)! - durationMs(b)!);
}

/**
 * Validates an SLO (field names relative to `slos[i]`) into its model.
 *
 * @param service Sloth's `sloth_service`
 * @param known the metrics an SLI may select (the SLO's own knownMetrics are added)
 */
export function resolveSlo(slo: Slo, field: string, service: string, known: KnownMetrics, fail: SloFail): SloModel {
  if (typeof slo.name !== 'string' || !NAME.test(slo.name)) {
    fail(`${field}.name`, slo.name, 'must be letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit (Sloth\'s name rule), e.g. \'publish-latency\'');
  }
  if (typeof slo.objective !== 'number' || !(slo.objective > 0 && slo.objective < 1)) {
    fail(`${field}.objective`, slo.objective, 'must be a ratio strictly between 0 and 1, e.g. 0.999 for 99.9%');
  }
  const period = slo.period ?? '30d';
  const periodProblem = duration(period);
  if (periodProblem) fail(`${field}.period`, period, periodProblem);
  if (!(slo.sli instanceof Sli)) fail(`${field}.sli`, slo.sli, 'must be made by Sli.fromRatio() or Sli.fromLatency()');
  const sli = slo.sli._model();
  const knownHere = known.with(slo.knownMetrics ?? []);
  if (sli.latency) {
    if (!sli.latency.unit) {
      fail(`${field}.sli.histogram`, sli.latency.histogram, "must name its unit: end in '_seconds', '_ms' or '_milliseconds' (the unit of its le bounds)");
    }
    const p = duration(sli.latency.threshold);
    if (p || (durationMs(sli.latency.threshold) ?? 0) >= 3600e3 * 24) {
      fail(`${field}.sli.threshold`, sli.latency.threshold, p ?? 'must be shorter than a day');
    }
    // RobustMQ's millisecond histograms share one set of bounds: a threshold between two selects no bucket.
    const le = leBound(sli.latency.threshold, sli.latency.unit);
    if (sli.latency.unit === 'milliseconds' && known.has(`${sli.latency.histogram}_bucket`) && !MS_BUCKETS.includes(Number(le))) {
      fail(`${field}.sli.threshold`, sli.latency.threshold, `must be a bound of RobustMQ's millisecond buckets (${MS_BUCKETS.slice(0, 4).join('ms, ')}ms, ... ${MS_BUCKETS[MS_BUCKETS.length - 1]}ms): between two bounds it selects no bucket`);
    }
  }
  for (const [key, query] of [['errorQuery', sli.errorQuery], ['totalQuery', sli.totalQuery]] as const) {
    if (!query.includes(WINDOW_PLACEHOLDER)) {
      fail(`${field}.sli.${key}`, query, `must take its window as ${WINDOW_PLACEHOLDER} (Sloth's placeholder), e.g. rate(x[${WINDOW_PLACEHOLDER}])`);
    }
    const expr = query.split(WINDOW_PLACEHOLDER).join('5m');
    const problems = promqlProblems(expr, knownHere);
    if (problems.length > 0) fail(`${field}.sli.${key}`, query, `is not valid PromQL: ${describeProblem(expr, problems[0])}`);
  }
  const alerting = slo.alerting ?? {};
  const budget = 1 - slo.objective;
  const tiers: TierModel[] = [];
  if (alerting.enabled ?? true) {
    for (const [tier, severity, given, def] of [['page', 'critical', alerting.page, DEFAULT_PAGE_TIER], ['ticket', 'warning', alerting.ticket, DEFAULT_TICKET_TIER]] as const) {
      const t = given ?? def;
      for (const pair of ['quick', 'slow'] as const) {
        const w = t[pair];
        const f = `${field}.alerting.${tier}.${pair}`;
        for (const k of ['longWindow', 'shortWindow'] as const) {
          const p = duration(w[k]);
          if (p) fail(`${f}.${k}`, w[k], p);
        }
        if (durationMs(w.shortWindow)! >= durationMs(w.longWindow)!) {
          fail(`${f}.shortWindow`, w.shortWindow, `must be shorter than the long window '${w.longWindow}'`);
        }
        if (durationMs(w.longWindow)! > durationMs(period)!) {
          fail(`${f}.longWindow`, w.longWindow, `must be at most the period '${period}'`);
        }
        if (typeof w.factor !== 'number' || !(w.factor > 0) || !Number.isFinite(w.factor)) {
          fail(`${f}.factor`, w.factor, 'must be a positive number, e.g. 14.4');
        }
        if (w.factor * budget >= 1) {
          fail(`${f}.factor`, w.factor, `times the error budget ${+budget.toFixed(6)} must be below 1, or the alert could never fire: at most ${+(1 / budget).toFixed(4)} (exclusive) for objective ${slo.objective}`);
        }
      }
      tiers.push({ tier, severity, quick: t.quick, slow: t.slow });
    }
  }
  const alertName = tiers.length === 0 ? undefined : (alerting.name ?? `RobustMQ${camel(slo.name)}BudgetBurn`);
  if (alertName !== undefined && (!/^RobustMQ[A-Z][A-Za-z0-9]*$/.test(alertName) || alertName.length > MAX_ALERT_NAME)) {
    fail(`${field}.alerting.name`, alertName, `must be CamelCase starting with 'RobustMQ', at most ${MAX_ALERT_NAME} characters${alerting.name === undefined ? ': give alerting.name, or a shorter SLO name' : ''}`);
  }
  for (const [k, v] of Object.entries(slo.labels ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || k.startsWith('sloth_') || k.startsWith('__') || k === 'severity') {
      fail(`${field}.labels`, k, "must be Prometheus label names other than sloth_*, __* and 'severity'");
    }
    if (typeof v !== 'string') fail(`${field}.labels.${k}`, v, 'must be a string');
  }
  return {
    name: slo.name,
    service,
    id: `${service}-${slo.name}`,
    objective: slo.objective,
    period,
    description: slo.description ?? slo.name,
    errorQuery: sli.errorQuery,
    totalQuery: sli.totalQuery,
    sli: slo.sli,
    labels: { ...(slo.labels ?? {}) },
    alertName,
    tiers,
  };
}

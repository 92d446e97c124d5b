import { SloModel, TierModel, recordedWindows } from './slo';
import { WINDOW_PLACEHOLDER } from './sli';
import { goFloat } from '../alerts/template';
import { Rule, RuleGroup } from '../alerts/rule-file';
import { durationMs } from '../validation/duration';

/**
 * The pure renderer of SLO rules with Sloth's names, labels and expressions (Sloth v0.16.0,
 * internal/plugin/slo/core: sli_rules_v1/plugin.go:123-155 and 157-197, metadata_rules_v1/plugin.go:39-134,
 * alert_rules_v1/plugin.go:67-136; names in pkg/common/conventions/slo.go:8-29), so dashboards
 * made for Sloth read them. test/slo/sloth.test.ts compares them with what Sloth generates.
 */

/** Sloth's recorded series and labels. */
export const SLOTH = {
  sliError: 'slo:sli_error:ratio_rate',
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'sloth_slo_info',
  id: 'sloth_id',
  service: 'sloth_service',
  slo: 'sloth_slo',
  window: 'sloth_window',
  severity: 'sloth_severity',
  objectiveLabel: 'sloth_objective',
} as const;

/** The name of the SLI error ratio recorded over `window`. */
export function sliErrorMetric(window: string): string {
  return `${SLOTH.sliError}${window}`;
}

/** The labels that identify an SLO's series. */
export function idLabels(slo: SloModel): { [key: string]: string } {
  return { [SLOTH.id]: slo.id, [SLOTH.service]: slo.service, [SLOTH.slo]: slo.name };
}

/** `{sloth_id="..", sloth_service="..", sloth_slo=".."}`, sorted by label name as Sloth writes it. */
export function idFilter(slo: SloModel): string {
  return `{${Object.entries(idLabels(slo)).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Sloth's group names. */
export function groupNames(slo: SloModel): { sli: string; meta: string; alerts: string } {
  return { sli: `sloth-slo-sli-recordings-${slo.id}`, meta: `sloth-slo-meta-recordings-${slo.id}`, alerts: `sloth-slo-alerts-${slo.id}` };
}

/** The error budget as a ratio, written as Go writes the float Sloth computes (`(100 - objective%) / 100`). */
export function budgetText(slo: SloModel): string {
  return goFloat((100 - slo.objective * 100) / 100);
}

/** The SLI's recording rule over one window. */
function sliRule(slo: SloModel, window: string, quickShort: string): Rule {
  const labels = { ...idLabels(slo), [SLOTH.window]: window, ...slo.labels };
  if (window === slo.period && window !== quickShort) {
    // The period from the quick short window's records: a 30d rate over raw series is costly.
    const m = `${sliErrorMetric(quickShort)}${idFilter(slo)}`;
    return {
      record: sliErrorMetric(window),
      expr: `sum_over_time(${m}[${window}])\n/ ignoring (${SLOTH.window})\ncount_over_time(${m}[${window}])\n`,
      labels,
    };
  }
  const w = (q: string) => q.split(WINDOW_PLACEHOLDER).join(window);
  return { record: sliErrorMetric(window), expr: `(${w(slo.errorQuery)})\n/\n(${w(slo.totalQuery)})\n`, labels };
}

/** The burn-rate condition of one window. */
function burnCondition(slo: SloModel, window: string, factor: number): string {
  return `max(${sliErrorMetric(window)}${idFilter(slo)} > (${goFloat(factor)} * ${budgetText(slo)})) without (${SLOTH.window})`;
}

/** A tier's alert expression: (quick short and quick long) or (slow short and slow long). */
export function tierExpr(slo: SloModel, tier: TierModel): string {
  const pair = (p: TierModel['quick']) => `    ${burnCondition(slo, p.shortWindow, p.factor)}\n    and\n    ${burnCondition(slo, p.longWindow, p.factor)}`;
  return `(\n${pair(tier.quick)}\n)\nor\n(\n${pair(tier.slow)}\n)\n`;
}

/** Percent of an objective as Sloth's `sloth_objective` label writes it (`99.9`). */
function objectivePercent(slo: SloModel): string {
  return goFloat(+(slo.objective * 100).toPrecision(12));
}

function windowsText(t: TierModel): string {
  return `${goFloat(t.quick.factor)}x over ${t.quick.longWindow} and ${t.quick.shortWindow}, or ${goFloat(t.slow.factor)}x over ${t.slow.longWindow} and ${t.slow.shortWindow}`;
}

/** The annotations of a tier's alert (static: promtool tests state them exactly). */
export function tierAnnotations(slo: SloModel, tier: TierModel, dashboardUrl: string): { [key: string]: string } {
  return {
    summary: `An SLO's error budget is burning too fast.`,
    description: `SLO ${slo.name} of ${slo.service} (${slo.description}; objective ${objectivePercent(slo)}% over ${slo.period}) burns its error budget `
      + `faster than ${windowsText(tier)} times the sustainable rate: ${tier.tier === 'page' ? 'at this rate the budget is gone within days' : 'left alone, the budget runs out before the period ends'}.`,
    runbook_url: dashboardUrl,
  };
}

/** Every rule group of one SLO: SLI recordings, metadata recordings, alerts (Sloth's order). */
export function renderSloGroups(slo: SloModel, dashboardUrl: string): RuleGroup[] {
  const names = groupNames(slo);
  const quickShort = slo.tiers[0]?.quick.shortWindow ?? recordedWindows(slo)[0];
  const windows = recordedWindows(slo);
  const labels = { ...idLabels(slo), ...slo.labels };
  const filter = idFilter(slo);
  const burn = (metric: string) => `${metric}${filter}\n/ on(${SLOTH.id}, ${SLOTH.slo}, ${SLOTH.service}) group_left\n${SLOTH.errorBudget}${filter}\n`;
  const objective = goFloat(slo.objective);
  const groups: RuleGroup[] = [
    { name: names.sli, rules: windows.map((w) => sliRule(slo, w, quickShort)) },
    {
      name: names.meta,
      rules: [
        { record: SLOTH.objective, expr: `vector(${objective})`, labels },
        { record: SLOTH.errorBudget, expr: `vector(1-${objective})`, labels },
        { record: SLOTH.periodDays, expr: `vector(${goFloat(durationMs(slo.period)! / 86400e3)})`, labels },
        { record: SLOTH.currentBurnRate, expr: burn(sliErrorMetric(quickShort)), labels },
        { record: SLOTH.periodBurnRate, expr: burn(sliErrorMetric(slo.period)), labels },
        { record: SLOTH.budgetRemaining, expr: `1 - ${SLOTH.periodBurnRate}${filter}`, labels },
        { record: SLOTH.info, expr: 'vector(1)', labels: { ...labels, [SLOTH.objectiveLabel]: objectivePercent(slo) } },
      ],
    },
  ];
  if (slo.alertName !== undefined && slo.tiers.length > 0) {
    groups.push({
      name: names.alerts,
      rules: slo.tiers.map((t) => ({
        alert: slo.alertName,
        expr: tierExpr(slo, t),
        labels: { severity: t.severity, [SLOTH.severity]: t.tier },
        annotations: tierAnnotations(slo, t, dashboardUrl),
      })),
    });
  }
  return groups;
}

import { SLOTH, sliErrorMetric } from './render';
import { DashboardSpec, PanelKind } from '../dashboards/dashboard-spec';
import { datasourceRef, renderDashboard } from '../dashboards/render';
import { DASHBOARD_UIDS } from '../dashboards/uids';

/**
 * The "RobustMQ SLOs" dashboard, over Sloth's recorded series (so it reads SLOs that Sloth
 * generated too): error budget left over the period, burn rate per window, the SLI against its
 * objective. Its variables are the service and the SLO (`sloth_service`, `sloth_slo`).
 */

/** The names of the dashboard's variables; the alerts link with `var-service=`. */
export const SLO_DASHBOARD_VARIABLES = { service: 'service', slo: 'slo' } as const;

/** The windows the burn-rate panel shows (the workbook's, and the period). */
const BURN_WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'];

/** Every series the dashboard reads: for the dashboard lint's known metrics. */
export const SLO_DASHBOARD_METRICS: readonly string[] = [
  ...[...BURN_WINDOWS, '30d'].map(sliErrorMetric),
  SLOTH.objective, SLOTH.errorBudget, SLOTH.budgetRemaining, SLOTH.periodBurnRate, SLOTH.currentBurnRate,
];

const SEL = `{${SLOTH.service}=~"$${SLO_DASHBOARD_VARIABLES.service}", ${SLOTH.slo}=~"$${SLO_DASHBOARD_VARIABLES.slo}"}`;
const LEGEND = `{{${SLOTH.service}}} {{${SLOTH.slo}}}`;

function burn(window: string): string {
  return `${sliErrorMetric(window)}${SEL} / on(${SLOTH.id}, ${SLOTH.slo}, ${SLOTH.service}) group_left ${SLOTH.errorBudget}${SEL}`;
}

/** The dashboard's spec. */
export function sloDashboardSpec(): DashboardSpec {
  return {
    uid: DASHBOARD_UIDS.slos,
    title: 'RobustMQ SLOs',
    description: 'Service level objectives from Sloth-compatible recording rules: error budget left, burn rates, SLIs against their objectives.',
    tags: ['slo'],
    rows: [
      {
        title: 'Error budget',
        panels: [
          {
            title: 'Error Budget Left',
            description: 'The fraction of the period\'s error budget not yet spent (1 - the period\'s burn rate). Below 0 the objective is missed for this period.',
            unit: 'percentunit',
            kind: PanelKind.STAT,
            width: 8,
            queries: [{ expr: `${SLOTH.budgetRemaining}${SEL}`, legend: LEGEND }],
            thresholds: [{ color: 'red' }, { value: 0, color: 'yellow' }, { value: 0.25, color: 'green' }],
          },
          {
            title: 'Period Burn Rate',
            description: 'How fast the budget burned over the whole period: 1 spends it exactly by the period\'s end.',
            unit: 'none',
            kind: PanelKind.STAT,
            width: 8,
            queries: [{ expr: `${SLOTH.periodBurnRate}${SEL}`, legend: LEGEND }],
            thresholds: [{ color: 'green' }, { value: 1, color: 'red' }],
          },
          {
            title: 'Current Burn Rate',
            description: 'The burn rate over the shortest alert window (5m by default).',
            unit: 'none',
            kind: PanelKind.STAT,
            width: 8,
            queries: [{ expr: `${SLOTH.currentBurnRate}${SEL}`, legend: LEGEND }],
            thresholds: [{ color: 'green' }, { value: 1, color: 'yellow' }, { value: 14.4, color: 'red' }],
          },
        ],
      },
      {
        title: 'Burn rates and SLI',
        panels: [
          {
            title: 'Burn Rate per Window',
            description: 'The error ratio over each alert window divided by the error budget. The page tier fires at 14.4x (1h and 5m) or 6x (6h and 30m), the ticket tier at 3x (1d and 2h) or 1x (3d and 6h), by default.',
            unit: 'none',
            width: 12,
            queries: BURN_WINDOWS.map((w) => ({ expr: burn(w), legend: `${LEGEND} ${w}` })),
            thresholds: [{ color: 'green' }, { value: 1, color: 'yellow' }, { value: 14.4, color: 'red' }],
            thresholdLines: true,
          },
          {
            title: 'SLI against Objective',
            description: 'The fraction of good events over 5m and over the period, and the objective they are held to.',
            unit: 'percentunit',
            width: 12,
            queries: [
              { expr: `1 - ${sliErrorMetric('5m')}${SEL}`, legend: `${LEGEND} 5m` },
              { expr: `1 - ${sliErrorMetric('30d')}${SEL}`, legend: `${LEGEND} period` },
              { expr: `${SLOTH.objective}${SEL}`, legend: `${LEGEND} objective` },
            ],
          },
        ],
      },
    ],
  };
}

/** The dashboard's Grafana JSON model: the standard rendering, with the service and SLO variables. */
export function renderSloDashboard(): Record<string, any> {
  const json = renderDashboard(sloDashboardSpec(), { clusterLabel: 'cluster', anchorMetric: SLOTH.objective });
  const datasource = json.templating.list.find((v: any) => v.type === 'datasource');
  const variable = (name: string, label: string, query: string) => ({
    type: 'query',
    name,
    label,
    datasource: datasourceRef('prometheus'),
    query,
    definition: query,
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
  });
  json.templating = {
    list: [
      datasource,
      variable(SLO_DASHBOARD_VARIABLES.service, 'Service', `label_values(${SLOTH.objective}, ${SLOTH.service})`),
      variable(SLO_DASHBOARD_VARIABLES.slo, 'SLO', `label_values(${SLOTH.objective}{${SLOTH.service}=~"$${SLO_DASHBOARD_VARIABLES.service}"}, ${SLOTH.slo})`),
    ],
  };
  json.time = { from: 'now-7d', to: 'now' };
  return json;
}

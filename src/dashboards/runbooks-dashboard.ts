import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { GRID_COLUMNS } from './dashboard-spec';
import { DASHBOARD_TAG, dashboardLinks } from './render';
import { DASHBOARD_UIDS, runbookPanelId } from './uids';
import { RUNBOOK_SECTIONS } from '../alerts/runbooks.generated';

/**
 * RobustMQ Alert Runbooks: docs/runbooks.md as a Grafana dashboard of text panels, one per
 * alert, so that every alert's `runbook_url` resolves in the user's own Grafana, whatever
 * network it is on and whoever installed the package.
 */


/** The alerts that have a runbook. */
export function runbookAlerts(): string[] {
  return RUNBOOK_SECTIONS.flatMap((s) => (s.alert ? [s.alert] : []));
}

/** The height in grid units of a text panel with `markdown`: a line is about one unit. */
function height(markdown: string): number {
  const lines = markdown.split('\n').length;
  return Math.min(Math.max(lines + 2, 5), 24);
}

/** The runbooks dashboard as Grafana JSON. */
export function renderRunbooksDashboard(): Record<string, any> {
  let y = 0;
  let intro = 1;
  const panels = RUNBOOK_SECTIONS.map((s) => {
    const h = height(s.markdown);
    const panel = {
      type: 'text',
      id: s.alert ? runbookPanelId(s.alert) : intro++,
      title: s.title,
      description: s.alert
        ? `What ${s.alert} means, its impact, how to diagnose and mitigate it.`
        : 'How the runbooks below are used, and commands they share.',
      gridPos: { x: 0, y, w: GRID_COLUMNS, h },
      options: { mode: 'markdown', content: s.markdown },
    };
    y += h;
    return panel;
  });
  const builder = new dashboard.DashboardBuilder('RobustMQ Alert Runbooks')
    .uid(DASHBOARD_UIDS.runbooks)
    .description('What each RobustMQ, log agent and Jaeger alert means and what to do: the runbook_url of every alert opens its panel here.')
    .tags([DASHBOARD_TAG, 'runbooks'])
    .editable()
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .links(dashboardLinks());
  const json: Record<string, any> = JSON.parse(JSON.stringify(builder.build()));
  json.templating = { list: [] };
  json.panels = panels;
  return json;
}

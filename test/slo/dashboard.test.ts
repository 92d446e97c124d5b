import { lintDashboard } from '../../src/dashboards/lint';
import { DASHBOARD_UIDS } from '../../src/dashboards/uids';
import { KnownMetrics } from '../../src/metrics/known';
import { SLO_DASHBOARD_METRICS, renderSloDashboard } from '../../src/slo/dashboard';

const known = KnownMetrics.standard().with(SLO_DASHBOARD_METRICS);

describe('RobustMQ SLOs dashboard', () => {
  test('passes the dashboard lint: one datasource variable, service and SLO variables every query filters on', () => {
    const json = renderSloDashboard();
    expect(json.uid).toBe(DASHBOARD_UIDS.slos);
    expect(json.title).toBe('RobustMQ SLOs');
    expect(json.templating.list.map((v: any) => [v.type, v.name])).toEqual([['datasource', 'datasource'], ['query', 'service'], ['query', 'slo']]);
    expect(lintDashboard(json, { known })).toEqual([]);
    const titles = json.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title);
    expect(titles).toEqual(['Error Budget Left', 'Period Burn Rate', 'Current Burn Rate', 'Burn Rate per Window', 'SLI against Objective']);
    const burn = json.panels.find((p: any) => p.title === 'Burn Rate per Window');
    expect(burn.targets.map((t: any) => /ratio_rate(\w+)\{/.exec(t.expr)![1])).toEqual(['5m', '30m', '1h', '6h', '1d', '3d']);
  });

  test('the lint refuses it with a query that ignores the SLO variable, or a series of no known name', () => {
    const json = renderSloDashboard();
    const panel = json.panels.find((p: any) => p.title === 'Error Budget Left');
    panel.targets[0].expr = 'slo:period_error_budget_remaining:ratio{sloth_service=~"$service"}';
    expect(lintDashboard(json, { known })).toEqual([expect.stringMatching(/must filter on the variable \$slo/)]);
    panel.targets[0].expr = 'slo:period_error_budget_left:ratio{sloth_service=~"$service", sloth_slo=~"$slo"}';
    expect(lintDashboard(json, { known }).join()).toMatch(/unknown metric 'slo:period_error_budget_left:ratio'/);
  });
});

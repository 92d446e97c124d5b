import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { RobustMqObservability } from '../../src';
import { ALERT_NAMES } from '../../src/alerts/definitions';
import { RUNBOOK_SECTIONS } from '../../src/alerts/runbooks.generated';
import { lintDashboard } from '../../src/dashboards/lint';
import { runbookAlerts } from '../../src/dashboards/runbooks-dashboard';
import { DASHBOARD_UIDS, runbookPanelId } from '../../src/dashboards/uids';
import { KnownMetrics } from '../../src/metrics/known';
import { PROBE_ALERT_NAMES } from '../../src/probe/alerts';
import { buildStack } from '../../src/stack';
import { JAEGER_ALERT_NAMES } from '../../src/tracing/alerts';
import { warningsOf } from '../../src/validation/warnings';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const ROOT = path.join(__dirname, '..', '..');
const GENERATOR = path.join(ROOT, 'scripts', 'generate-runbooks.js');

/** Every alert of a synthesized app with its runbook_url, and the runbooks dashboard's JSON. */
function synthesized(app: App) {
  const objs = app.charts.flatMap((c) => c.toJson());
  const alerts = objs.filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules))
    // The SLOs' burn-rate alerts link to the SLO dashboard (test/slo/slo.test.ts), not to a runbook.
    .filter((r: any) => r.alert && r.labels?.sloth_severity === undefined);
  const configMap = objs.find((o) => o.kind === 'ConfigMap' && o.data?.[`${DASHBOARD_UIDS.runbooks}.json`]);
  const runbooks = configMap ? JSON.parse(configMap.data[`${DASHBOARD_UIDS.runbooks}.json`]) : undefined;
  return { alerts, runbooks };
}

describe('the runbooks dashboard', () => {
  const app = Testing.app();
  buildStack(app);
  const { alerts, runbooks } = synthesized(app);

  test('has one runbook for every alert of every set, and none for an alert that does not exist', () => {
    expect(runbookAlerts().sort()).toEqual([...ALERT_NAMES, ...JAEGER_ALERT_NAMES, ...PROBE_ALERT_NAMES].sort());
  });

  test('every alert\'s runbook_url opens, in the stack\'s Grafana, a text panel of the provisioned dashboard titled with the alert', () => {
    expect(alerts.length).toBe(ALERT_NAMES.length + JAEGER_ALERT_NAMES.length + PROBE_ALERT_NAMES.length);
    const panels = new Map<number, any>(runbooks.panels.map((p: any) => [p.id, p]));
    for (const a of alerts) {
      const url = new URL(a.annotations.runbook_url);
      expect(`${url.origin}${url.pathname}`).toBe(`http://localhost:3000/d/${DASHBOARD_UIDS.runbooks}`);
      expect(runbooks.uid).toBe(DASHBOARD_UIDS.runbooks);
      const panel = panels.get(Number(url.searchParams.get('viewPanel')));
      expect(panel).toMatchObject({ type: 'text', title: a.alert, options: { mode: 'markdown' } });
      for (const part of ['Meaning', 'Impact', 'Diagnosis', 'Mitigation']) expect(panel.options.content).toContain(`**${part}**`);
    }
  });

  test('panel ids come from the alert name only, are unique, and never those of the introductions', () => {
    const ids = runbookAlerts().map(runbookPanelId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(100);
    expect(runbookPanelId('RobustMQClusterDown')).toBe(runbookPanelId('RobustMQClusterDown'));
    expect(runbookPanelId('RobustMQClusterDown')).not.toBe(runbookPanelId('RobustMQClusterDowm'));
    const intros = runbooks.panels.filter((p: any) => !runbookAlerts().includes(p.title)).map((p: any) => p.id);
    // The introduction, then one per group after it: the Jaeger alerts, the probe alerts.
    expect(intros).toEqual([1, 2, 3]);
  });

  test('the text is docs/runbooks.md\'s, with nothing Grafana would read as a variable', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'runbooks.md'), 'utf8');
    for (const s of RUNBOOK_SECTIONS) {
      expect(doc).toContain(s.markdown.split('\n')[0]);
      expect(s.markdown).not.toContain('$');
    }
    expect(runbooks.panels.map((p: any) => p.options.content)).toEqual(RUNBOOK_SECTIONS.map((s) => s.markdown));
  });

  test('the dashboard rules: a text-only dashboard needs no datasource variable; a text panel with a query, or a data panel beside it without one, is refused', () => {
    const known = KnownMetrics.standard();
    expect(lintDashboard(runbooks, { known })).toEqual([]);
    const withQuery = JSON.parse(JSON.stringify(runbooks));
    withQuery.panels[3].targets = [{ refId: 'A', expr: 'up' }];
    expect(lintDashboard(withQuery, { known })).toEqual([`panel '${withQuery.panels[3].title}' is a text panel: its queries would never run`]);
    const withData = JSON.parse(JSON.stringify(runbooks));
    withData.panels[0] = { ...withData.panels[0], type: 'stat', fieldConfig: { defaults: { unit: 'short' } }, targets: [{ refId: 'A', expr: 'up' }] };
    expect(lintDashboard(withData, { known })).toContain('must have exactly one datasource template variable, has 0');
  });

  test('the panels are stacked full width without gaps or overlaps (the dashboard rules check the rest at synth)', () => {
    let y = 0;
    for (const p of runbooks.panels) {
      expect(p.gridPos).toMatchObject({ x: 0, y, w: 24 });
      y += p.gridPos.h;
    }
  });
});

describe('runbook links elsewhere', () => {
  test('grafanaUrl moves them; runbookUrlPattern replaces them; a template action in the pattern is refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mq', { namespace: 'robustmq' });
    new RobustMqObservability(chart, 'stack', { alerts: { grafanaUrl: 'https://grafana.example.com/' } });
    const { alerts } = synthesized(app);
    expect(alerts[0].annotations.runbook_url).toBe(`https://grafana.example.com/d/${DASHBOARD_UIDS.runbooks}?viewPanel=${runbookPanelId(alerts[0].alert)}`);

    const app2 = Testing.app();
    new RobustMqObservability(new Chart(app2, 'mq', { namespace: 'robustmq' }), 'stack', {
      alerts: { runbookUrlPattern: 'https://wiki.example.com/robustmq/{alert}' },
      dashboards: { runbooksDashboard: false },
    });
    const other = synthesized(app2);
    expect(other.runbooks).toBeUndefined();
    expect(other.alerts.every((a: any) => a.annotations.runbook_url === `https://wiki.example.com/robustmq/${a.alert}`)).toBe(true);

    expect(() => new RobustMqObservability(new Chart(Testing.app(), 'mq', { namespace: 'robustmq' }), 'stack', {
      alerts: { runbookUrlPattern: 'https://wiki.example.com/{{ $labels.alertname }}/{anchor}' },
    })).toThrow(/runbookUrlPattern 'https:\/\/wiki.example.com\/\{\{ \$labels.alertname \}\}\/\{anchor\}' must not contain '\{\{'/);
  });

  test('without the runbooks dashboard and without a pattern, the stack warns that the links lead nowhere', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack', { dashboards: { enabled: false } });
    expect(warningsOf(o).join('\n')).toMatch(/runbook_url opens the RobustMQ Alert Runbooks dashboard, which is not provisioned here/);
    const chart2 = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const quiet = new RobustMqObservability(chart2, 'stack', {});
    expect(warningsOf(quiet).join('\n')).not.toMatch(/runbook/);
  });
});

describe('the generator', () => {
  const generate = (markdown: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    try {
      fs.writeFileSync(path.join(dir, 'runbooks.md'), markdown);
      execFileSync(process.execPath, [GENERATOR, path.join(dir, 'runbooks.md'), path.join(dir, 'out.ts')], { stdio: 'pipe' });
      return fs.readFileSync(path.join(dir, 'out.ts'), 'utf8');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const refusal = (markdown: string) => {
    try {
      generate(markdown);
    } catch (e) {
      return String((e as any).stderr);
    }
    throw new Error('not refused');
  };

  test('the committed file is what it generates from docs/runbooks.md', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'src', 'alerts', 'runbooks.generated.ts'), 'utf8');
    expect(generate(fs.readFileSync(path.join(ROOT, 'docs', 'runbooks.md'), 'utf8'))).toBe(committed);
  });

  test('refuses what would make a wrong dashboard', () => {
    expect(refusal('# T\n\nintro\n\n## AlertA\n\nuses $__from\n')).toMatch(/'\$' would be read as a Grafana variable/);
    expect(refusal('# T\n\nintro\n\n## Two words\n\nx\n')).toMatch(/only '## <AlertName>' headings|is not an alert name/);
    expect(refusal('# T\n\nintro\n\n## AlertA\n\nx\n\n## AlertA\n\ny\n')).toMatch(/a second section for AlertA/);
    expect(refusal('# T\n\nintro\n\n## AlertA\n\n')).toMatch(/section 'AlertA' is empty/);
    expect(refusal('# T\n\nintro\n\n### Sub\n')).toMatch(/only '## <AlertName>' headings are allowed/);
  });
});

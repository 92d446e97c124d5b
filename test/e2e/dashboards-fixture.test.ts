import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { atSteps, createBlocks, expandValues, parseTestSeries } from './backfill';
import { PrometheusServer } from './prometheus';
import { RobustMqCluster, RobustMqServiceMonitor, ServiceScrapeTarget } from '../../src';
import { TestSeries } from '../../src/alerts/engine';
import { FixtureContext, healthyFixture } from '../../src/alerts/fixture';
import { robustMqAlertContext } from '../../src/alerts/rules';
import { GrafanaDashboards } from '../../src/dashboards/grafana-dashboards';
import { allPanels } from '../../src/dashboards/lint';
import { selectedMetrics } from '../../src/metrics/promql';
import { request as get } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { PrometheusBuild, prometheusBuilds } from '../support/real-tools';

/**
 * Every dashboard query on the realistic fixture (src/alerts/fixture.ts: three pods of RobustMQ
 * v0.4.11 with their real units and labels, cAdvisor, kube-state-metrics, the kubelet, and the
 * neighbours a selector must keep out), backfilled into a real Prometheus with its own
 * `promtool tsdb create-blocks-from openmetrics`, and evaluated as Grafana evaluates a panel: a
 * range query, with the variables set to All, to several values, and to one. No query may fail
 * or give NaN; a query whose metrics the fixture has must give data; percent panels stay within
 * their unit's range. Then the same on a total outage, where Cluster Health must read 0.
 */

jest.setTimeout(170_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const MINUTES = 60;
const STEP_S = 60;

function build(): { ctx: FixtureContext; dashboards: any[] } {
  const app = Testing.app();
  const cluster = new RobustMqCluster(new Chart(app, 'robustmq', { namespace: 'robustmq' }), 'cluster', { replicas: 3 });
  const mon = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  const monitor = new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster) });
  const dashboards = new GrafanaDashboards(mon, 'dashboards', { monitor, target: cluster });
  const ctx = robustMqAlertContext({ target: cluster, monitor }, {}, (field) => {
    throw new Error(field);
  });
  const models = Object.values(dashboards.dashboardJson()).map((text) => JSON.parse(text));
  return { ctx, dashboards: models.filter((d) => d.templating?.list?.[0]?.query === 'prometheus') };
}

/** A Prometheus serving `series` (one sample a minute from `startS`) from blocks built by its promtool. */
async function backfilled(b: PrometheusBuild, dir: string, series: readonly TestSeries[], startS: number): Promise<PrometheusServer> {
  createBlocks(b, dir, path.join(dir, 'prometheus', 'data'), series.map((x) => atSteps(parseTestSeries(x), startS, STEP_S)));
  const rules = path.join(dir, 'rules.yaml');
  fs.writeFileSync(rules, 'groups: []\n');
  return PrometheusServer.start(b.prometheus, path.join(dir, 'prometheus'), rules, []);
}

type QueryResult = { status: string; error?: string; result: any[] };

async function queryRange(p: PrometheusServer, expr: string, startS: number, endS: number): Promise<QueryResult> {
  const url = `${p.url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${startS}&end=${endS}&step=${STEP_S}`;
  const r = JSON.parse((await get(url)).body);
  return { status: r.status, error: r.error, result: r.data?.result ?? [] };
}

/** Grafana's rendering of a Prometheus variable: one value regex-escaped, several as (a|b), All as its allValue. */
function formatVariable(values: string[] | 'All'): string {
  if (values === 'All') return '.*';
  const escaped = values.map((v) => v.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&'));
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

function substitute(expr: string, vars: { [name: string]: string }): string {
  return expr
    .replace(/\$__rate_interval/g, '5m')
    .replace(/\$(cluster|namespace|pod)\b/g, (_m, name: string) => vars[name]);
}

/** Percent panels on their unit's scale. */
const UNIT_RANGE: { [unit: string]: [number, number] } = { percent: [0, 100], percentunit: [0, 1] };

interface Selection {
  readonly name: string;
  readonly vars: { [name: string]: string };
}

/** Every panel query of every Prometheus dashboard, for each selection: what went wrong. */
async function checkPanels(p: PrometheusServer, dashboards: any[], selections: Selection[], series: readonly TestSeries[],
  startS: number, endS: number) {
  // The metric names the fixture has for the pods a selection keeps (a series without a pod label counts for every selection).
  const presentFor = (sel: Selection) => new Set(series.filter((s) => {
    const pod = /\bpod="([^"]*)"/.exec(s.series)?.[1];
    return pod === undefined || new RegExp(`^(?:${sel.vars.pod.replace(/\\\\/g, '\\')})$`).test(pod);
  }).map((s) => s.series.slice(0, s.series.indexOf('{'))));
  const present = new Map(selections.map((sel) => [sel.name, presentFor(sel)]));
  const problems: string[] = [];
  let checked = 0;
  for (const d of dashboards) {
    for (const panel of allPanels(d)) {
      for (const t of panel.targets ?? []) {
        if (typeof t.expr !== 'string') continue;
        for (const sel of selections) {
          const needsData = selectedMetrics(t.expr).every((m) => present.get(sel.name)!.has(m)) && panel.title !== 'Firing RobustMQ Alerts';
          const where = `${d.uid} '${panel.title}' ${t.refId} (${sel.name})`;
          const r = await queryRange(p, substitute(t.expr, sel.vars), startS, endS);
          checked++;
          if (r.status !== 'success') {
            problems.push(`${where}: ${r.error}`);
            continue;
          }
          const values = r.result.flatMap((s: any) => s.values.map((v: [number, string]) => Number(v[1])));
          if (needsData && values.length === 0) problems.push(`${where}: no data although the fixture has ${selectedMetrics(t.expr).join(', ')}`);
          if (values.some((v: number) => Number.isNaN(v))) problems.push(`${where}: NaN`);
          const range = UNIT_RANGE[panel.fieldConfig?.defaults?.unit];
          const out = range ? values.filter((v: number) => v < range[0] || v > range[1]) : [];
          if (out.length > 0) problems.push(`${where}: ${out[0]} outside ${range![0]}..${range![1]} (${panel.fieldConfig.defaults.unit})`);
        }
      }
    }
  }
  return { problems, checked };
}

const { ctx, dashboards } = build();
const fixture = healthyFixture(ctx, MINUTES);
// Three hours back, on a whole minute: older than the head block, well inside the retention.
const START_S = Math.floor(Date.now() / 60_000) * 60 - 3 * 3600;
// Past the first rate windows; the last minute has samples of every series.
const RANGE: [number, number] = [START_S + 10 * STEP_S, START_S + MINUTES * STEP_S];
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each(prometheusBuilds().map((b) => [b.version, b] as const))('dashboards on the realistic fixture, Prometheus %s', (_version, b) => {
  test('every query of every panel, as a range query with the variables at All, at several values and at one: no error, no NaN, data where the fixture has the metrics, percents in range', async () => {
    const dir = tmpDir(`rmq-dash-fixture-${b.version}-`);
    dirs.push(dir);
    const prometheus = await backfilled(b, dir, fixture, START_S);
    try {
      const pods = ctx.podNames;
      const selections: Selection[] = [
        { name: 'All', vars: { cluster: formatVariable('All'), namespace: formatVariable('All'), pod: formatVariable('All') } },
        { name: 'two pods', vars: { cluster: formatVariable([ctx.clusterName]), namespace: formatVariable([ctx.namespace]), pod: formatVariable(pods.slice(0, 2)) } },
        { name: 'one pod', vars: { cluster: formatVariable([ctx.clusterName]), namespace: formatVariable([ctx.namespace]), pod: formatVariable([pods[2]]) } },
      ];
      // The variables' own queries find the fixture's values.
      const clusters = JSON.parse((await get(`${prometheus.url}/api/v1/label/${ctx.clusterLabel}/values?match[]=system_process_cpu_usage`)).body).data;
      expect(clusters).toEqual(expect.arrayContaining([ctx.clusterName]));
      const { problems, checked } = await checkPanels(prometheus, dashboards, selections, fixture, ...RANGE);
      expect(checked).toBeGreaterThan(300);
      expect(problems).toEqual([]);
    } finally {
      await prometheus.stop();
    }
  });

  test('a total outage: every target down, no RobustMQ series; Cluster Health reads 0, not "No data"', async () => {
    const dir = tmpDir(`rmq-dash-outage-${b.version}-`);
    dirs.push(dir);
    // What Prometheus records when no pod answers: `up` 0 for each target, nothing else of RobustMQ's.
    const outage = fixture
      .filter((s) => s.series.startsWith('up{') && s.series.includes(`job="${ctx.job}"`))
      .map((s) => ({ ...s, values: `0x${MINUTES}` }));
    expect(outage.length).toBeGreaterThanOrEqual(ctx.podNames.length);
    const prometheus = await backfilled(b, dir, outage, START_S);
    try {
      const overview = dashboards.find((d) => d.uid === 'robustmq-cluster-overview');
      const health = allPanels(overview).find((p) => p.title === 'Cluster Health');
      const vars = { cluster: formatVariable([ctx.clusterName]), namespace: formatVariable([ctx.namespace]), pod: formatVariable('All') };
      for (const t of health.targets) {
        const r = await queryRange(prometheus, substitute(t.expr, vars), ...RANGE);
        expect(r.status).toBe('success');
        const values = r.result.flatMap((s: any) => s.values.map((v: [number, string]) => Number(v[1])));
        expect(values.length).toBeGreaterThan(0);
        expect(new Set(values)).toEqual(new Set([0]));
      }
      // The threshold that colours it: 0 is red.
      expect(health.fieldConfig.defaults.thresholds.steps[0]).toMatchObject({ color: 'red' });
    } finally {
      await prometheus.stop();
    }
  });
});

describe('the expanding notation', () => {
  test('is promtool\'s', () => {
    expect(expandValues('0+10x3')).toEqual([0, 10, 20, 30]);
    expect(expandValues('5x2')).toEqual([5, 5, 5]);
    expect(expandValues('100-5x2')).toEqual([100, 95, 90]);
    expect(expandValues('1 _ 3 _x2 4')).toEqual([1, undefined, 3, undefined, undefined, 4]);
    expect(() => expandValues('1+')).toThrow(/cannot expand/);
  });
});

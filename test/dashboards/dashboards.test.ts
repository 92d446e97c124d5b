import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaDashboards, GrafanaDatasources, PanelKind } from '../../src';
import { RECORDED_METRICS } from '../../src/alerts/definitions';
import { main } from '../../src/cli';
import { allPanels, lintDashboard, substituteGrafanaVariables } from '../../src/dashboards/lint';
import { DASHBOARD_UIDS } from '../../src/dashboards/uids';
import { KnownMetrics } from '../../src/metrics/known';
import { promqlProblems } from '../../src/metrics/promql';
import { PROBE_SAMPLE_NAMES } from '../../src/probe/facts';
import { SLO_DASHBOARD_METRICS } from '../../src/slo/dashboard';
import { buildStack } from '../../src/stack';
import { tmpDir } from '../support/promtool';
import { refuse } from '../support/refuse';
import { validateAll } from '../support/schema';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const known = KnownMetrics.standard().with([...RECORDED_METRICS, ...SLO_DASHBOARD_METRICS, ...PROBE_SAMPLE_NAMES]);

function defaultObjects(): any[] {
  const app = Testing.app();
  buildStack(app);
  return app.charts.flatMap((c) => c.toJson());
}

function dashboardsOf(objs: any[]): any[] {
  return objs.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')
    .map((cm) => {
      const keys = Object.keys(cm.data);
      expect(keys).toHaveLength(1);
      return JSON.parse(cm.data[keys[0]]);
    });
}


/** A minimal valid user dashboard. */
function userDashboard(overrides: Record<string, unknown> = {}, panel: Record<string, unknown> = {}): any {
  return {
    uid: 'team-robustmq-extra',
    title: 'Team RobustMQ',
    templating: {
      list: [
        { type: 'datasource', name: 'datasource', query: 'prometheus' },
        { type: 'query', name: 'cluster', datasource: { type: 'prometheus', uid: '${datasource}' }, query: 'label_values(up, cluster)' },
      ],
    },
    panels: [{
      id: 1,
      type: 'timeseries',
      title: 'Connections',
      description: 'Open connections.',
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      datasource: { type: 'prometheus', uid: '${datasource}' },
      fieldConfig: { defaults: { unit: 'short' } },
      targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: 'sum(mqtt_connections_count{cluster=~"$cluster"})' }],
      ...panel,
    }],
    ...overrides,
  };
}

describe('default dashboards', () => {
  const objs = defaultObjects();
  const dashboards = dashboardsOf(objs);

  test('at least four dashboard ConfigMaps labelled grafana_dashboard: "1", with a folder, each holding one dashboard', () => {
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    expect(dashboards.map((d) => d.uid).sort()).toEqual(Object.values(DASHBOARD_UIDS).sort());
    for (const cm of objs.filter((o) => o.metadata.labels?.grafana_dashboard === '1')) {
      expect(cm.metadata.namespace).toBe('monitoring');
      expect(cm.metadata.annotations).toEqual({ grafana_folder: 'RobustMQ' });
    }
    validateAll(objs.filter((o) => o.kind === 'ConfigMap'));
  });

  test('every dashboard passes the dashboard-linter rules', () => {
    for (const d of dashboards) expect(lintDashboard(d, { known })).toEqual([]);
  });

  test("the seed's panel titles are present", () => {
    const titles = dashboards.flatMap((d) => allPanels(d).map((p) => p.title));
    for (const t of ['Cluster Health', 'Message Throughput', 'Active Connections', 'Message Latency P99', 'Connection Rate', 'Error Rate',
      'Raft Log Replication Latency', 'Storage Disk Usage']) {
      expect(titles).toContain(t);
    }
  });

  test('every PromQL parses and selects only catalog, recorded or declared metrics', () => {
    let count = 0;
    // The SLO dashboard filters by service and SLO, not namespace (test/slo/dashboard.test.ts).
    for (const d of dashboards.filter((x) => x.templating?.list?.[0]?.query === 'prometheus' && x.uid !== DASHBOARD_UIDS.slos)) {
      for (const p of allPanels(d)) {
        for (const t of p.targets ?? []) {
          count++;
          expect(promqlProblems(substituteGrafanaVariables(t.expr), known)).toEqual([]);
          expect(t.expr).toMatch(/\$namespace/);
        }
      }
      for (const v of d.templating.list.filter((x: any) => x.type === 'query')) {
        const q = v.query.replace(/^label_values\((.*), [a-z_]+\)$/, '$1');
        expect(promqlProblems(substituteGrafanaVariables(q), known)).toEqual([]);
      }
    }
    expect(count).toBeGreaterThan(50);
  });

  test('variables: one datasource, then cluster, namespace and pod (multi-value, include all)', () => {
    // The runbooks are text: no datasource, no variables.
    expect(dashboards.find((d) => d.uid === DASHBOARD_UIDS.runbooks).templating).toEqual({ list: [] });
    for (const d of dashboards.filter((x) => x.uid !== DASHBOARD_UIDS.runbooks && x.uid !== DASHBOARD_UIDS.slos)) {
      const vars = d.templating.list;
      expect(vars.map((v: any) => v.name)).toEqual(['datasource', 'cluster', 'namespace', 'pod']);
      for (const v of vars.slice(1)) expect(v).toMatchObject({ multi: true, includeAll: true });
    }
  });

  test('Cluster Health thresholds are red 0 / yellow 1 / green at the replica count', () => {
    const overview = dashboards.find((d) => d.uid === DASHBOARD_UIDS.overview);
    const health = allPanels(overview).find((p) => p.title === 'Cluster Health');
    expect(health.fieldConfig.defaults.thresholds.steps).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'yellow' }, { value: 3, color: 'green' }]);
    const app = Testing.app();
    buildStack(app, { replicas: 5 });
    const five = dashboardsOf(app.charts.flatMap((c) => c.toJson())).find((d) => d.uid === DASHBOARD_UIDS.overview);
    expect(allPanels(five).find((p) => p.title === 'Cluster Health').fieldConfig.defaults.thresholds.steps[2]).toEqual({ value: 5, color: 'green' });
  });

  test("latency and error panels draw the alerts' thresholds", () => {
    const broker = dashboards.find((d) => d.uid === DASHBOARD_UIDS.broker);
    const latency = allPanels(broker).find((p) => p.title === 'Message Latency P99');
    expect(latency.fieldConfig.defaults.unit).toBe('ms');
    expect(latency.fieldConfig.defaults.thresholds.steps).toContainEqual({ value: 1000, color: 'red' });
    expect(latency.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: 'line' });
    const errors = allPanels(broker).find((p) => p.title === 'Error Rate');
    expect(errors.fieldConfig.defaults.thresholds.steps).toEqual([{ value: null, color: 'green' }, { value: 0.01, color: 'yellow' }, { value: 0.05, color: 'red' }]);
  });

  test('the logs dashboard queries Elasticsearch with the log schema fields', () => {
    const logs = dashboards.find((d) => d.uid === DASHBOARD_UIDS.logs);
    expect(logs.templating.list[0]).toMatchObject({ type: 'datasource', query: 'elasticsearch' });
    const errors = allPanels(logs).find((p) => p.title === 'Errors by Component in the Last Hour');
    expect(errors.timeFrom).toBe('1h');
    expect(errors.targets[0].query).toMatch(/^level:ERROR AND robustmq_cluster:\$cluster/);
    expect(errors.targets[0].bucketAggs[0]).toMatchObject({ type: 'terms', field: 'target.keyword' });
    expect(allPanels(logs).map((p) => p.title)).toEqual(expect.arrayContaining(['Log Volume by Level', 'Recent Errors with Trace IDs']));
  });

  test('RobustMQ\'s numbers are read in their real units: centipercent /100, busy ratio in percent, cluster-wide counts by max()', () => {
    const panels = dashboards.filter((x) => x.templating?.list?.[0]?.query === 'prometheus').flatMap((d) => allPanels(d));
    const exprs = (p: any) => (p.targets ?? []).map((t: any) => t.expr as string);
    for (const p of panels) {
      for (const e of exprs(p)) {
        // The system_* gauges are centipercent of the node (0 to 10000).
        if (/system_(process_)?(cpu|memory)_usage\{/.test(e) && !/ and on /.test(e)) {
          expect(e).toMatch(/\/ 100$/);
          expect(p.fieldConfig.defaults).toMatchObject({ unit: 'percent', max: 100 });
          expect(p.description).toMatch(/share of the node/);
        }
        // Per-node views of cluster-wide caches: never summed over pods.
        for (const m of ['mqtt_topics_count', 'mqtt_sessions_count', 'mqtt_subscribers_count', 'mqtt_subscriptions_shared_count']) {
          if (e.includes(m)) expect(e).toMatch(new RegExp(`^max\\(${m}\\{`));
        }
        // The _total-named gauges only grow: shown as rates.
        for (const m of ['handler_requests_total', 'handler_slow_requests_total', 'handler_timeout_total', 'write_timeout_total']) {
          if (e.includes(`${m}{`)) expect(e).toMatch(new RegExp(`rate\\(${m}\\{`));
        }
        // A rate panel has a per-second unit.
        // (A heatmap's buckets are rates too, but its unit is that of the bucket bounds.)
        if (/^sum( by \([^)]*\) )?\(rate\(/.test(e) && !e.includes(' / ') && p.type !== 'heatmap') expect(p.fieldConfig.defaults.unit).toMatch(/^(reqps|pps|ops|cps|Bps)$/);
      }
    }
    const busy = panels.find((p) => p.title === 'Runtime Busy Ratio');
    expect(busy.fieldConfig.defaults).toMatchObject({ unit: 'percent', min: 0, max: 100 });
    const health = panels.find((p) => p.title === 'Cluster Health');
    expect(health.targets[0].expr).toMatch(/ or vector\(0\)$/);
    const disk = panels.find((p) => p.title === 'Storage Disk Usage');
    expect(disk.type).toBe('gauge');
    expect(disk.targets[0].expr).toMatch(/^1 - kubelet_volume_stats_available_bytes\{/);
    const broker = dashboards.find((d) => d.uid === DASHBOARD_UIDS.broker);
    const errorRate = allPanels(broker).find((p) => p.title === 'Error Rate');
    expect(errorRate.type).toBe('stat');
    // Undecodable frames are not part of mqtt_packets_received_total: the whole is received + errors.
    expect(errorRate.targets[0].expr).toMatch(/^\(sum\(rate\(mqtt_packets_received_error_total\{.*\/ \(sum\(rate\(mqtt_packets_received_total\{.* \+ \(sum/);
  });

  test('every alert links to one of these dashboards', () => {
    const rule = objs.find((o) => o.kind === 'PrometheusRule');
    const uids = new Set(dashboards.map((d) => d.uid));
    for (const g of rule.spec.groups) {
      for (const r of g.rules.filter((x: any) => x.alert)) {
        expect(uids.has(/\/d\/([^?]+)/.exec(r.annotations.dashboard_url)![1])).toBe(true);
      }
    }
  });

  test('the dashboards cover every row of the upstream broker dashboard', () => {
    const rows = dashboards.flatMap((d) => allPanels(d).filter((p) => p.type === 'row').map((p) => p.title));
    for (const r of ['Resources', 'System', 'Tokio Runtimes', 'Network Handlers', 'MQTT', 'Raft', 'Storage', 'gRPC', 'HTTP Admin', 'Delay Messages', 'Connectors']) {
      expect(rows).toContain(r);
    }
  });
});

describe('datasources', () => {
  test('one ConfigMap labelled grafana_datasource: "1" with Prometheus, Elasticsearch and Jaeger, linked both ways', () => {
    const objs = defaultObjects();
    const cm = objs.find((o) => o.metadata.labels?.grafana_datasource === '1');
    expect(cm.metadata.namespace).toBe('monitoring');
    const file = YAML.parse(cm.data['robustmq-datasources.yaml']);
    expect(file.apiVersion).toBe(1);
    const byType = Object.fromEntries(file.datasources.map((d: any) => [d.type, d]));
    expect(byType.prometheus.uid).toBe('robustmq-prometheus');
    expect(byType.elasticsearch).toMatchObject({ uid: 'robustmq-elasticsearch', jsonData: { index: 'robustmq-logs', timeField: '@timestamp' } });
    // '$$' survives Grafana's environment-variable expansion of provisioning files as a literal '$'.
    expect(byType.elasticsearch.jsonData.dataLinks).toEqual([{ field: 'trace_id', url: '$${__value.raw}', datasourceUid: 'robustmq-jaeger' }]);
    expect(byType.jaeger.jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: 'robustmq-elasticsearch', customQuery: true, query: 'trace_id:"$${__trace.traceId}"' });
  });

  test('the Prometheus datasource can be turned off and its uid changed', () => {
    const chart = new Chart(Testing.app(), 'g', { namespace: 'grafana' });
    new GrafanaDatasources(chart, 'off', { prometheus: false });
    const chart2 = new Chart(Testing.app(), 'g', { namespace: 'grafana' });
    new GrafanaDatasources(chart2, 'uid', { prometheusUid: 'kps-prom', prometheusUrl: 'http://kps-prometheus.monitoring.svc:9090' });
    const off = YAML.parse(Testing.synth(chart)[0].data['robustmq-datasources.yaml']);
    expect(off.datasources.map((d: any) => d.type)).toEqual(['elasticsearch', 'jaeger']);
    const other = YAML.parse(Testing.synth(chart2)[0].data['robustmq-datasources.yaml']);
    expect(other.datasources[0]).toMatchObject({ uid: 'kps-prom', url: 'http://kps-prometheus.monitoring.svc:9090' });
  });

  test('refuses bad URLs, index names and an empty set', () => {
    const chart = () => new Chart(Testing.app(), 'g', { namespace: 'grafana' });
    // The one Elasticsearch URL rule (the datasource's own http(s) check is gone).
    refuse(() => new GrafanaDatasources(chart(), 'd', { elasticsearchUrl: 'ftp://es' }), /elasticsearchUrl 'ftp:\/\/es' must be an http:\/\/ or https:\/\/ URL/);
    refuse(() => new GrafanaDatasources(chart(), 'd', { prometheusUrl: 'ftp://p' }), /prometheusUrl 'ftp:\/\/p' must be an http\(s\) URL/);
    refuse(() => new GrafanaDatasources(chart(), 'd', { elasticsearchIndex: 'Logs' }), /elasticsearchIndex 'Logs' must be an Elasticsearch index name/);
    refuse(() => new GrafanaDatasources(chart(), 'd', { prometheus: false, elasticsearch: false, jaeger: false }), /must provision at least one datasource/);
  });
});

describe('user dashboards', () => {
  function grafana(): { chart: Chart; dashboards: GrafanaDashboards } {
    const chart = new Chart(Testing.app(), 'g', { namespace: 'grafana' });
    return { chart, dashboards: new GrafanaDashboards(chart, 'dash', { robustMqDashboards: false, logsDashboard: false, runbooksDashboard: false, sloDashboard: false }) };
  }

  test('a valid JSON dashboard and a spec dashboard are accepted, with the same checks', () => {
    const { chart, dashboards } = grafana();
    dashboards.addDashboardJson(JSON.stringify(userDashboard()));
    dashboards.addDashboard({
      uid: 'team-robustmq-spec',
      title: 'Team spec',
      rows: [{
        title: 'Traffic',
        panels: [
          {
            title: 'Publishes',
            description: 'PUBLISH packets per second.',
            unit: 'pps',
            queries: [{ expr: 'sum(rate(mqtt_packets_publish_received_total{cluster=~"$cluster", namespace=~"$namespace", pod=~"$pod"}[$__rate_interval]))' }],
          },
          {
            title: 'Up',
            description: 'Nodes up.',
            unit: 'none',
            kind: PanelKind.STAT,
            queries: [{ expr: 'sum(up{cluster=~"$cluster", namespace=~"$namespace", pod=~"$pod"})' }],
          },
        ],
      }],
    });
    const objs = Testing.synth(chart);
    expect(objs.map((o) => o.metadata.name).sort()).toEqual(['grafana-dashboard-team-robustmq-extra', 'grafana-dashboard-team-robustmq-spec']);
  });

  const cases: Array<[string, any, RegExp]> = [
    ['a hard-coded datasource uid', userDashboard({}, { datasource: { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' } }),
      /panel 'Connections' uses the hard-coded datasource uid 'P1809F7CD0C75ACF3': use the \$\{datasource\} variable/],
    ['no datasource variable', userDashboard({ templating: { list: [] } }), /must have exactly one datasource template variable, has 0/],
    ['two datasource variables', userDashboard({ templating: { list: [{ type: 'datasource', name: 'a', query: 'prometheus' }, { type: 'datasource', name: 'b', query: 'prometheus' }] } }),
      /exactly one datasource template variable, has 2/],
    ['a rate without $__rate_interval', userDashboard({}, { targets: [{ refId: 'A', datasource: { uid: '${datasource}' }, expr: 'sum(rate(mqtt_packets_received_total{cluster=~"$cluster"}[5m]))' }] }),
      /uses rate\(\) over \[5m\]: use \[\$__rate_interval\]/],
    ['an unknown metric', userDashboard({}, { targets: [{ refId: 'A', datasource: { uid: '${datasource}' }, expr: 'sum(robustmq_connections{cluster=~"$cluster"})' }] }),
      /unknown metric 'robustmq_connections'/],
    ['a query that ignores a variable', userDashboard({}, { targets: [{ refId: 'A', datasource: { uid: '${datasource}' }, expr: 'sum(mqtt_connections_count)' }] }),
      /must filter on the variable \$cluster/],
    ['a missing description and unit', userDashboard({}, { description: '', fieldConfig: { defaults: {} } }), /must have a description.*must have a unit/],
    ['a panel outside the grid', userDashboard({}, { gridPos: { x: 20, y: 0, w: 8, h: 8 } }), /must lie inside the 24-column grid/],
    ['invalid PromQL', userDashboard({}, { targets: [{ refId: 'A', datasource: { uid: '${datasource}' }, expr: 'sum(mqtt_connections_count{cluster=~"$cluster"}' }] }),
      /syntax error/],
  ];
  test.each(cases)('refuses %s at synth time', (_name, json, message) => {
    const { chart, dashboards } = grafana();
    dashboards.addDashboardJson(JSON.stringify(json));
    refuse(() => Testing.synth(chart), new RegExp(`^GrafanaDashboards 'g/dash': dashboard '[^']+' '[^']+' breaks the dashboard rules: .*${message.source}`));
  });

  test('overlapping panels and duplicate panel ids are refused', () => {
    const json = userDashboard();
    json.panels.push({ ...json.panels[0], title: 'Twin', gridPos: { x: 6, y: 4, w: 12, h: 8 } });
    const { chart, dashboards } = grafana();
    dashboards.addDashboardJson(JSON.stringify(json));
    refuse(() => Testing.synth(chart), /panel 'Twin' has id 1, already used by panel 'Connections'.*panel 'Twin' overlaps panel 'Connections'/);
  });

  test('a duplicate uid is refused, in one construct and in one namespace across the app', () => {
    const { dashboards } = grafana();
    dashboards.addDashboardJson(JSON.stringify(userDashboard()));
    refuse(() => dashboards.addDashboardJson(JSON.stringify(userDashboard())), /uid 'team-robustmq-extra' must be unique: dashboard 'Team RobustMQ' already has it/);
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'grafana' });
    new GrafanaDashboards(a, 'one');
    // One Grafana's sidecar reads one namespace: the same uid twice there would overwrite a dashboard.
    refuse(() => new GrafanaDashboards(a, 'two'),
      /uid 'robustmq-cluster-overview' must not make ConfigMap 'grafana-dashboard-robustmq-cluster-overview' in namespace 'grafana' again: 'a\/one' makes it already/);
    const b = new Chart(Testing.app(), 'b', { namespace: 'grafana' });
    new GrafanaDashboards(b, 'one');
    new GrafanaDashboards(b, 'other', { namespace: 'grafana-2' });
    expect(() => Testing.synth(b)).not.toThrow();
  });

  test('size guard: over 1 MiB refused, over 256 KiB warned with server-side apply', () => {
    const big = (bytes: number) => {
      const json = userDashboard();
      json.description = 'x'.repeat(bytes);
      return json;
    };
    const { chart, dashboards } = grafana();
    dashboards.addDashboardJson(JSON.stringify(big(300 * 1024)));
    Testing.synth(chart);
    const warnings = dashboards.node.metadata.filter((m) => m.type === 'robustmq-observability:warning').map((m) => m.data);
    expect(warnings).toEqual([expect.stringMatching(/client-side 'kubectl apply' fails above 256 KiB .* 'kubectl apply --server-side'/)]);
    const g2 = grafana();
    g2.dashboards.addDashboardJson(JSON.stringify(big(1100 * 1024)));
    refuse(() => Testing.synth(g2.chart), /must fit in a ConfigMap: Kubernetes refuses objects over 1 MiB/);
  });

  test('malformed JSON and a short uid are refused', () => {
    const { dashboards } = grafana();
    refuse(() => dashboards.addDashboardJson(JSON.stringify(userDashboard({ uid: 'short' }))), /^GrafanaDashboards 'g\/dash': uid 'short' must be 8 to 40 letters/);
    refuse(() => dashboards.addDashboardJson('{not json'), /dashboard JSON '\{not json' must be valid JSON/);
    refuse(() => dashboards.addDashboardJson('[1]'), /must be a JSON object/);
    // The JSON text, the same in every language: an object from JavaScript is named, not guessed at.
    refuse(() => dashboards.addDashboardJson(userDashboard() as any), /dashboard JSON '\{"uid":.*' must be the JSON text of a dashboard \(JSON.stringify an object first\)/);
  });
});

describe('CLI', () => {
  function run(args: string[]) {
    let err = '';
    const status = main(args, { stdout: () => undefined, stderr: (t) => { err += t; } });
    return { status, err };
  }

  test('--grafana-namespace and --grafana-folder; --no-dashboards and --no-datasources', () => {
    const dir = tmpDir('rmq-dash-');
    expect(run(['synth', '--out', dir, '--grafana-namespace', 'grafana', '--grafana-folder', 'Messaging']).status).toBe(0);
    const read = (d: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(d, 'robustmq-observability.k8s.yaml'), 'utf8')).map((x) => x.toJSON());
    const objs = read(dir).filter((o) => o.metadata.name.startsWith('grafana-'));
    expect(objs).toHaveLength(7);
    expect(objs.every((o) => o.metadata.namespace === 'grafana')).toBe(true);
    expect(objs.filter((o) => o.metadata.annotations?.grafana_folder === 'Messaging')).toHaveLength(6);
    const none = tmpDir('rmq-dash-');
    expect(run(['synth', '--out', none, '--no-dashboards', '--no-datasources']).status).toBe(0);
    expect(read(none).filter((o) => o.metadata.name.startsWith('grafana-'))).toEqual([]);
    const dsOnly = tmpDir('rmq-dash-');
    expect(run(['synth', '--out', dsOnly, '--no-dashboards']).status).toBe(0);
    expect(read(dsOnly).filter((o) => o.metadata.name.startsWith('grafana-')).map((o) => o.metadata.name)).toEqual(['grafana-datasources-robustmq']);
  });

  test.each([
    [['--grafana-namespace', 'Grafana'], /--grafana-namespace 'Grafana' must be a DNS-1123 label/],
    [['--grafana-folder', 'a/b'], /--grafana-folder 'a\/b' must be a folder name/],
  ])('%j exits 2', (args, message) => {
    const r = run(['synth', '--out', path.join(tmpDir('rmq-dash-'), 'x'), ...args]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
  });
});

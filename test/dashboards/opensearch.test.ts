import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaDatasources } from '../../src';
import { LOG_DATASOURCE_TYPES, OPENSEARCH_DATASOURCE_VERSION } from '../../src/dashboards/grafana-datasources';
import { allPanels } from '../../src/dashboards/lint';
import { renderLogsDashboard } from '../../src/dashboards/logs-dashboard';
import { DASHBOARD_UIDS } from '../../src/dashboards/uids';
import { ElasticsearchConnection, SearchEngine } from '../../src/elasticsearch/connection';
import { buildStack } from '../../src/stack';
import { validateAll } from '../support/schema';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const OS_URL = 'https://opensearch.logging.svc:9200';

function datasourcesFile(connection?: ElasticsearchConnection, props = {}): any {
  const chart = new Chart(Testing.app(), 'g', { namespace: 'grafana' });
  new GrafanaDatasources(chart, 'ds', { elasticsearchConnection: connection, elasticsearchIndex: 'robustmq-logs-*', ...props });
  return YAML.parse(Testing.synth(chart)[0].data['robustmq-datasources.yaml']);
}

/** Every datasource reference in a dashboard: panels, targets, variables. */
function datasourceRefs(d: any): Array<{ type: string; uid: string }> {
  const refs: any[] = [];
  for (const p of allPanels(d)) {
    if (p.datasource) refs.push(p.datasource);
    for (const t of p.targets ?? []) if (t.datasource) refs.push(t.datasource);
  }
  for (const v of d.templating.list) if (v.datasource) refs.push(v.datasource);
  return refs;
}

describe('Grafana\'s OpenSearch datasource for an OpenSearch connection', () => {
  const file = datasourcesFile(ElasticsearchConnection.fromUrl(OS_URL, { engine: SearchEngine.OPENSEARCH }));
  const logs = file.datasources.find((d: any) => d.name === 'RobustMQ Logs');

  test('the plugin grafana-opensearch-datasource with its own provisioning keys (database, flavor, version, pplEnabled)', () => {
    expect(logs).toEqual({
      name: 'RobustMQ Logs',
      type: 'grafana-opensearch-datasource',
      uid: 'robustmq-opensearch',
      access: 'proxy',
      url: OS_URL,
      editable: false,
      jsonData: {
        database: 'robustmq-logs-*',
        flavor: 'opensearch',
        version: OPENSEARCH_DATASOURCE_VERSION,
        timeField: '@timestamp',
        logMessageField: 'message',
        logLevelField: 'level',
        maxConcurrentShardRequests: 5,
        pplEnabled: true,
        dataLinks: [{ field: 'trace_id', url: '$${__value.raw}', datasourceUid: 'robustmq-jaeger' }],
      },
    });
    // `index` is the Elasticsearch datasource's key; the OpenSearch plugin reads `database`
    expect(logs.jsonData).not.toHaveProperty('index');
  });

  test('Jaeger\'s trace-to-logs points at the OpenSearch datasource', () => {
    const jaeger = file.datasources.find((d: any) => d.type === 'jaeger');
    expect(jaeger.jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: 'robustmq-opensearch', query: 'trace_id:"$${__trace.traceId}"' });
  });

  test('an Elasticsearch connection keeps the Elasticsearch datasource', () => {
    const es = datasourcesFile(ElasticsearchConnection.fromUrl(OS_URL)).datasources.find((d: any) => d.name === 'RobustMQ Logs');
    expect(es).toMatchObject({ type: 'elasticsearch', uid: 'robustmq-elasticsearch', jsonData: { index: 'robustmq-logs-*' } });
    expect(es.jsonData).not.toHaveProperty('flavor');
  });
});

describe('the logs dashboard on the OpenSearch datasource', () => {
  const os = renderLogsDashboard(SearchEngine.OPENSEARCH);
  const es = renderLogsDashboard(SearchEngine.ELASTICSEARCH);

  test('every datasource reference and the datasource variable are of the OpenSearch plugin\'s type', () => {
    const refs = datasourceRefs(os);
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) expect(r).toEqual({ type: LOG_DATASOURCE_TYPES[SearchEngine.OPENSEARCH], uid: '${datasource}' });
    expect(os.templating.list[0]).toMatchObject({ type: 'datasource', query: 'grafana-opensearch-datasource', label: 'OpenSearch' });
    expect(os.uid).toBe(DASHBOARD_UIDS.logs);
  });

  test('the same query model as on Elasticsearch, with queryType lucene and the Lucene query type of each target', () => {
    const osPanels = allPanels(os).filter((p) => p.targets);
    const esPanels = allPanels(es).filter((p) => p.targets);
    expect(osPanels.map((p) => p.title)).toEqual(esPanels.map((p) => p.title));
    osPanels.forEach((p, i) => {
      const t = p.targets[0];
      const e = esPanels[i].targets[0];
      expect(t.queryType).toBe('lucene');
      expect(t.luceneQueryType).toBe(t.metrics[0].type === 'logs' ? 'Logs' : 'Metric');
      const { queryType, luceneQueryType, datasource, ...rest } = t;
      const { datasource: _, ...esRest } = e;
      expect(rest).toEqual(esRest);
    });
    expect(osPanels.filter((p) => p.targets[0].luceneQueryType === 'Logs').map((p) => p.type)).toEqual(['logs', 'logs']);
    // the variables' {"find": "terms"} queries are the same
    expect(os.templating.list.slice(1).map((v: any) => v.query)).toEqual(es.templating.list.slice(1).map((v: any) => v.query));
  });

  test('the Elasticsearch dashboard carries no OpenSearch keys', () => {
    for (const p of allPanels(es)) for (const t of p.targets ?? []) expect(t).not.toHaveProperty('luceneQueryType');
  });
});

describe('an OpenSearch stack (--log-backend opensearch)', () => {
  const app = Testing.app();
  const { observability } = buildStack(app, { logBackend: SearchEngine.OPENSEARCH, elasticsearchSecret: 'os-credentials', elasticsearchDailyIndices: true });
  const objs = app.charts.flatMap((c) => c.toJson());

  test('every object validates against its schema', () => {
    expect(() => validateAll(objs)).not.toThrow();
  });

  test('Fluent Bit ships with the opensearch output; the installer installs the ISM policy and the template', () => {
    const fb = observability.fluentBit!;
    expect(fb.searchEngine).toBe(SearchEngine.OPENSEARCH);
    expect(fb.configText).toMatch(/^ {4}- name: opensearch$/m);
    expect(fb.ilmPolicyJson).toBeUndefined();
    expect(fb.retentionPolicyPath).toBe('_plugins/_ism/policies/robustmq-logs-retention');
    const files = objs.find((o) => o.kind === 'ConfigMap' && o.data?.['install.sh']);
    expect(files.data['install.sh']).toContain('_plugins/_ism/policies/$POLICY_NAME');
    expect(files.data['install.sh']).toContain('if_seq_no=$seq&if_primary_term=$term');
    expect(files.data['install.sh']).not.toContain('_ilm');
    expect(JSON.parse(files.data['policy.json'])).toEqual(JSON.parse(fb.retentionPolicyJson!));
    expect(JSON.parse(files.data['template.json'])).toEqual(JSON.parse(fb.indexTemplateJson));
    const job = objs.find((o) => o.kind === 'Job').spec.template.spec;
    const env = Object.fromEntries(job.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.ES_PASSWORD).toEqual({ secretKeyRef: { name: 'os-credentials', key: 'password' } });
    expect(job.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
  });

  test('the datasource and the logs dashboard are OpenSearch\'s', () => {
    const ds = YAML.parse(objs.find((o) => o.metadata.labels?.grafana_datasource === '1').data['robustmq-datasources.yaml']);
    expect(ds.datasources.map((d: any) => d.type)).toEqual(['prometheus', 'grafana-opensearch-datasource', 'jaeger']);
    const logs = objs.filter((o) => o.metadata.labels?.grafana_dashboard === '1')
      .map((cm) => JSON.parse(Object.values(cm.data)[0] as string)).find((d) => d.uid === DASHBOARD_UIDS.logs);
    expect(logs.templating.list[0].query).toBe('grafana-opensearch-datasource');
  });
});

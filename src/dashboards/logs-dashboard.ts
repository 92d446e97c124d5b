import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsBuilder } from '@grafana/grafana-foundation-sdk/logs';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { LOG_DATASOURCE_TYPES } from './grafana-datasources';
import { DASHBOARD_TAG, GridLayout, dashboardLinks, datasourceRef } from './render';
import { DASHBOARD_UIDS, DASHBOARD_VARIABLES } from './uids';
import { SearchEngine } from '../elasticsearch/connection';
import { LOG_FIELDS, keywordField } from '../logging/schema';

/**
 * RobustMQ Logs: the log records Fluent Bit ships to Elasticsearch, on the Elasticsearch
 * datasource, with field names from the log schema. For OpenSearch the same queries run on the
 * OpenSearch plugin's datasource: it takes the Elasticsearch query model unchanged (Lucene
 * `query`, `metrics` of type `logs`/`count`, `bucketAggs` `terms`/`date_histogram`; its backend
 * dispatches on `metrics[0].type`, grafana/opensearch-datasource pkg/opensearch/lucene_handler.go:119-126,
 * and `queryType` defaults to `lucene`, query_request.go:83) and the same `{"find": "terms"}`
 * variable queries (src/opensearchDatasource.ts:884-893). Its targets also name their
 * `queryType` and `luceneQueryType` (src/types.ts OpenSearchQuery), which its query editor
 * otherwise takes for a metric query (LuceneQueryEditor.tsx:19).
 */

function built<T>(value: T): { build: () => T } {
  return { build: () => value };
}

/** The Lucene filter every logs query applies: the selected cluster, namespace and pods. */
export function logsVariableFilter(): string {
  return [
    `${LOG_FIELDS.cluster}:$${DASHBOARD_VARIABLES.cluster}`,
    `${LOG_FIELDS.namespace}:$${DASHBOARD_VARIABLES.namespace}`,
    `${LOG_FIELDS.pod}:$${DASHBOARD_VARIABLES.pod}`,
  ].join(' AND ');
}

/** The Lucene query for ERROR records of the selected pods. */
export function errorsQuery(): string {
  return `${LOG_FIELDS.level}:ERROR AND ${logsVariableFilter()}`;
}

type Metric = { readonly type: string; readonly [key: string]: unknown };

function esTarget(engine: SearchEngine, refId: string, query: string, metrics: Metric[], bucketAggs: object[]): { build: () => any } {
  const target: Record<string, unknown> = {
    refId,
    datasource: datasourceRef(LOG_DATASOURCE_TYPES[engine]),
    query,
    timeField: LOG_FIELDS.time,
    metrics,
    bucketAggs,
  };
  if (engine === SearchEngine.OPENSEARCH) {
    target.queryType = 'lucene';
    target.luceneQueryType = metrics[0].type === 'logs' ? 'Logs' : 'Metric';
  }
  return built(target);
}

function termsVariable(engine: SearchEngine, name: string, label: string, field: string, depends: string): dashboard.VariableModel {
  const query = `{"find": "terms", "field": "${field}", "query": "${depends.replace(/"/g, '\\"')}"}`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasourceRef(LOG_DATASOURCE_TYPES[engine]))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('*')
    .current({ text: 'All', value: '$__all' })
    .build();
}

/** The logs dashboard as Grafana JSON, on the datasource plugin of the engine the logs are in. */
export function renderLogsDashboard(engine: SearchEngine = SearchEngine.ELASTICSEARCH): Record<string, any> {
  const ds = datasourceRef(LOG_DATASOURCE_TYPES[engine]);
  const layout = new GridLayout();
  let id = 1;
  const row = (title: string) => new dashboard.RowBuilder(title).id(id++).gridPos(layout.row()).collapsed(false).build();
  const panels: any[] = [];

  panels.push(row('Errors'));
  panels.push(new TableBuilder()
    .id(id++)
    .gridPos(layout.panel(8, 9))
    .title('Errors by Component in the Last Hour')
    .description('ERROR records of the last hour, counted by the Rust module that logged them (the component).')
    .unit('short')
    .datasource(ds)
    .timeFrom('1h')
    .withTarget(esTarget(engine, 'A', errorsQuery(),
      [{ id: '1', type: 'count' }],
      [{ id: '2', type: 'terms', field: keywordField('component'), settings: { size: '20', order: 'desc', orderBy: '_count', min_doc_count: '1' } }]))
    .build());
  panels.push(new TimeseriesBuilder()
    .id(id++)
    .gridPos(layout.panel(16, 9))
    .title('Log Volume by Level')
    .description('Log records per interval, by level.')
    .unit('short')
    .datasource(ds)
    .stacking(built({ mode: 'normal', group: 'A' }) as any)
    .withTarget(esTarget(engine, 'A', logsVariableFilter(),
      [{ id: '1', type: 'count' }],
      [
        { id: '2', type: 'terms', field: keywordField('level'), settings: { size: '10', order: 'desc', orderBy: '_count', min_doc_count: '1' } },
        { id: '3', type: 'date_histogram', field: LOG_FIELDS.time, settings: { interval: 'auto' } },
      ]))
    .build());

  panels.push(row('Records'));
  panels.push(new LogsBuilder()
    .id(id++)
    .gridPos(layout.panel(24, 12))
    .title('Recent Errors with Trace IDs')
    .unit('none')
    .description(`The latest ERROR records; open one to see its ${LOG_FIELDS.traceId}, which links to the trace in Jaeger when the record was logged inside a span.`)
    .datasource(ds)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .withTarget(esTarget(engine, 'A', errorsQuery(), [{ id: '1', type: 'logs', settings: { limit: '200' } }], []))
    .build());
  panels.push(new LogsBuilder()
    .id(id++)
    .gridPos(layout.panel(24, 12))
    .title('All Records')
    .unit('none')
    .description('Every record of the selected pods, newest first.')
    .datasource(ds)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .withTarget(esTarget(engine, 'A', logsVariableFilter(), [{ id: '1', type: 'logs', settings: { limit: '500' } }], []))
    .build());

  const builder = new dashboard.DashboardBuilder('RobustMQ Logs')
    .uid(DASHBOARD_UIDS.logs)
    .description(`RobustMQ log records in ${engine === SearchEngine.OPENSEARCH ? 'OpenSearch' : 'Elasticsearch'}, shipped by Fluent Bit.`)
    .tags([DASHBOARD_TAG, 'logs'])
    .editable()
    .refresh('1m')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .links(dashboardLinks());
  builder.withVariable(built(new dashboard.DatasourceVariableBuilder(DASHBOARD_VARIABLES.datasource)
    .label(engine === SearchEngine.OPENSEARCH ? 'OpenSearch' : 'Elasticsearch').type(LOG_DATASOURCE_TYPES[engine]).build()));
  builder.withVariable(built(termsVariable(engine, DASHBOARD_VARIABLES.cluster, 'Cluster', keywordField('cluster'), '*')));
  builder.withVariable(built(termsVariable(engine, DASHBOARD_VARIABLES.namespace, 'Namespace', keywordField('namespace'), `${LOG_FIELDS.cluster}:$cluster`)));
  builder.withVariable(built(termsVariable(engine, DASHBOARD_VARIABLES.pod, 'Pod', keywordField('pod'),
    `${LOG_FIELDS.cluster}:$cluster AND ${LOG_FIELDS.namespace}:$namespace`)));
  const json: Record<string, any> = JSON.parse(JSON.stringify(builder.build()));
  json.panels = JSON.parse(JSON.stringify(panels));
  return json;
}

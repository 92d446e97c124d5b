import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsBuilder } from '@grafana/grafana-foundation-sdk/logs';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_TAG, GridLayout, dashboardLinks, datasourceRef } from './render';
import { DASHBOARD_UIDS, DASHBOARD_VARIABLES } from './uids';
import { LOG_FIELDS, keywordField } from '../logging/schema';

/**
 * RobustMQ Logs: the log records Fluent Bit ships to Elasticsearch, on the Elasticsearch
 * datasource, with field names from the log schema.
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

function esTarget(refId: string, query: string, metrics: object[], bucketAggs: object[]): { build: () => any } {
  return built({
    refId,
    datasource: datasourceRef('elasticsearch'),
    query,
    timeField: LOG_FIELDS.time,
    metrics,
    bucketAggs,
  });
}

function termsVariable(name: string, label: string, field: string, depends: string): dashboard.VariableModel {
  const query = `{"find": "terms", "field": "${field}", "query": "${depends.replace(/"/g, '\\"')}"}`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasourceRef('elasticsearch'))
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

/** The logs dashboard as Grafana JSON. */
export function renderLogsDashboard(): Record<string, any> {
  const ds = datasourceRef('elasticsearch');
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
    .withTarget(esTarget('A', errorsQuery(),
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
    .withTarget(esTarget('A', logsVariableFilter(),
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
    .withTarget(esTarget('A', errorsQuery(), [{ id: '1', type: 'logs', settings: { limit: '200' } }], []))
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
    .withTarget(esTarget('A', logsVariableFilter(), [{ id: '1', type: 'logs', settings: { limit: '500' } }], []))
    .build());

  const builder = new dashboard.DashboardBuilder('RobustMQ Logs')
    .uid(DASHBOARD_UIDS.logs)
    .description('RobustMQ log records in Elasticsearch, shipped by Fluent Bit.')
    .tags([DASHBOARD_TAG, 'logs'])
    .editable()
    .refresh('1m')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .links(dashboardLinks());
  builder.withVariable(built(new dashboard.DatasourceVariableBuilder(DASHBOARD_VARIABLES.datasource).label('Elasticsearch').type('elasticsearch').build()));
  builder.withVariable(built(termsVariable(DASHBOARD_VARIABLES.cluster, 'Cluster', keywordField('cluster'), '*')));
  builder.withVariable(built(termsVariable(DASHBOARD_VARIABLES.namespace, 'Namespace', keywordField('namespace'), `${LOG_FIELDS.cluster}:$cluster`)));
  builder.withVariable(built(termsVariable(DASHBOARD_VARIABLES.pod, 'Pod', keywordField('pod'),
    `${LOG_FIELDS.cluster}:$cluster AND ${LOG_FIELDS.namespace}:$namespace`)));
  const json: Record<string, any> = JSON.parse(JSON.stringify(builder.build()));
  json.panels = JSON.parse(JSON.stringify(panels));
  return json;
}

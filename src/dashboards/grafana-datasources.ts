import { Chart, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_ELASTICSEARCH_URL, ElasticsearchConnection, SearchEngine } from '../elasticsearch/connection';
import { DEFAULT_LOG_INDEX, LOG_FIELDS } from '../logging/schema';
import * as checks from '../validation/checks';
import { elasticsearchIndex, elasticsearchUrl } from '../validation/elasticsearch';
import { check, invalid } from '../validation/errors';
import { claimObjectName } from '../validation/names';

const KIND = 'GrafanaDatasources';
const DATASOURCES_CONFIGMAP = 'grafana-datasources-robustmq';

/** Stable uids of the provisioned datasources; dashboards and links refer to them. */
export const DATASOURCE_UIDS = {
  prometheus: 'robustmq-prometheus',
  elasticsearch: 'robustmq-elasticsearch',
  opensearch: 'robustmq-opensearch',
  jaeger: 'robustmq-jaeger',
} as const;

/** Grafana's datasource plugin of each search engine (the OpenSearch one is installed separately). */
export const LOG_DATASOURCE_TYPES: { readonly [engine in SearchEngine]: string } = {
  [SearchEngine.ELASTICSEARCH]: 'elasticsearch',
  [SearchEngine.OPENSEARCH]: 'grafana-opensearch-datasource',
};

/**
 * The OpenSearch version the OpenSearch datasource is told (`jsonData.version`): the lowest this
 * library targets (`flat_object` needs 2.7). The plugin composes OpenSearch queries the same way
 * for every version (opensearch-datasource pkg/opensearch/client/client.go:473-487 and 496, and
 * search_request.go:115-138 branch on the version for Elasticsearch only).
 */
export const OPENSEARCH_DATASOURCE_VERSION = '2.7.0';

/** The defaults the datasources point at: the stack's own services. */
export const DEFAULT_DATASOURCE_URLS = {
  prometheus: 'http://prometheus-operated.monitoring.svc:9090',
  elasticsearch: DEFAULT_ELASTICSEARCH_URL,
  jaeger: 'http://jaeger.monitoring.svc.cluster.local:16686',
} as const;

/** Properties of GrafanaDatasources. */
export interface GrafanaDatasourcesProps {
  /**
   * Namespace of the ConfigMap (where Grafana's datasource sidecar looks).
   *
   * @default - the enclosing Chart's namespace
   */
  readonly namespace?: string;
  /**
   * Label key the sidecar selects datasource ConfigMaps by.
   *
   * @default 'grafana_datasource'
   */
  readonly labelKey?: string;
  /**
   * Label value the sidecar selects datasource ConfigMaps by.
   *
   * @default '1'
   */
  readonly labelValue?: string;
  /**
   * Provision a Prometheus datasource. kube-prometheus-stack's Grafana already has one: turn
   * this off there.
   *
   * @default true
   */
  readonly prometheus?: boolean;
  /**
   * The Prometheus datasource's uid (kube-prometheus-stack's own is `prometheus`; this one
   * differs so both can exist).
   *
   * @default 'robustmq-prometheus'
   */
  readonly prometheusUid?: string;
  /**
   * Prometheus's URL.
   *
   * @default 'http://prometheus-operated.monitoring.svc:9090'
   */
  readonly prometheusUrl?: string;
  /**
   * Provision the logs datasource: Grafana's Elasticsearch datasource, or with an OpenSearch
   * `elasticsearchConnection` the OpenSearch plugin's (`grafana-opensearch-datasource`).
   *
   * @default true
   */
  readonly elasticsearch?: boolean;
  /**
   * The Elasticsearch or OpenSearch the logs are in (its URL and engine; the index pattern is
   * `elasticsearchIndex`).
   *
   * @default - ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL)
   */
  readonly elasticsearchConnection?: ElasticsearchConnection;
  /**
   * Elasticsearch's URL.
   *
   * @default 'http://elasticsearch.monitoring.svc.cluster.local:9200'
   * @deprecated use `elasticsearchConnection`
   */
  readonly elasticsearchUrl?: string;
  /**
   * The index (or pattern, e.g. `robustmq-logs-*` for daily indices) the logs are in.
   *
   * @default 'robustmq-logs'
   */
  readonly elasticsearchIndex?: string;
  /**
   * Provision the Jaeger datasource for traces.
   *
   * @default true
   */
  readonly jaeger?: boolean;
  /**
   * Jaeger's query URL.
   *
   * @default 'http://jaeger.monitoring.svc.cluster.local:16686'
   */
  readonly jaegerUrl?: string;
}

/** A provisioned datasource, as Grafana's provisioning file names it. */
export interface ProvisionedDatasource {
  /** The name shown in Grafana. */
  readonly name: string;
  /** The plugin: `prometheus`, `elasticsearch`, `grafana-opensearch-datasource` or `jaeger`. */
  readonly type: string;
  /** The stable uid dashboards and links refer to. */
  readonly uid: string;
  /** The URL Grafana's backend reaches it at. */
  readonly url: string;
}

/**
 * Grafana datasources as a provisioning ConfigMap for Grafana's datasource sidecar: Prometheus,
 * Elasticsearch (the logs) and Jaeger (the traces), with stable uids, trace-to-logs from Jaeger
 * to Elasticsearch by trace id, and a link from a log record's trace id to Jaeger.
 */
export class GrafanaDatasources extends Construct {
  /** The ConfigMap. */
  public readonly configMap: kplus.ConfigMap;
  /** The provisioned datasources: name, type, uid and URL (the ConfigMap has the whole file). */
  public readonly datasources: ProvisionedDatasource[];

  constructor(scope: Construct, id: string, props: GrafanaDatasourcesProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) invalid(this, KIND, 'namespace', namespace, 'must be set, on the construct or its Chart');
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    const labelKey = props.labelKey ?? 'grafana_datasource';
    const labelValue = props.labelValue ?? '1';
    check(this, KIND, 'labelKey', labelKey, checks.labelKey(labelKey));
    check(this, KIND, 'labelValue', labelValue, checks.labelValue(labelValue));
    const prometheusUid = props.prometheusUid ?? DATASOURCE_UIDS.prometheus;
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(prometheusUid)) invalid(this, KIND, 'prometheusUid', prometheusUid, "must be 1 to 40 letters, digits, '-' and '_'");
    if (props.elasticsearchConnection !== undefined && props.elasticsearchUrl !== undefined) {
      invalid(this, KIND, 'elasticsearchUrl', props.elasticsearchUrl, 'must not be set together with elasticsearchConnection: the connection carries it');
    }
    if (props.elasticsearchUrl !== undefined) check(this, KIND, 'elasticsearchUrl', props.elasticsearchUrl, elasticsearchUrl(props.elasticsearchUrl));
    const urls = {
      prometheusUrl: props.prometheusUrl ?? DEFAULT_DATASOURCE_URLS.prometheus,
      elasticsearchUrl: props.elasticsearchConnection?.url ?? props.elasticsearchUrl ?? DEFAULT_DATASOURCE_URLS.elasticsearch,
      jaegerUrl: props.jaegerUrl ?? DEFAULT_DATASOURCE_URLS.jaeger,
    };
    check(this, KIND, 'prometheusUrl', urls.prometheusUrl, checks.httpUrl(urls.prometheusUrl, 'http://host.namespace.svc:9090'));
    check(this, KIND, 'jaegerUrl', urls.jaegerUrl, checks.httpUrl(urls.jaegerUrl, 'http://host.namespace.svc:16686'));
    const index = props.elasticsearchIndex ?? DEFAULT_LOG_INDEX;
    check(this, KIND, 'elasticsearchIndex', index, elasticsearchIndex(index, { pattern: true }));
    const withEs = props.elasticsearch ?? true;
    const engine = props.elasticsearchConnection?.engine ?? SearchEngine.ELASTICSEARCH;
    const logsUid = engine === SearchEngine.OPENSEARCH ? DATASOURCE_UIDS.opensearch : DATASOURCE_UIDS.elasticsearch;
    const withJaeger = props.jaeger ?? true;

    const datasources: Array<ProvisionedDatasource & Record<string, unknown>> = [];
    if (props.prometheus ?? true) {
      datasources.push({
        name: 'RobustMQ Prometheus',
        type: 'prometheus',
        uid: prometheusUid,
        access: 'proxy',
        url: urls.prometheusUrl,
        editable: false,
        jsonData: { timeInterval: '30s' },
      });
    }
    if (withEs) {
      // A trace id in a log record opens the trace in Jaeger. ('$$' because Grafana expands
      // environment variables in provisioning files: a lone '${...}' would become empty.)
      const dataLinks = withJaeger ? { dataLinks: [{ field: LOG_FIELDS.traceId, url: '$${__value.raw}', datasourceUid: DATASOURCE_UIDS.jaeger }] } : {};
      if (engine === SearchEngine.OPENSEARCH) {
        // The OpenSearch plugin's provisioning keys (grafana/opensearch-datasource
        // docs/sources/configure.md, "Provision the data source"; src/types.ts OpenSearchOptions):
        // the index is `database`, and `flavor` and `version` decide how queries are composed.
        datasources.push({
          name: 'RobustMQ Logs',
          type: LOG_DATASOURCE_TYPES[SearchEngine.OPENSEARCH],
          uid: logsUid,
          access: 'proxy',
          url: urls.elasticsearchUrl,
          editable: false,
          jsonData: {
            database: index,
            flavor: 'opensearch',
            version: OPENSEARCH_DATASOURCE_VERSION,
            timeField: LOG_FIELDS.time,
            logMessageField: LOG_FIELDS.message,
            logLevelField: LOG_FIELDS.level,
            maxConcurrentShardRequests: 5,
            // The logs dashboard queries in Lucene; PPL stays available in Explore.
            pplEnabled: true,
            ...dataLinks,
          },
        });
      } else {
        datasources.push({
          name: 'RobustMQ Logs',
          type: LOG_DATASOURCE_TYPES[SearchEngine.ELASTICSEARCH],
          uid: logsUid,
          access: 'proxy',
          url: urls.elasticsearchUrl,
          editable: false,
          jsonData: {
            index,
            timeField: LOG_FIELDS.time,
            logMessageField: LOG_FIELDS.message,
            logLevelField: LOG_FIELDS.level,
            maxConcurrentShardRequests: 5,
            ...dataLinks,
          },
        });
      }
    }
    if (withJaeger) {
      datasources.push({
        name: 'RobustMQ Traces',
        type: 'jaeger',
        uid: DATASOURCE_UIDS.jaeger,
        access: 'proxy',
        url: urls.jaegerUrl,
        editable: false,
        jsonData: withEs ? {
          // From a span to the log records with its trace id (Grafana's trace-to-logs takes the
          // OpenSearch plugin too: public/app/core/components/TraceToLogs/TraceToLogsSettings.tsx,
          // supportedDataSourceTypes).
          tracesToLogsV2: {
            datasourceUid: logsUid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            filterByTraceID: false,
            filterBySpanID: false,
            customQuery: true,
            query: `${LOG_FIELDS.traceId}:"$\${__trace.traceId}"`,
          },
        } : {},
      });
    }
    if (datasources.length === 0) {
      invalid(this, KIND, 'datasources', 'none', 'must provision at least one datasource: leave the construct out instead');
    }
    this.datasources = datasources.map((d) => ({ name: d.name, type: d.type, uid: d.uid, url: d.url }));
    claimObjectName(this, KIND, 'namespace', namespace, { kind: 'ConfigMap', namespace, name: DATASOURCES_CONFIGMAP },
      ': one set of datasources per Grafana namespace');
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: DATASOURCES_CONFIGMAP, namespace, labels: { [labelKey]: labelValue } },
      data: { 'robustmq-datasources.yaml': Yaml.stringify({ apiVersion: 1, datasources }) },
    });
  }
}

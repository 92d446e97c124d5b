import { App, Chart } from 'cdk8s';
import { DEFAULT_ELASTICSEARCH_URL, ElasticsearchConnection, SearchEngine } from './elasticsearch/connection';
import { FluentBitConfigFormat } from './logging/fluent-bit';
import { DEFAULT_LOG_INDEX } from './logging/schema';
import { DEFAULT_SCRAPE_INTERVAL, DEFAULT_SCRAPE_TIMEOUT } from './metrics/scrape';
import { RobustMqObservability } from './observability';
import { ClientProtocol, DEFAULT_CLIENT_PROTOCOLS, ROBUSTMQ_DEFAULT_VERSION, RobustMqLogLevel } from './robustmq/facts';
import { DEFAULT_CLUSTER_NAME, DEFAULT_REPLICAS } from './robustmq/target';
import { AlertmanagerMatcherStrategy, RobustMqAlertRoutingOptions } from './routing/alert-routing';
import { AlertReceiver, receiverFromSpec } from './routing/receivers';
import { JaegerStorage } from './tracing/facts';
import { invalid } from './validation/errors';

/**
 * The options of the default stack: what the CLI's flags and the example app set.
 */
export interface StackOptions {
  readonly namespace: string;
  readonly clusterName: string;
  readonly replicas: number;
  readonly robustmqVersion: string;
  readonly image?: string;
  /** The Secret with RobustMQ's admin and MQTT credentials. */
  readonly credentialsSecret?: string;
  /** The protocols the client Service exposes. */
  readonly protocols: ClientProtocol[];
  /** Whether to emit the cluster's NetworkPolicy. */
  readonly networkPolicy: boolean;
  /** Namespace of the monitoring parts (ServiceMonitor, PrometheusRule, Fluent Bit, Jaeger). */
  readonly monitoringNamespace: string;
  /** The kube-prometheus-stack Helm release whose Prometheus should pick the monitors up. */
  readonly prometheusRelease: string;
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly keepHighCardinalityMetrics: boolean;
  /** Whether to emit the PrometheusRules. */
  readonly alerts: boolean;
  /** Whether to emit the SLOs' PrometheusRule (with the alerts only). */
  readonly slos: boolean;
  readonly minHealthyNodes?: number;
  readonly latencyP99Threshold?: string;
  readonly errorRateThreshold?: number;
  readonly disabledAlerts: string[];
  readonly runbookUrlPattern?: string;
  readonly grafanaUrl?: string;
  /** Namespace of the dashboard and datasource ConfigMaps (where Grafana's sidecars look). */
  readonly grafanaNamespace: string;
  readonly grafanaFolder: string;
  readonly dashboards: boolean;
  readonly datasources: boolean;
  /** Whether to deploy Fluent Bit shipping RobustMQ's logs to Elasticsearch (or OpenSearch). */
  readonly logs: boolean;
  /** The search engine of the logs (and of the logs datasource): Elasticsearch or OpenSearch. */
  readonly logBackend: SearchEngine;
  readonly elasticsearchUrl: string;
  readonly elasticsearchIndex: string;
  readonly elasticsearchSecret?: string;
  readonly elasticsearchTls?: boolean;
  readonly fluentBitConfigFormat: FluentBitConfigFormat;
  readonly logLevelMin: RobustMqLogLevel;
  /** Daily indices `<index>-YYYY.MM.DD`, which the ILM retention policy deletes by age. */
  readonly elasticsearchDailyIndices?: boolean;
  /** Days a daily index is kept. */
  readonly logRetentionDays?: number;
  /** The index template's priority. */
  readonly indexTemplatePriority?: number;
  /** Whether to emit the Job that installs the index template. */
  readonly indexTemplateJob?: boolean;
  /** Whether to deploy Jaeger and point the RobustMQ pods' OpenTelemetry variables at it. */
  readonly tracing: boolean;
  readonly jaegerStorage: JaegerStorage;
  readonly jaegerNamespace: string;
  /** Alert routing: the receiver critical alerts page, `KIND:SECRET/KEY` (webhook, slack, pagerduty); none: no routing. */
  readonly criticalReceiver?: string;
  /** The receiver warning alerts go to, `KIND:SECRET/KEY`; none: the critical receiver. */
  readonly warningReceiver?: string;
  /** The Alertmanager's alertmanagerConfigMatcherStrategy the routing is written for. */
  readonly alertmanagerMatcherStrategy?: AlertmanagerMatcherStrategy;
  /** Whether to deploy the synthetic MQTT probe (and its alerts). */
  readonly probe: boolean;
}

/** The defaults of the default stack. */
export const DEFAULT_STACK_OPTIONS: StackOptions = {
  namespace: 'robustmq',
  clusterName: DEFAULT_CLUSTER_NAME,
  replicas: DEFAULT_REPLICAS,
  robustmqVersion: ROBUSTMQ_DEFAULT_VERSION,
  protocols: [...DEFAULT_CLIENT_PROTOCOLS],
  networkPolicy: true,
  monitoringNamespace: 'monitoring',
  prometheusRelease: 'kube-prometheus-stack',
  scrapeInterval: DEFAULT_SCRAPE_INTERVAL,
  scrapeTimeout: DEFAULT_SCRAPE_TIMEOUT,
  keepHighCardinalityMetrics: false,
  alerts: true,
  slos: true,
  disabledAlerts: [],
  grafanaNamespace: 'monitoring',
  grafanaFolder: 'RobustMQ',
  dashboards: true,
  datasources: true,
  logs: true,
  logBackend: SearchEngine.ELASTICSEARCH,
  elasticsearchUrl: DEFAULT_ELASTICSEARCH_URL,
  elasticsearchIndex: DEFAULT_LOG_INDEX,
  fluentBitConfigFormat: FluentBitConfigFormat.YAML,
  logLevelMin: RobustMqLogLevel.INFO,
  tracing: true,
  jaegerStorage: JaegerStorage.MEMORY,
  jaegerNamespace: 'monitoring',
  probe: true,
};

/** The name of the chart (and so of the YAML file) of the default stack. */
export const STACK_CHART = 'robustmq-observability';

/** What buildStack placed in the app. */
export interface Stack {
  readonly chart: Chart;
  readonly observability: RobustMqObservability;
}

/**
 * Places the default stack in `app`: one chart holding one RobustMqObservability configured
 * from the options. The CLI and the example app both call this, so they produce the same YAML.
 */
export function buildStack(app: App, options: Partial<StackOptions> = {}): Stack {
  const o: StackOptions = { ...DEFAULT_STACK_OPTIONS, ...options };
  const chart = new Chart(app, STACK_CHART, { namespace: o.namespace });
  // One Elasticsearch for the logs, the Grafana datasource and (with Elasticsearch storage) the spans.
  const elasticsearchConnection = ElasticsearchConnection.fromUrl(o.elasticsearchUrl, {
    engine: o.logBackend,
    index: o.elasticsearchIndex,
    credentials: o.elasticsearchSecret ? { secretName: o.elasticsearchSecret } : undefined,
    tls: o.elasticsearchTls ? { enabled: true } : undefined,
  });
  const observability = new RobustMqObservability(chart, 'stack', {
    cluster: {
      clusterName: o.clusterName,
      replicas: o.replicas,
      version: o.robustmqVersion,
      image: o.image,
      credentials: o.credentialsSecret ? { secretName: o.credentialsSecret } : undefined,
      protocols: o.protocols,
      networkPolicy: { enabled: o.networkPolicy },
    },
    monitoringNamespace: o.monitoringNamespace,
    elasticsearchConnection,
    metrics: {
      discoveryLabels: { release: o.prometheusRelease },
      interval: o.scrapeInterval,
      scrapeTimeout: o.scrapeTimeout,
      keepHighCardinalityMetrics: o.keepHighCardinalityMetrics,
    },
    alerts: {
      enabled: o.alerts,
      minHealthyNodes: o.minHealthyNodes,
      latencyP99Threshold: o.latencyP99Threshold,
      errorRateThreshold: o.errorRateThreshold,
      disabledAlerts: o.disabledAlerts,
      runbookUrlPattern: o.runbookUrlPattern,
      grafanaUrl: o.grafanaUrl,
    },
    slos: { enabled: o.alerts && o.slos },
    dashboards: { enabled: o.dashboards, namespace: o.grafanaNamespace, folder: o.grafanaFolder },
    datasources: { enabled: o.datasources, namespace: o.grafanaNamespace },
    logs: {
      enabled: o.logs,
      configFormat: o.fluentBitConfigFormat,
      logLevelMin: o.logLevelMin,
      elasticsearchDailyIndices: o.elasticsearchDailyIndices,
      logRetentionDays: o.logRetentionDays,
      indexTemplatePriority: o.indexTemplatePriority,
      indexTemplateJob: o.indexTemplateJob,
      networkPolicy: { enabled: o.networkPolicy },
    },
    routing: stackRouting(chart, o),
    tracing: {
      enabled: o.tracing,
      storage: o.jaegerStorage,
      namespace: o.jaegerNamespace,
      networkPolicy: { enabled: o.networkPolicy },
    },
    // On: the construct's default, which leaves out a cluster without a plain MQTT listener.
    probe: { enabled: o.probe ? undefined : false, networkPolicy: { enabled: o.networkPolicy } },
  });
  return { chart, observability };
}

/** The routing of the default stack's options: receivers 'critical' and 'warning' from their specs. */
function stackRouting(chart: Chart, o: StackOptions): RobustMqAlertRoutingOptions | undefined {
  if (o.criticalReceiver === undefined) return undefined;
  const receiver = (name: string, spec: string): AlertReceiver => {
    const r = receiverFromSpec(name, spec);
    if (r.receiver === undefined) invalid(chart, 'StackOptions', `${name}Receiver`, spec, r.problem!);
    return r.receiver;
  };
  const receivers = [receiver('critical', o.criticalReceiver), ...(o.warningReceiver ? [receiver('warning', o.warningReceiver)] : [])];
  const strategy = o.alertmanagerMatcherStrategy ?? AlertmanagerMatcherStrategy.ON_NAMESPACE;
  return {
    receivers,
    criticalReceiver: 'critical',
    warningReceiver: o.warningReceiver ? 'warning' : undefined,
    matcherStrategy: strategy,
    // Without the operator's namespace matcher one config sees every alert: it goes with the monitoring parts.
    namespace: strategy === AlertmanagerMatcherStrategy.NONE ? o.monitoringNamespace : undefined,
  };
}

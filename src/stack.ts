import { App, Chart } from 'cdk8s';
import { RobustMqAlerts } from './alerts/alerts';
import { latencyThresholdSeconds } from './alerts/rules';
import { GrafanaDashboards } from './dashboards/grafana-dashboards';
import { GrafanaDatasources } from './dashboards/grafana-datasources';
import { DEFAULT_ELASTICSEARCH_URL } from './logging/checks';
import { FluentBit, FluentBitConfigFormat } from './logging/fluent-bit';
import { DEFAULT_LOG_INDEX } from './logging/schema';
import { DEFAULT_SCRAPE_INTERVAL, DEFAULT_SCRAPE_TIMEOUT } from './metrics/scrape';
import { RobustMqServiceMonitor } from './metrics/service-monitor';
import { ServiceScrapeTarget } from './metrics/target';
import { RobustMqCluster } from './robustmq/cluster';
import { ROBUSTMQ_DEFAULT_VERSION, RobustMqLogLevel } from './robustmq/facts';
import { Jaeger, JaegerStorage } from './tracing/jaeger';
import { JaegerAlerts } from './tracing/jaeger-alerts';
import { OtlpExport } from './tracing/otel';

/**
 * The options of the default stack: what the CLI's flags and the example app set.
 */
export interface StackOptions {
  readonly namespace: string;
  readonly clusterName: string;
  readonly replicas: number;
  readonly robustmqVersion: string;
  readonly image?: string;
  /** Namespace of the monitoring objects (ServiceMonitor, ...). */
  readonly monitoringNamespace: string;
  /** The kube-prometheus-stack Helm release whose Prometheus should pick the monitors up. */
  readonly prometheusRelease: string;
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly keepHighCardinalityMetrics: boolean;
  /** Whether to emit the PrometheusRule. */
  readonly alerts: boolean;
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
  /** Whether to deploy Fluent Bit shipping RobustMQ's logs to Elasticsearch. */
  readonly logs: boolean;
  readonly elasticsearchUrl: string;
  readonly elasticsearchIndex: string;
  readonly elasticsearchSecret?: string;
  readonly elasticsearchTls?: boolean;
  readonly fluentBitConfigFormat: FluentBitConfigFormat;
  readonly logLevelMin: RobustMqLogLevel;
  /** Whether to deploy Jaeger and point the RobustMQ pods' OpenTelemetry variables at it. */
  readonly tracing: boolean;
  readonly jaegerStorage: JaegerStorage;
  readonly jaegerNamespace: string;
}

/** The defaults of the default stack. */
export const DEFAULT_STACK_OPTIONS: StackOptions = {
  namespace: 'robustmq',
  clusterName: 'robustmq-cluster',
  replicas: 3,
  robustmqVersion: ROBUSTMQ_DEFAULT_VERSION,
  monitoringNamespace: 'monitoring',
  prometheusRelease: 'kube-prometheus-stack',
  scrapeInterval: DEFAULT_SCRAPE_INTERVAL,
  scrapeTimeout: DEFAULT_SCRAPE_TIMEOUT,
  keepHighCardinalityMetrics: false,
  alerts: true,
  disabledAlerts: [],
  grafanaNamespace: 'monitoring',
  grafanaFolder: 'RobustMQ',
  dashboards: true,
  datasources: true,
  logs: true,
  elasticsearchUrl: DEFAULT_ELASTICSEARCH_URL,
  elasticsearchIndex: DEFAULT_LOG_INDEX,
  fluentBitConfigFormat: FluentBitConfigFormat.YAML,
  logLevelMin: RobustMqLogLevel.INFO,
  tracing: true,
  jaegerStorage: JaegerStorage.MEMORY,
  jaegerNamespace: 'monitoring',
};

/** What buildStack placed in the app. */
export interface Stack {
  readonly charts: Chart[];
  readonly cluster: RobustMqCluster;
  readonly serviceMonitor: RobustMqServiceMonitor;
  readonly alerts?: RobustMqAlerts;
  readonly dashboards?: GrafanaDashboards;
  readonly datasources?: GrafanaDatasources;
  readonly fluentBit?: FluentBit;
  readonly jaeger?: Jaeger;
  readonly jaegerAlerts?: JaegerAlerts;
}

/**
 * Places the default stack in `app`: one chart per concern, each synthesized to its own file.
 * The CLI and the example app both call this, so they produce the same YAML.
 */
export function buildStack(app: App, options: Partial<StackOptions> = {}): Stack {
  const o: StackOptions = { ...DEFAULT_STACK_OPTIONS, ...options };
  const robustmq = new Chart(app, 'robustmq', { namespace: o.namespace });
  const cluster = new RobustMqCluster(robustmq, 'cluster', {
    clusterName: o.clusterName,
    replicas: o.replicas,
    version: o.robustmqVersion,
    image: o.image,
  });
  const metrics = new Chart(app, 'metrics', { namespace: o.monitoringNamespace });
  const serviceMonitor = new RobustMqServiceMonitor(metrics, 'service-monitor', {
    target: ServiceScrapeTarget.fromCluster(cluster),
    discoveryLabels: { release: o.prometheusRelease },
    interval: o.scrapeInterval,
    scrapeTimeout: o.scrapeTimeout,
    keepHighCardinalityMetrics: o.keepHighCardinalityMetrics,
  });
  const charts = [robustmq, metrics];
  let alerts: RobustMqAlerts | undefined;
  if (o.alerts) {
    const alertsChart = new Chart(app, 'alerts', { namespace: o.monitoringNamespace });
    alerts = new RobustMqAlerts(alertsChart, 'rules', {
      monitor: serviceMonitor,
      cluster,
      minHealthyNodes: o.minHealthyNodes,
      latencyP99Threshold: o.latencyP99Threshold,
      errorRateThreshold: o.errorRateThreshold,
      disabledAlerts: o.disabledAlerts,
      runbookUrlPattern: o.runbookUrlPattern,
      grafanaUrl: o.grafanaUrl,
    });
    charts.push(alertsChart);
  }
  let fluentBit: FluentBit | undefined;
  if (o.logs) {
    const logs = new Chart(app, 'logs', { namespace: o.monitoringNamespace });
    fluentBit = new FluentBit(logs, 'fluent-bit', {
      cluster,
      elasticsearchUrl: o.elasticsearchUrl,
      elasticsearchIndex: o.elasticsearchIndex,
      elasticsearchSecret: o.elasticsearchSecret,
      elasticsearchTls: o.elasticsearchTls,
      configFormat: o.fluentBitConfigFormat,
      logLevelMin: o.logLevelMin,
      monitoring: {
        namespace: o.monitoringNamespace,
        discoveryLabels: { release: o.prometheusRelease },
        interval: o.scrapeInterval,
        scrapeTimeout: o.scrapeTimeout,
      },
    });
    charts.push(logs);
  }
  let jaeger: Jaeger | undefined;
  let jaegerAlerts: JaegerAlerts | undefined;
  if (o.tracing) {
    const tracing = new Chart(app, 'tracing', { namespace: o.jaegerNamespace });
    jaeger = new Jaeger(tracing, 'jaeger', {
      storage: o.jaegerStorage,
      discoveryLabels: { release: o.prometheusRelease },
      scrapeInterval: o.scrapeInterval,
      scrapeTimeout: o.scrapeTimeout,
    });
    // RobustMQ v0.4.11 emits no spans yet: the variables are in place for the release that does.
    OtlpExport.toJaeger(jaeger).applyToCluster(cluster);
    if (o.alerts) {
      jaegerAlerts = new JaegerAlerts(tracing, 'alerts', { jaeger, runbookUrlPattern: o.runbookUrlPattern });
    }
    charts.push(tracing);
  }
  let dashboards: GrafanaDashboards | undefined;
  let datasources: GrafanaDatasources | undefined;
  if (o.dashboards || o.datasources) {
    const grafana = new Chart(app, 'dashboards', { namespace: o.grafanaNamespace });
    if (o.dashboards) {
      dashboards = new GrafanaDashboards(grafana, 'dashboards', {
        monitor: serviceMonitor,
        folder: o.grafanaFolder,
        replicas: cluster.replicas,
        latencyThresholdSeconds: o.latencyP99Threshold ? latencyThresholdSeconds(o.latencyP99Threshold).seconds : undefined,
        errorRateThreshold: o.errorRateThreshold,
      });
    }
    if (o.datasources) {
      datasources = new GrafanaDatasources(grafana, 'datasources', {
        jaeger: jaeger !== undefined,
        jaegerUrl: jaeger?.endpoint.queryUrl,
        elasticsearchUrl: o.elasticsearchUrl,
        elasticsearchIndex: fluentBit?.indexPattern ?? o.elasticsearchIndex,
      });
    }
    charts.push(grafana);
  }
  return { charts, cluster, serviceMonitor, alerts, dashboards, datasources, fluentBit, jaeger, jaegerAlerts };
}

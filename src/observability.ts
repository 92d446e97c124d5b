import { Construct } from 'constructs';
import { RobustMqAlerts } from './alerts/alerts';
import { AlertTuning, latencyThresholdSeconds } from './alerts/rules';
import { GrafanaDashboards, GrafanaDashboardsProps } from './dashboards/grafana-dashboards';
import { GrafanaDatasources, GrafanaDatasourcesProps } from './dashboards/grafana-datasources';
import { FluentBit, FluentBitProps } from './logging/fluent-bit';
import { MonitorOptions } from './metrics/scrape';
import { RobustMqServiceMonitor } from './metrics/service-monitor';
import { ServiceScrapeTarget } from './metrics/target';
import { RobustMqCluster, RobustMqClusterProps } from './robustmq/cluster';
import { Jaeger, JaegerProps } from './tracing/jaeger';
import { JaegerAlerts } from './tracing/jaeger-alerts';
import { OtlpExport } from './tracing/otel';
import * as checks from './validation/checks';
import { check, invalid } from './validation/errors';

const KIND = 'RobustMqObservability';

/** Options of the alerts part. */
export interface ObservabilityAlertsOptions extends AlertTuning {
  /**
   * Emit the PrometheusRule (and Jaeger's, with tracing).
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of the dashboards part. */
export interface ObservabilityDashboardsOptions extends GrafanaDashboardsProps {
  /**
   * Emit the dashboard ConfigMaps. Dashboards are per Grafana, not per cluster (they have a
   * cluster variable): with several clusters and one Grafana, enable them on one instance only.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of the datasources part. */
export interface ObservabilityDatasourcesOptions extends GrafanaDatasourcesProps {
  /**
   * Emit the datasource ConfigMap (one per Grafana, like the dashboards).
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of the logs part. */
export interface ObservabilityLogsOptions extends FluentBitProps {
  /**
   * Deploy Fluent Bit.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of the tracing part. */
export interface ObservabilityTracingOptions extends JaegerProps {
  /**
   * Deploy Jaeger (or use `existingJaeger`) and point the RobustMQ pods' OpenTelemetry
   * variables at it.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * A Jaeger deployed elsewhere in the app (by another instance, say) to send to instead of
   * deploying one.
   *
   * @default - deploy one
   */
  readonly existingJaeger?: Jaeger;
}

/** Properties of RobustMqObservability. */
export interface RobustMqObservabilityProps {
  /**
   * The RobustMQ cluster to deploy. Ignored when `target` is given.
   *
   * @default - a RobustMqCluster with its defaults, in the enclosing Chart's namespace
   */
  readonly cluster?: RobustMqClusterProps;
  /**
   * Observe your own RobustMQ workload instead of deploying one: the Service (in the app or
   * given by labels) that serves its metrics.
   *
   * @default - deploy a RobustMqCluster
   */
  readonly target?: ServiceScrapeTarget;
  /**
   * Number of pods of your own RobustMQ workload (with `target`).
   *
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Name prefix of your own RobustMQ workload's pods, for the log agent's file path (with
   * `target`); the pods' namespace is the target's.
   *
   * @default - the target's cluster name
   */
  readonly targetPodNamePrefix?: string;
  /**
   * Namespace of the monitoring parts: ServiceMonitor, PrometheusRule, Fluent Bit, Jaeger and
   * the Grafana ConfigMaps, unless a part's own options name another.
   *
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * How Prometheus scrapes RobustMQ.
   *
   * @default - every 30s with a 10s timeout, selected by `release: kube-prometheus-stack`
   */
  readonly metrics?: MonitorOptions;
  /**
   * Alerts and their tuning.
   *
   * @default - all alerts with their default thresholds
   */
  readonly alerts?: ObservabilityAlertsOptions;
  /**
   * Grafana dashboards.
   *
   * @default - the four dashboards, folder 'RobustMQ'
   */
  readonly dashboards?: ObservabilityDashboardsOptions;
  /**
   * Grafana datasources.
   *
   * @default - Prometheus, Elasticsearch and Jaeger
   */
  readonly datasources?: ObservabilityDatasourcesOptions;
  /**
   * The log pipeline.
   *
   * @default - Fluent Bit to the seed's Elasticsearch
   */
  readonly logs?: ObservabilityLogsOptions;
  /**
   * Traces.
   *
   * @default - Jaeger v2 with memory storage
   */
  readonly tracing?: ObservabilityTracingOptions;
}

/**
 * The whole stack in one construct: the RobustMQ cluster (or your own RobustMQ workload), its
 * ServiceMonitor, alerts, Grafana dashboards and datasources, Fluent Bit and Jaeger, all
 * configured from one props object. Every part can be turned off or configured, and is
 * reachable as a property.
 *
 * Per-cluster parts are named after the cluster, so several instances (several clusters, in
 * several namespaces) live in one app; parts that serve a whole Grafana or the whole cluster
 * (dashboards, datasources, Jaeger) should be enabled on one instance, or given other names.
 */
export class RobustMqObservability extends Construct {
  /** The RobustMQ cluster, unless you brought your own. */
  public readonly cluster?: RobustMqCluster;
  /** The ServiceMonitor that scrapes RobustMQ. */
  public readonly serviceMonitor: RobustMqServiceMonitor;
  /** The RobustMQ alerts and recording rules. */
  public readonly alerts?: RobustMqAlerts;
  /** The Grafana dashboards. */
  public readonly dashboards?: GrafanaDashboards;
  /** The Grafana datasources. */
  public readonly datasources?: GrafanaDatasources;
  /** The log agent. */
  public readonly fluentBit?: FluentBit;
  /** Jaeger (the one deployed here, or the existing one used). */
  public readonly jaeger?: Jaeger;
  /** Jaeger's alerts, when Jaeger is deployed here and alerts are on. */
  public readonly jaegerAlerts?: JaegerAlerts;
  /** The namespace of the monitoring parts. */
  public readonly monitoringNamespace: string;

  constructor(scope: Construct, id: string, props: RobustMqObservabilityProps = {}) {
    super(scope, id);
    const monitoringNamespace = props.monitoringNamespace ?? 'monitoring';
    check(this, KIND, 'monitoringNamespace', monitoringNamespace, checks.dnsLabel(monitoringNamespace));
    this.monitoringNamespace = monitoringNamespace;

    let target = props.target;
    if (target === undefined) {
      const clusterProps = props.cluster ?? {};
      // Prometheus runs in the monitoring namespace: let it reach the admin port.
      this.cluster = new RobustMqCluster(this, 'Cluster', {
        ...clusterProps,
        networkPolicy: {
          ...clusterProps.networkPolicy,
          metricsNamespaces: clusterProps.networkPolicy?.metricsNamespaces ?? [monitoringNamespace],
        },
      });
      target = ServiceScrapeTarget.fromCluster(this.cluster);
    } else if (props.cluster !== undefined) {
      invalid(this, KIND, 'cluster', 'set', 'must not be set together with target: either deploy a cluster or observe your own');
    }
    const replicas = this.cluster?.replicas ?? props.replicas ?? 3;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    const clusterName = this.cluster?.clusterName ?? target.clusterName;

    this.serviceMonitor = new RobustMqServiceMonitor(this, 'ServiceMonitor', {
      ...props.metrics,
      namespace: props.metrics?.namespace ?? monitoringNamespace,
      target,
    });

    const logOptions = props.logs ?? {};
    if (logOptions.enabled ?? true) {
      this.fluentBit = new FluentBit(this, 'FluentBit', {
        ...logOptions,
        cluster: this.cluster,
        sourceNamespace: logOptions.sourceNamespace ?? (this.cluster ? undefined : target.namespace),
        podNamePrefix: logOptions.podNamePrefix ?? (this.cluster ? undefined : props.targetPodNamePrefix ?? clusterName),
        clusterName: logOptions.clusterName ?? clusterName,
        name: logOptions.name ?? `${clusterName}-fluent-bit`,
        namespace: logOptions.namespace ?? monitoringNamespace,
        monitoring: {
          discoveryLabels: this.serviceMonitor.discoveryLabels,
          interval: this.serviceMonitor.interval,
          scrapeTimeout: this.serviceMonitor.scrapeTimeout,
          ...logOptions.monitoring,
          namespace: logOptions.monitoring?.namespace ?? monitoringNamespace,
        },
      });
    }

    const alertOptions = props.alerts ?? {};
    if (alertOptions.enabled ?? true) {
      this.alerts = new RobustMqAlerts(this, 'Alerts', {
        ...alertOptions,
        monitor: this.serviceMonitor,
        cluster: this.cluster,
        fluentBit: this.fluentBit,
        replicas,
        namespace: monitoringNamespace,
      });
    }

    const tracingOptions = props.tracing ?? {};
    if (tracingOptions.enabled ?? true) {
      if (tracingOptions.existingJaeger) {
        this.jaeger = tracingOptions.existingJaeger;
      } else {
        this.jaeger = new Jaeger(this, 'Jaeger', {
          discoveryLabels: this.serviceMonitor.discoveryLabels,
          scrapeInterval: this.serviceMonitor.interval,
          scrapeTimeout: this.serviceMonitor.scrapeTimeout,
          ...tracingOptions,
          namespace: tracingOptions.namespace ?? monitoringNamespace,
        });
        if (this.alerts) {
          this.jaegerAlerts = new JaegerAlerts(this, 'JaegerAlerts', {
            jaeger: this.jaeger,
            namespace: this.alerts.namespace,
            runbookUrlPattern: alertOptions.runbookUrlPattern,
          });
        }
      }
      // RobustMQ v0.4.11 emits no spans yet: the variables are in place for the release that does.
      if (this.cluster) OtlpExport.toJaeger(this.jaeger).applyToCluster(this.cluster);
    }

    const dashboardOptions = props.dashboards ?? {};
    if (dashboardOptions.enabled ?? true) {
      this.dashboards = new GrafanaDashboards(this, 'Dashboards', {
        monitor: this.serviceMonitor,
        replicas,
        latencyThresholdSeconds: alertOptions.latencyP99Threshold ? latencyThresholdSeconds(alertOptions.latencyP99Threshold).seconds : undefined,
        errorRateThreshold: alertOptions.errorRateThreshold,
        ...dashboardOptions,
        namespace: dashboardOptions.namespace ?? monitoringNamespace,
      });
    }

    const datasourceOptions = props.datasources ?? {};
    if (datasourceOptions.enabled ?? true) {
      this.datasources = new GrafanaDatasources(this, 'Datasources', {
        jaeger: this.jaeger !== undefined,
        jaegerUrl: this.jaeger?.endpoint.queryUrl,
        elasticsearch: this.fluentBit !== undefined || datasourceOptions.elasticsearchUrl !== undefined,
        elasticsearchUrl: logOptions.elasticsearchUrl,
        elasticsearchIndex: this.fluentBit?.indexPattern,
        ...datasourceOptions,
        namespace: datasourceOptions.namespace ?? monitoringNamespace,
      });
    }
  }

  /**
   * The rule groups of every PrometheusRule of the stack (RobustMQ's, then Jaeger's) as one
   * plain Prometheus rule file's content.
   */
  public ruleGroups(): any {
    return { groups: this.ruleSources().flatMap((s) => s.ruleGroups().groups) };
  }

  /**
   * promtool unit tests for every alert of the stack.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): any {
    const files = this.ruleSources().map((s) => s.ruleTests(ruleFile));
    if (files.length === 0) return { rule_files: [ruleFile], evaluation_interval: '1m', tests: [] };
    return { ...files[0], tests: files.flatMap((f) => f.tests) };
  }

  private ruleSources(): Array<{ ruleGroups(): any; ruleTests(f: string): any }> {
    return [...(this.alerts ? [this.alerts] : []), ...(this.jaegerAlerts ? [this.jaegerAlerts] : [])];
  }
}

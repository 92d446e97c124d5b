import { Construct } from 'constructs';
import { RobustMqAlerts } from './alerts/alerts';
import { PromtoolTestFile, RuleFile, RuleFiles } from './alerts/rule-file';
import { AlertTuning, latencyThresholdSeconds } from './alerts/rules';
import { GrafanaDashboards, GrafanaDashboardsProps } from './dashboards/grafana-dashboards';
import { GrafanaDatasources, GrafanaDatasourcesProps } from './dashboards/grafana-datasources';
import { ElasticsearchConnection, SearchEngine } from './elasticsearch/connection';
import { FluentBit, FluentBitProps } from './logging/fluent-bit';
import { MonitorOptions } from './metrics/scrape';
import { selfMonitoringWithDefaults } from './metrics/self-monitoring';
import { RobustMqServiceMonitor } from './metrics/service-monitor';
import { ServiceScrapeTarget } from './metrics/target';
import { byCodePoint } from './order';
import { ProbeAlertOptions } from './probe/alerts';
import { RobustMqProbe, RobustMqProbeOptions } from './probe/probe';
import { RobustMqProbeAlerts } from './probe/probe-alerts';
import { RobustMqCluster, RobustMqClusterProps } from './robustmq/cluster';
import { ClientProtocol } from './robustmq/facts';
import { IRobustMqTarget, importRobustMqTarget } from './robustmq/target';
import { RobustMqAlertRouting, RobustMqAlertRoutingOptions } from './routing/alert-routing';
import { probeSlos } from './slo/built-in';
import { RobustMqSloOptions, RobustMqSlos } from './slo/slos';
import { Jaeger, JaegerProps, JaegerStorage } from './tracing/jaeger';
import { JaegerAlerts } from './tracing/jaeger-alerts';
import { OtlpExport } from './tracing/otel';
import * as checks from './validation/checks';
import { parseElasticsearchUrl } from './validation/elasticsearch';
import { check, invalid } from './validation/errors';
import { warn } from './validation/warnings';

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

/** Options of the SLO part. */
export interface ObservabilitySlosOptions extends RobustMqSloOptions {
  /**
   * Emit the SLOs' PrometheusRule (recording rules and burn-rate alerts).
   *
   * @default - on when the alerts are
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
   * deploying one. That Jaeger is configured (and its alerts made) where it is made, so the
   * other tracing options must be left unset with it: they are refused rather than ignored.
   *
   * @default - deploy one
   */
  readonly existingJaeger?: Jaeger;
}

/** Options of the synthetic MQTT probe. */
export interface ObservabilityProbeOptions extends RobustMqProbeOptions {
  /**
   * Deploy the probe (with a cluster deployed here; your own cluster is not probed).
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Tuning of the probe's alerts (with alerts on).
   *
   * @default - RobustMQProbeDown, RobustMQProbeFailing, RobustMQProbeSlowRoundTrip with their defaults
   */
  readonly alerts?: ProbeAlertOptions;
}

/** Properties of RobustMqObservability. */
export interface RobustMqObservabilityProps {
  /**
   * The RobustMQ cluster to deploy. Not with `existingCluster` (or the deprecated `target`).
   *
   * @default - a RobustMqCluster with its defaults, in the enclosing Chart's namespace
   */
  readonly cluster?: RobustMqClusterProps;
  /**
   * Observe your own RobustMQ instead of deploying one: `RobustMqCluster.fromClusterAttributes()`
   * (namespace, cluster name, replicas, pod names, the Service that serves its metrics), or a
   * RobustMqCluster deployed elsewhere in the app.
   *
   * @default - deploy a RobustMqCluster
   */
  readonly existingCluster?: IRobustMqTarget;
  /**
   * Observe your own RobustMQ workload: the Service that serves its metrics.
   *
   * @default - deploy a RobustMqCluster
   * @deprecated use `existingCluster: RobustMqCluster.fromClusterAttributes({ ... })`
   */
  readonly target?: ServiceScrapeTarget;
  /**
   * Number of pods of your own RobustMQ workload (with `target`).
   *
   * @default 3
   * @deprecated use `existingCluster: RobustMqCluster.fromClusterAttributes({ replicas })`
   */
  readonly replicas?: number;
  /**
   * Name prefix of your own RobustMQ workload's pods (`<prefix>-<ordinal>`), with `target`.
   *
   * @default - the target's cluster name
   * @deprecated use `existingCluster: RobustMqCluster.fromClusterAttributes({ podNamePrefix })`
   */
  readonly targetPodNamePrefix?: string;
  /**
   * The Elasticsearch the logs are shipped to and the Grafana datasource reads, and (with
   * Jaeger's Elasticsearch storage, without its index) the spans are stored in. A part's own
   * connection wins. With `engine: SearchEngine.OPENSEARCH` the logs go to OpenSearch, the
   * datasource and the logs dashboard are OpenSearch's, and Jaeger's Elasticsearch storage is
   * refused (it is Elasticsearch only).
   *
   * @default - ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL)
   */
  readonly elasticsearchConnection?: ElasticsearchConnection;
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
   * SLOs: the built-in broker SLO (PUBLISH latency) and your own, with Sloth's recording rules
   * and multi-window, multi-burn-rate alerts.
   *
   * @default - the built-in SLOs, when the alerts are on
   */
  readonly slos?: ObservabilitySlosOptions;
  /**
   * Grafana dashboards.
   *
   * @default - the four dashboards, folder 'RobustMQ'
   */
  readonly dashboards?: ObservabilityDashboardsOptions;
  /**
   * Grafana datasources. Their Elasticsearch is the one the logs are shipped to, unless
   * `elasticsearchUrl` or `elasticsearchConnection` names another address: that is accepted
   * (Grafana may reach the same Elasticsearch through a proxy or another Service) with a
   * warning naming both URLs.
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
  /**
   * Route the stack's alerts (RobustMQ's, the log agent's, Jaeger's, the probe's, the SLOs') with
   * AlertmanagerConfig objects: receivers, severity routes, inhibitions. The selector defaults to
   * the monitors' discovery labels.
   *
   * @default - no routing
   */
  readonly routing?: RobustMqAlertRoutingOptions;
  /**
   * The synthetic MQTT probe: a real MQTT client that times round trips through the client Service.
   *
   * @default - inovex/mqtt_blackbox_exporter every 30s, with its alerts
   */
  readonly probe?: ObservabilityProbeOptions;
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
  /** The RobustMQ observed: the cluster deployed here, or your own. */
  public readonly target: IRobustMqTarget;
  /** The ServiceMonitor that scrapes RobustMQ. */
  public readonly serviceMonitor: RobustMqServiceMonitor;
  /** The RobustMQ alerts and recording rules. */
  public readonly alerts?: RobustMqAlerts;
  /** The SLOs' recording rules and burn-rate alerts. */
  public readonly slos?: RobustMqSlos;
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
  /** The alert routing, when `routing` is given. */
  public readonly routing?: RobustMqAlertRouting;
  /** The synthetic MQTT probe, unless turned off or the cluster is your own. */
  public readonly probe?: RobustMqProbe;
  /** The probe's alerts, when the probe and alerts are on. */
  public readonly probeAlerts?: RobustMqProbeAlerts;
  /** The namespace of the monitoring parts. */
  public readonly monitoringNamespace: string;

  constructor(scope: Construct, id: string, props: RobustMqObservabilityProps = {}) {
    super(scope, id);
    const monitoringNamespace = props.monitoringNamespace ?? 'monitoring';
    check(this, KIND, 'monitoringNamespace', monitoringNamespace, checks.dnsLabel(monitoringNamespace));
    this.monitoringNamespace = monitoringNamespace;

    const deployed = props.existingCluster === undefined && props.target === undefined;
    if (!deployed && props.cluster !== undefined) {
      invalid(this, KIND, 'cluster', 'set', `must not be set together with ${props.existingCluster ? 'existingCluster' : 'target'}: either deploy a cluster or observe your own`);
    }
    if (props.existingCluster !== undefined && props.target !== undefined) {
      invalid(this, KIND, 'target', props.target.serviceName, 'must not be set together with existingCluster: give existingCluster only');
    }
    if (deployed) {
      const clusterProps = props.cluster ?? {};
      // Prometheus runs in the monitoring namespace: let it reach the admin port.
      this.cluster = new RobustMqCluster(this, 'Cluster', {
        ...clusterProps,
        networkPolicy: {
          ...clusterProps.networkPolicy,
          metricsNamespaces: clusterProps.networkPolicy?.metricsNamespaces ?? [monitoringNamespace],
        },
      });
    }
    const scrapeTarget = props.target ?? ServiceScrapeTarget.fromCluster(this.cluster ?? props.existingCluster!);
    this.serviceMonitor = new RobustMqServiceMonitor(this, 'ServiceMonitor', {
      ...props.metrics,
      namespace: props.metrics?.namespace ?? monitoringNamespace,
      target: scrapeTarget,
    });
    const target: IRobustMqTarget = this.cluster ?? props.existingCluster ?? importRobustMqTarget({
      // The deprecated target props, mapped onto the factory.
      namespace: this.serviceMonitor.targetNamespace,
      clusterName: scrapeTarget.clusterName,
      replicas: props.replicas,
      podNamePrefix: props.targetPodNamePrefix,
      metricsServiceLabels: scrapeTarget.selectorLabels,
      metricsServiceName: scrapeTarget.serviceName,
      metricsPortName: scrapeTarget.portName,
      metricsPath: scrapeTarget.path,
      metricsService: scrapeTarget.service,
    }, (field, value, problem) => invalid(this, KIND, field, value, problem), { podNamePrefix: 'targetPodNamePrefix' });
    this.target = target;
    const clusterName = target.clusterName;

    // The components' own monitors are read by the same Prometheus as RobustMQ's.
    const scrapeDefaults = {
      discoveryLabels: this.serviceMonitor.discoveryLabels,
      interval: this.serviceMonitor.interval,
      scrapeTimeout: this.serviceMonitor.scrapeTimeout,
    };
    // A part's switch must be a boolean: the string 'false' is truthy, and would turn it on.
    const on = (field: string, value: boolean | undefined, fallback: boolean): boolean => {
      if (value !== undefined) check(this, KIND, field, value, checks.boolean(value));
      return value ?? fallback;
    };
    const logOptions = props.logs ?? {};
    if (on('logs.enabled', logOptions.enabled, true)) {
      this.fluentBit = new FluentBit(this, 'FluentBit', {
        ...logOptions,
        target: logOptions.target ?? (logOptions.cluster ?? logOptions.sourceNamespace ?? logOptions.podNamePrefix ? undefined : target),
        elasticsearchConnection: logOptions.elasticsearchConnection ?? props.elasticsearchConnection,
        name: logOptions.name ?? `${clusterName}-fluent-bit`,
        namespace: logOptions.namespace ?? monitoringNamespace,
        monitoring: selfMonitoringWithDefaults(logOptions.monitoring, { ...scrapeDefaults, namespace: monitoringNamespace }),
      });
    }

    const alertOptions = props.alerts ?? {};
    if (on('alerts.enabled', alertOptions.enabled, true)) {
      this.alerts = new RobustMqAlerts(this, 'Alerts', {
        ...alertOptions,
        monitor: this.serviceMonitor,
        target,
        // The log alerts read the agent's own metrics: none without its monitor.
        fluentBit: this.fluentBit?.serviceMonitor ? this.fluentBit : undefined,
        namespace: monitoringNamespace,
      });
    }

    const { enabled: probeEnabled, alerts: probeAlertOptions, ...probeOptions } = props.probe ?? {};
    if (probeEnabled !== undefined) check(this, KIND, 'probe.enabled', probeEnabled, checks.boolean(probeEnabled));
    if (probeEnabled === true && !this.cluster) {
      invalid(this, KIND, 'probe.enabled', true, 'must not be true with your own cluster: the probe needs a RobustMqCluster deployed here (its client Service and Secret)');
    }
    // By default only where the cluster serves plain MQTT, the listener the probe connects to.
    const servesMqtt = this.cluster?.protocols.includes(ClientProtocol.MQTT) ?? false;
    if (probeEnabled === undefined && this.cluster && !servesMqtt) {
      warn(this, `no synthetic MQTT probe: the cluster's client Service has no '${ClientProtocol.MQTT}' listener for it (set probe.enabled false to silence this)`);
    }
    if ((probeEnabled ?? servesMqtt) && this.cluster) {
      this.probe = new RobustMqProbe(this, 'Probe', {
        ...probeOptions,
        cluster: this.cluster,
        monitoring: selfMonitoringWithDefaults(probeOptions.monitoring, { ...scrapeDefaults, namespace: monitoringNamespace }),
      });
      if (this.alerts && this.probe.serviceMonitor) {
        this.probeAlerts = new RobustMqProbeAlerts(this, 'ProbeAlerts', {
          extraLabels: alertOptions.extraLabels,
          extraAnnotations: alertOptions.extraAnnotations,
          runbookUrlPattern: alertOptions.runbookUrlPattern,
          grafanaUrl: alertOptions.grafanaUrl,
          ...probeAlertOptions,
          probe: this.probe,
          namespace: this.alerts.namespace,
        });
      }
    }

    const sloOptions = props.slos ?? {};
    if (on('slos.enabled', sloOptions.enabled, this.alerts !== undefined)) {
      // With the probe, its availability and round-trip SLOs are built in beside the broker's.
      const probeSloList = this.probe && (sloOptions.builtIn ?? true) ? probeSlos(this.probe.sloMetrics()) : [];
      this.slos = new RobustMqSlos(this, 'Slos', {
        grafanaUrl: alertOptions.grafanaUrl,
        ...sloOptions,
        slos: [...probeSloList, ...(sloOptions.slos ?? [])],
        monitor: this.serviceMonitor,
        namespace: sloOptions.namespace ?? monitoringNamespace,
      });
    }

    const tracingOptions = props.tracing ?? {};
    if (on('tracing.enabled', tracingOptions.enabled, true)) {
      if (tracingOptions.existingJaeger) {
        // That Jaeger is configured where it is made: options for one deployed here would be ignored.
        const { enabled: _enabled, existingJaeger: _existing, ...ignored } = tracingOptions;
        const set = Object.keys(ignored).filter((k) => (ignored as { [k: string]: unknown })[k] !== undefined).sort(byCodePoint);
        if (set.length > 0) {
          invalid(this, KIND, `tracing.${set[0]}`, (ignored as { [k: string]: unknown })[set[0]],
            `must not be set with tracing.existingJaeger: that Jaeger is configured where it is made, so ${set.map((k) => `tracing.${k}`).join(', ')} would be ignored`);
        }
        this.jaeger = tracingOptions.existingJaeger;
      } else {
        // With Elasticsearch storage, spans go to the stack's Elasticsearch (its own indices).
        const sharedEs = tracingOptions.storage === JaegerStorage.ELASTICSEARCH && tracingOptions.elasticsearch === undefined
          ? props.elasticsearchConnection?.withIndex(undefined) : undefined;
        this.jaeger = new Jaeger(this, 'Jaeger', {
          elasticsearchConnection: sharedEs,
          ...tracingOptions,
          monitoring: selfMonitoringWithDefaults(tracingOptions.monitoring, scrapeDefaults),
          namespace: tracingOptions.namespace ?? monitoringNamespace,
        });
        if (this.alerts && this.jaeger.serviceMonitor) {
          // The tuning every alert set takes; the RobustMQ alert names stay with RobustMQ's set.
          this.jaegerAlerts = new JaegerAlerts(this, 'JaegerAlerts', {
            jaeger: this.jaeger,
            namespace: this.alerts.namespace,
            extraLabels: alertOptions.extraLabels,
            extraAnnotations: alertOptions.extraAnnotations,
            runbookUrlPattern: alertOptions.runbookUrlPattern,
            grafanaUrl: alertOptions.grafanaUrl,
          });
        }
      }
      // RobustMQ v0.4.11 emits no spans yet: the variables are in place for the release that does.
      if (this.cluster) OtlpExport.toJaeger(this.jaeger).applyToCluster(this.cluster);
    }

    if (props.routing !== undefined) {
      if (!this.alerts) invalid(this, KIND, 'routing', 'set', 'needs the alerts: with alerts.enabled false there is nothing to route');
      this.routing = new RobustMqAlertRouting(this, 'Routing', {
        ...props.routing,
        alerts: [...this.ruleSources(), ...(this.slos ? [this.slos] : [])],
        clusterLabel: this.serviceMonitor.clusterLabel,
        alertmanagerConfigSelector: props.routing.alertmanagerConfigSelector ?? this.serviceMonitor.discoveryLabels,
        name: props.routing.name ?? `${clusterName}-alert-routing`,
      });
    }

    // The engine the logs are in decides the logs datasource's plugin and the logs dashboard's
    // queries: one engine for both, or the dashboard would look for a datasource of another type.
    const datasourceOptions = props.datasources ?? {};
    const datasourcesOn = on('datasources.enabled', datasourceOptions.enabled, true);
    const logsConnection = this.fluentBit?.elasticsearchConnection ?? props.elasticsearchConnection;
    if (logsConnection?.engine === SearchEngine.OPENSEARCH && datasourceOptions.elasticsearchUrl !== undefined) {
      invalid(this, KIND, 'datasources.elasticsearchUrl', datasourceOptions.elasticsearchUrl,
        `is for an Elasticsearch datasource only, and the logs are in OpenSearch (elasticsearchConnection.engine '${SearchEngine.OPENSEARCH}'): give datasources.elasticsearchConnection instead`);
    }
    const dsConnection = datasourceOptions.elasticsearchConnection;
    if (dsConnection !== undefined && this.fluentBit !== undefined && dsConnection.engine !== this.fluentBit.searchEngine) {
      invalid(this, KIND, 'datasources.elasticsearchConnection.engine', dsConnection.engine,
        `must be the logs' engine '${this.fluentBit.searchEngine}' (logs.elasticsearchConnection or elasticsearchConnection): the logs dashboard queries the datasource of that engine`);
    }
    // Grafana may reach the logs' Elasticsearch at another address than Fluent Bit (a proxy, a
    // Service of another name), so a different datasource URL is accepted, and said.
    const dsUrl = datasourceOptions.elasticsearchUrl ?? dsConnection?.url;
    const endpoint = (url: string) => JSON.stringify(parseElasticsearchUrl(url) ?? url);
    if (this.fluentBit && dsUrl !== undefined && datasourcesOn
      && endpoint(dsUrl) !== endpoint(this.fluentBit.elasticsearchConnection.url)) {
      warn(this, `the logs are shipped to '${this.fluentBit.elasticsearchConnection.url}' and the Grafana datasource reads '${dsUrl}': `
        + 'right if they are one Elasticsearch reached two ways, else the logs dashboard shows none of these logs');
    }
    const logsEngine = (dsConnection ?? logsConnection)?.engine ?? SearchEngine.ELASTICSEARCH;

    const dashboardOptions = props.dashboards ?? {};
    const dashboardsOn = on('dashboards.enabled', dashboardOptions.enabled, true);
    const runbooksProvisioned = dashboardsOn && (dashboardOptions.runbooksDashboard ?? true);
    if (this.alerts && !runbooksProvisioned && alertOptions.runbookUrlPattern === undefined) {
      warn(this, 'the alerts\' runbook_url opens the RobustMQ Alert Runbooks dashboard, which is not provisioned here: provision it in that Grafana or give alerts.runbookUrlPattern');
    }
    if (dashboardsOn) {
      this.dashboards = new GrafanaDashboards(this, 'Dashboards', {
        monitor: this.serviceMonitor,
        target,
        latencyThresholdSeconds: alertOptions.latencyP99Threshold ? latencyThresholdSeconds(alertOptions.latencyP99Threshold).seconds : undefined,
        errorRateThreshold: alertOptions.errorRateThreshold,
        logsSearchEngine: logsEngine,
        probe: this.probe !== undefined,
        ...dashboardOptions,
        namespace: dashboardOptions.namespace ?? monitoringNamespace,
      });
    }

    if (datasourcesOn) {
      this.datasources = new GrafanaDatasources(this, 'Datasources', {
        jaeger: this.jaeger !== undefined,
        jaegerUrl: this.jaeger?.endpoint.queryUrl,
        elasticsearch: this.fluentBit !== undefined || datasourceOptions.elasticsearchUrl !== undefined
          || datasourceOptions.elasticsearchConnection !== undefined,
        elasticsearchConnection: datasourceOptions.elasticsearchUrl === undefined
          ? this.fluentBit?.elasticsearchConnection ?? props.elasticsearchConnection : undefined,
        elasticsearchIndex: this.fluentBit?.indexPattern,
        ...datasourceOptions,
        namespace: datasourceOptions.namespace ?? monitoringNamespace,
      });
    }
  }

  /**
   * The rule groups of every PrometheusRule of the stack (RobustMQ's, Jaeger's, then the SLOs')
   * as one plain Prometheus rule file's content.
   */
  public ruleGroups(): RuleFile {
    return { groups: [...this.ruleSources(), ...(this.slos ? [this.slos] : [])].flatMap((s) => s.ruleGroups().groups) };
  }

  /**
   * promtool unit tests for every alert of the stack, evaluated every minute. Of the SLO tests
   * only the page tier's quick pair is here (the ticket tier's span days of input: they are in
   * `slos.ruleTests()`, evaluated every 5 minutes).
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): PromtoolTestFile {
    return RuleFiles.mergeTests(ruleFile, [
      ...this.ruleSources().map((s) => s.ruleTests(ruleFile)),
      ...(this.slos ? [this.slos.quickRuleTests(ruleFile)] : []),
    ]);
  }

  /**
   * The promtool unit tests for every alert of the stack as the YAML text `promtool test rules` reads.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTestsYaml(ruleFile: string): string {
    return RuleFiles.promtoolTestsYaml(this.ruleTests(ruleFile));
  }

  private ruleSources(): Array<RobustMqAlerts | JaegerAlerts | RobustMqProbeAlerts> {
    return [...(this.alerts ? [this.alerts] : []), ...(this.jaegerAlerts ? [this.jaegerAlerts] : []),
      ...(this.probeAlerts ? [this.probeAlerts] : [])];
  }
}

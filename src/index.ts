export { WorkloadIdentity, WorkloadIdentityProps, IdentityEnv } from './identity/workload-identity';
export { RobustMqRole, RobustMqLogLevel, ClientProtocol } from './robustmq/facts';
export { RobustMqCluster, RobustMqClusterProps, PodSpreadPolicy, RobustMqCredentials, RobustMqNetworkPolicyOptions } from './robustmq/cluster';
export { IRobustMqTarget, RobustMqClusterAttributes } from './robustmq/target';
export { NetworkPolicyOptions } from './network-policy';
export { ComponentServiceMonitor, ComponentServiceMonitorProps, RobustMqServiceMonitor, RobustMqServiceMonitorProps } from './metrics/service-monitor';
export { SelfMonitoringOptions } from './metrics/self-monitoring';
export { RobustMqPodMonitor, RobustMqPodMonitorProps } from './metrics/pod-monitor';
export {
  ServiceScrapeTarget, ServiceScrapeTargetOptions, ExternalServiceScrapeTargetOptions,
  PodScrapeTarget, PodScrapeTargetOptions, ExternalPodScrapeTargetOptions,
} from './metrics/target';
export { MonitorOptions, ScrapeOptions, ScrapeTls, SecretKeyRef } from './metrics/scrape';
export * from './imports/monitoring.coreos.com';
export { IRobustMqMonitor } from './metrics/scrape';
export { RobustMqAlerts, RobustMqAlertsProps } from './alerts/alerts';
export { AlertTuning } from './alerts/rules';
export { AlertRuleSet, IAlertRuleSource } from './alerts/alert-rule-set';
export { AlertSeverity, AlertOverride, AlertSetTuning } from './alerts/engine';
export {
  RuleFile, RuleGroup, Rule, RuleFiles, PromtoolTestFile, PromtoolTest, PromtoolInputSeries, PromtoolAlertRuleTest, PromtoolExpectedAlert,
} from './alerts/rule-file';
export { GrafanaDashboards, GrafanaDashboardsProps } from './dashboards/grafana-dashboards';
export { Sli, RatioSliProps, LatencySliProps } from './slo/sli';
export { Slo, SloAlerting, BurnRateTier, BurnRateWindows } from './slo/slo';
export { RobustMqSlos, RobustMqSlosProps, RobustMqSloOptions } from './slo/slos';
export { RobustMqBuiltInSlos, ProbeSloMetrics } from './slo/built-in';
export { GrafanaDatasources, GrafanaDatasourcesProps, ProvisionedDatasource } from './dashboards/grafana-datasources';
export { DashboardSpec, DashboardRowSpec, PanelSpec, PanelQuerySpec, ThresholdStepSpec, PanelKind } from './dashboards/dashboard-spec';
export {
  Jaeger, JaegerProps, JaegerStorage, JaegerReceivers, JaegerPorts, JaegerBadgerOptions,
  JaegerElasticsearchOptions, JaegerElasticsearchCredentials, JaegerEndpoint,
} from './tracing/jaeger';
export {
  ElasticsearchConnection, ElasticsearchConnectionOptions, ElasticsearchCredentials, ElasticsearchTls, SearchEngine,
} from './elasticsearch/connection';
export { JaegerAlerts, JaegerAlertsProps } from './tracing/jaeger-alerts';
export { JaegerAlertOptions } from './tracing/alerts';
export { RobustMqProbe, RobustMqProbeOptions, RobustMqProbeProps } from './probe/probe';
export { RobustMqProbeAlerts, RobustMqProbeAlertsProps } from './probe/probe-alerts';
export { ProbeAlertOptions } from './probe/alerts';
export { OtlpExport, OtlpExportOptions, OtlpProtocol, OtelExportEnv } from './tracing/otel';
export { FluentBit, FluentBitProps, FluentBitConfigFormat, ContainerLogFormat, ElasticsearchSecretKeys } from './logging/fluent-bit';
export { ElasticsearchQuery, ErrorsByComponentOptions, LogFilterOptions } from './logging/es-query';
export {
  RobustMqAlertRouting, RobustMqAlertRoutingProps, RobustMqAlertRoutingOptions, AlertmanagerMatcherStrategy, AlertInhibition,
} from './routing/alert-routing';
export {
  AlertReceiver, AlertReceiverKind, WebhookReceiverOptions, SlackReceiverOptions, PagerDutyReceiverOptions, EmailReceiverOptions,
} from './routing/receivers';
export {
  RobustMqObservability, RobustMqObservabilityProps, ObservabilityAlertsOptions, ObservabilitySlosOptions, ObservabilityDashboardsOptions,
  ObservabilityDatasourcesOptions, ObservabilityLogsOptions, ObservabilityTracingOptions, ObservabilityProbeOptions,
} from './observability';

// The one error type every construct throws, for `instanceof` in TypeScript and JavaScript. jsii
// cannot carry a subclass of Error to other languages, so it is exported as a value it skips.
import { ValidationError as ValidationErrorClass } from './validation/errors';
/** @internal */
export const ValidationError = ValidationErrorClass;
/** @internal */
export type ValidationError = ValidationErrorClass;

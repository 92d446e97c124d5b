export { WorkloadIdentity, WorkloadIdentityProps, IdentityEnv } from './identity/workload-identity';
export { RobustMqRole, RobustMqLogLevel, ClientProtocol } from './robustmq/facts';
export { RobustMqCluster, RobustMqClusterProps, PodSpreadPolicy, RobustMqCredentials, RobustMqNetworkPolicyOptions } from './robustmq/cluster';
export { ServerTomlModel } from './robustmq/config';
export { RobustMqServiceMonitor, RobustMqServiceMonitorProps } from './metrics/service-monitor';
export { RobustMqPodMonitor, RobustMqPodMonitorProps } from './metrics/pod-monitor';
export {
  ServiceScrapeTarget, ServiceScrapeTargetOptions, ExternalServiceScrapeTargetOptions,
  PodScrapeTarget, PodScrapeTargetOptions, ExternalPodScrapeTargetOptions,
} from './metrics/target';
export { MonitorOptions, ScrapeTls, SecretKeyRef } from './metrics/scrape';
export * from './imports/monitoring.coreos.com';
export { IRobustMqMonitor } from './metrics/scrape';
export { RobustMqAlerts, RobustMqAlertsProps } from './alerts/alerts';
export { AlertTuning, AlertOverride } from './alerts/rules';
export { AlertSeverity } from './alerts/definitions';
export { GrafanaDashboards, GrafanaDashboardsProps } from './dashboards/grafana-dashboards';
export { GrafanaDatasources, GrafanaDatasourcesProps } from './dashboards/grafana-datasources';
export { DashboardSpec, DashboardRowSpec, PanelSpec, PanelQuerySpec, ThresholdStepSpec, PanelKind } from './dashboards/dashboard-spec';
export {
  Jaeger, JaegerProps, JaegerStorage, JaegerReceivers, JaegerPorts, JaegerBadgerOptions,
  JaegerElasticsearchOptions, JaegerElasticsearchCredentials, JaegerEndpoint,
} from './tracing/jaeger';
export { JaegerAlerts, JaegerAlertsProps } from './tracing/jaeger-alerts';
export { JaegerAlertOptions, JaegerAlertContext } from './tracing/alerts';
export { OtlpExport, OtlpExportOptions, OtlpProtocol, OtelExportEnv } from './tracing/otel';
export { FluentBit, FluentBitProps, FluentBitConfigFormat, ContainerLogFormat, ElasticsearchSecretKeys } from './logging/fluent-bit';
export { ElasticsearchQuery, ErrorsByComponentOptions, LogFilterOptions } from './logging/es-query';
export {
  RobustMqObservability, RobustMqObservabilityProps, ObservabilityAlertsOptions, ObservabilityDashboardsOptions,
  ObservabilityDatasourcesOptions, ObservabilityLogsOptions, ObservabilityTracingOptions,
} from './observability';

/**
 * Stable identities of the dashboards, shared by the dashboards and by the alerts that link to
 * them (`dashboard_url`). Changing one breaks every saved link: don't.
 */
export const DASHBOARD_UIDS = {
  /** RobustMQ Cluster Overview. */
  overview: 'robustmq-cluster-overview',
  /** RobustMQ MQTT Broker Details. */
  broker: 'robustmq-mqtt-broker',
  /** RobustMQ Meta Service (Raft, storage). */
  meta: 'robustmq-meta-service',
  /** RobustMQ Logs. */
  logs: 'robustmq-logs',
  /** RobustMQ Alert Runbooks (text panels; every alert's runbook_url opens one). */
  runbooks: 'robustmq-alert-runbooks',
  /** RobustMQ SLOs (error budget left, burn rates, the SLI against its objective). */
  slos: 'robustmq-slos',
} as const;

/** A dashboard key of DASHBOARD_UIDS. */
export type DashboardKey = keyof typeof DASHBOARD_UIDS;

/** Names of the dashboards' template variables that links may set (`var-<name>=`). */
export const DASHBOARD_VARIABLES = {
  datasource: 'datasource',
  cluster: 'cluster',
  namespace: 'namespace',
  pod: 'pod',
} as const;

/** A link to a dashboard, preselecting cluster and namespace. */
export function dashboardUrl(grafanaUrl: string, key: DashboardKey, clusterName: string, namespace: string): string {
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/d/${DASHBOARD_UIDS[key]}?var-${DASHBOARD_VARIABLES.cluster}=${encodeURIComponent(clusterName)}`
    + `&var-${DASHBOARD_VARIABLES.namespace}=${encodeURIComponent(namespace)}`;
}

/**
 * A link to Grafana's Explore on a datasource (for alerts on a component without a dashboard of
 * its own, such as Jaeger: its traces of the last hour).
 */
export function exploreUrl(grafanaUrl: string, datasourceUid: string): string {
  const base = grafanaUrl.replace(/\/+$/, '');
  const panes = { a: { datasource: datasourceUid, queries: [{ refId: 'A', datasource: { uid: datasourceUid } }], range: { from: 'now-1h', to: 'now' } } };
  return `${base}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/** Panel ids below this are the introductions'; an alert's id is derived from its name. */
const FIRST_ALERT_ID = 100;
const ALERT_ID_RANGE = 999_983;

/**
 * The id of an alert's runbook panel: derived from the alert's name only, so that adding or
 * reordering runbooks never changes a link that was already sent (a collision would be refused
 * by the dashboard rules as a duplicate panel id).
 */
export function runbookPanelId(alert: string): number {
  let h = 0;
  for (const ch of alert) h = (h * 31 + ch.codePointAt(0)!) % ALERT_ID_RANGE;
  return FIRST_ALERT_ID + h;
}

/**
 * The link to an alert's runbook panel. `viewPanel` with the numeric id is what Grafana has
 * taken since 8.0 and what its Scenes dashboards keep taking (grafana/grafana#74005, "Use
 * numeric panel ids in url").
 */
export function runbookUrl(grafanaUrl: string, alert: string): string {
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/d/${DASHBOARD_UIDS.runbooks}?viewPanel=${runbookPanelId(alert)}`;
}

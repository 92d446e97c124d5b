import { PROBE_ALERT_DEFINITIONS, PROBE_ALERT_GROUP, PROBE_ALERT_NAMES, ProbeAlertContext, ProbeAlertDefinition } from './alert-definitions';
import { PROBE_SAMPLE_NAMES } from './facts';
import type { RobustMqProbe } from './probe';
import { AlertSet, AlertSetTuning, SET_BY_ALERTS, alertNameOf } from '../alerts/engine';
import { dashboardUrl } from '../dashboards/uids';
import { KnownMetrics } from '../metrics/known';

export { PROBE_ALERT_GROUP, PROBE_ALERT_NAMES, ProbeAlertContext } from './alert-definitions';

/** How the probe alerts are tuned. */
export interface ProbeAlertOptions extends AlertSetTuning {
  /**
   * The range of the alerts' rates and increases, a Prometheus duration from 2m to 20m and at
   * least four probe intervals (so that it holds several round trips).
   *
   * @default '5m'
   */
  readonly window?: string;
}

/** The problem with a probe alert name, or undefined. */
export function probeAlertNameProblem(name: string): string | undefined {
  return alertNameOf(name, PROBE_ALERT_NAMES, 'a probe alert', 'probe alerts');
}

/** The probe alert set: one group, `robustmq-probe`, linking to the cluster overview dashboard. */
export const PROBE_ALERT_SET: AlertSet<ProbeAlertContext, ProbeAlertDefinition> = {
  definitions: PROBE_ALERT_DEFINITIONS,
  groups: [PROBE_ALERT_GROUP],
  groupName: (group) => group,
  knownMetrics: KnownMetrics.standard().with(PROBE_SAMPLE_NAMES),
  reservedLabels: { alertname: SET_BY_ALERTS, severity: SET_BY_ALERTS, namespace: SET_BY_ALERTS, job: SET_BY_ALERTS, name: SET_BY_ALERTS },
  dashboardUrl: (_def, ctx, grafanaUrl) => dashboardUrl(grafanaUrl, 'overview', ctx.clusterName, ctx.namespace),
  nameProblem: probeAlertNameProblem,
};

/** What the probe alerts select a probe's series by. */
export function probeAlertContext(probe: RobustMqProbe, window: string): ProbeAlertContext {
  return {
    namespace: probe.namespace,
    job: probe.serviceMonitor?.job ?? probe.name,
    probeName: probe.name,
    brokerUrl: probe.brokerUrl,
    clusterName: probe.clusterName,
    window,
  };
}

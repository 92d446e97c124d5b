import {
  ALERT_GROUPS, ALERT_NAMES, ALL_ALERT_DEFINITIONS, AlertContext, AlertDefinition, RECORDED_METRICS, RECORDING_RULES, neighbourRecordings,
} from './definitions';
import { AlertSet, AlertSetTuning, Fail, thresholdProblem } from './engine';
import { healthyFixture, robustMqDecoys } from './fixture';
import { dashboardUrl } from '../dashboards/uids';
import { suggestion } from '../metrics/catalog';
import { KnownMetrics } from '../metrics/known';
import { IRobustMqMonitor } from '../metrics/scrape';
import { IRobustMqTarget, dataClaimRegex, podNameRegex, podNames, raftMajority } from '../robustmq/target';
import { duration, durationMs } from '../validation/duration';

/**
 * The RobustMQ alert set for the alert engine: the RobustMQ definitions with the log pipeline's,
 * the tuning only this set has (minHealthyNodes, latency and error thresholds), and the context
 * its expressions are built from (the observed cluster and the monitor that scrapes it).
 */

/** How the RobustMQ alerts are tuned; shared by the RobustMqAlerts construct and the CLI. */
export interface AlertTuning extends AlertSetTuning {
  /**
   * RobustMQClusterDown fires when fewer nodes than this are up.
   *
   * @default - a Raft majority of the replicas
   */
  readonly minHealthyNodes?: number;
  /**
   * RobustMQHighLatency fires when the p99 of MQTT packet processing time is above this
   * Prometheus duration (from 1ms to 262s, the range of RobustMQ's latency buckets).
   *
   * @default '1s'
   */
  readonly latencyP99Threshold?: string;
  /**
   * RobustMQHighErrorRate fires when undecodable packets are more than this ratio (0 to 1) of
   * all packets received (while at least one packet a second arrives).
   *
   * @default 0.05
   */
  readonly errorRateThreshold?: number;
}

/** Checks an alert name against the catalog of alerts; suggests the nearest. */
export function alertNameProblem(name: string): string | undefined {
  return ALERT_NAMES.includes(name) ? undefined : `is not an alert of this library${suggestion(name, ALERT_NAMES)}: the alerts are listed in docs/runbooks.md`;
}

/** The latency threshold as seconds from a Prometheus duration, or a problem. */
export function latencyThresholdSeconds(value: string): { seconds?: number; problem?: string } {
  const problem = duration(value);
  if (problem) return { problem };
  const seconds = durationMs(value)! / 1000;
  const p = thresholdProblem('seconds', seconds);
  return p ? { problem: p.replace('must be from 0.001s to 262.144s', 'must be from 1ms to 262s') } : { seconds };
}

const PER_ALERT = 'it is set per alert (use overrides for severity)';

/** The RobustMQ alerts (and, with a log agent in the context, the log pipeline's) and recording rules. */
export const ROBUSTMQ_ALERT_SET: AlertSet<AlertContext, AlertDefinition> = {
  definitions: ALL_ALERT_DEFINITIONS,
  groups: ALERT_GROUPS,
  groupName: (group) => `robustmq.${group}`,
  recording: { group: 'robustmq.recording', rules: RECORDING_RULES },
  knownMetrics: KnownMetrics.standard().with(RECORDED_METRICS),
  reservedLabels: { alertname: PER_ALERT, severity: PER_ALERT },
  dashboardUrl: (def, ctx, grafanaUrl) => dashboardUrl(grafanaUrl, def.dashboard, ctx.clusterName, ctx.namespace),
  nameProblem: alertNameProblem,
  testInputs: { fixture: (ctx, minutes) => [...healthyFixture(ctx, minutes), ...neighbourRecordings(ctx, minutes)], decoys: robustMqDecoys },
};

/** What the context of the RobustMQ alerts is made of. */
export interface AlertContextSources {
  readonly target: IRobustMqTarget;
  readonly monitor: IRobustMqMonitor;
  /** Overrides of the target's pod and claim regexes (the deprecated RobustMqAlerts props). */
  readonly podNameRegex?: string;
  readonly dataClaimRegex?: string;
  readonly logAgent?: { readonly job: string; readonly namespace: string };
}

/**
 * The context of the RobustMQ alerts, with this set's own tuning validated and applied: what the
 * expressions select the cluster's series by and the thresholds the tuning sets.
 */
export function robustMqAlertContext(sources: AlertContextSources, tuning: AlertTuning, fail: Fail): AlertContext {
  const { target, monitor } = sources;
  const minHealthyNodes = tuning.minHealthyNodes ?? raftMajority(target.replicas);
  const minProblem = thresholdProblem('count', minHealthyNodes, target.replicas);
  if (minProblem) fail('minHealthyNodes', minHealthyNodes, minProblem);
  let latencySeconds: number | undefined;
  if (tuning.latencyP99Threshold !== undefined) {
    const r = latencyThresholdSeconds(tuning.latencyP99Threshold);
    if (r.problem) fail('latencyP99Threshold', tuning.latencyP99Threshold, r.problem);
    latencySeconds = r.seconds;
  }
  if (tuning.errorRateThreshold !== undefined) {
    const p = thresholdProblem('ratio', tuning.errorRateThreshold);
    if (p) fail('errorRateThreshold', tuning.errorRateThreshold, p);
  }
  const pods = podNames(target);
  return {
    clusterLabel: monitor.clusterLabel,
    clusterName: monitor.clusterName,
    namespace: monitor.targetNamespace,
    job: monitor.job,
    replicas: target.replicas,
    scrapeTimeoutSeconds: durationMs(monitor.scrapeTimeout)! / 1000,
    dataClaimRegex: sources.dataClaimRegex ?? dataClaimRegex(target),
    dataClaimNames: pods.map((_, i) => `${target.dataClaimPrefix}-${i}`),
    podNames: pods,
    podRegex: sources.podNameRegex ?? podNameRegex(target),
    containerName: target.containerName,
    logAgent: sources.logAgent,
    minHealthyNodes,
    latencyThresholdSeconds: latencySeconds,
    errorRateThreshold: tuning.errorRateThreshold,
  };
}

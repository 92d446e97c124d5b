import { Construct } from 'constructs';
import { AlertRuleSet } from './alert-rule-set';
import { resolveAlerts } from './engine';
import { AlertTuning, ROBUSTMQ_ALERT_SET, robustMqAlertContext } from './rules';
import { PrometheusRule } from '../imports/monitoring.coreos.com';
import { FluentBit } from '../logging/fluent-bit';
import { IRobustMqMonitor } from '../metrics/scrape';
import { RobustMqCluster } from '../robustmq/cluster';
import { IRobustMqTarget, importRobustMqTarget } from '../robustmq/target';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

const KIND = 'RobustMqAlerts';

/** Properties of RobustMqAlerts. */
export interface RobustMqAlertsProps extends AlertTuning {
  /**
   * The monitor that scrapes the cluster: the alerts select its series by its cluster label and
   * the pods' namespace, and the PrometheusRule carries its discovery labels.
   */
  readonly monitor: IRobustMqMonitor;

  /**
   * The RobustMQ observed, for its replica count, pod, container and data claim names: a
   * RobustMqCluster, or `RobustMqCluster.fromClusterAttributes()` for one deployed elsewhere.
   *
   * @default - the deprecated `cluster`, else a cluster of `replicas` pods named `<monitor's clusterName>-<ordinal>`
   */
  readonly target?: IRobustMqTarget;

  /**
   * The cluster, for its replica count and data volume names.
   *
   * @default - none
   * @deprecated use `target`
   */
  readonly cluster?: RobustMqCluster;

  /**
   * Number of RobustMQ pods, when `cluster` is not given.
   *
   * @default 3
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ replicas })`
   */
  readonly replicas?: number;

  /**
   * Regular expression matching the data PersistentVolumeClaims' names.
   *
   * @default - `<target's dataClaimPrefix>-[0-9]+`
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ dataClaimPrefix })`
   */
  readonly dataClaimRegex?: string;

  /**
   * The log agent shipping the cluster's logs: adds the log pipeline's alerts (records dropped,
   * chunks given up on, agent down).
   *
   * @default - no log pipeline alerts
   */
  readonly fluentBit?: FluentBit;

  /**
   * Regular expression matching the RobustMQ pods' names (for the container CPU and memory
   * alerts, whose cAdvisor and kube-state-metrics series carry no cluster label).
   *
   * @default - `<target's podNamePrefix>-[0-9]+`
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ podNamePrefix })`
   */
  readonly podNameRegex?: string;

  /**
   * Name of the PrometheusRule.
   *
   * @default '<clusterName>-alerts'
   */
  readonly name?: string;

  /**
   * Namespace of the PrometheusRule.
   *
   * @default - the enclosing Chart's namespace, else the monitor's
   */
  readonly namespace?: string;

  /**
   * Labels that make a Prometheus load the rules (its `ruleSelector`).
   *
   * @default - the monitor's discovery labels
   */
  readonly ruleLabels?: { [key: string]: string };
}

/**
 * RobustMQ's alerts and recording rules as a Prometheus-Operator PrometheusRule: groups by
 * concern (cluster, scrape, broker, meta service / Raft, storage, process) and recording rules
 * shared with the dashboards. Every expression is parsed and its metrics checked at synth time.
 * The same groups are available as a plain rule file (`ruleGroups()`), with promtool unit tests
 * for every alert (`ruleTests()`).
 */
export class RobustMqAlerts extends AlertRuleSet {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;
  /** The RobustMQ observed. */
  public readonly target: IRobustMqTarget;


  constructor(scope: Construct, id: string, props: RobustMqAlertsProps) {
    super(scope, id);
    const fail = (field: string, value: unknown, problem: string): never => invalid(this, KIND, field, value, problem);
    // ---- validate ----
    const monitor = props.monitor;
    this.target = resolveTarget(this, props);
    const logAgentMonitor = props.fluentBit?.serviceMonitor;
    if (props.fluentBit && !logAgentMonitor) {
      invalid(this, KIND, 'fluentBit', props.fluentBit.node.path,
        'must scrape its own metrics (monitoring.enabled true): without a ServiceMonitor RobustMQLogAgentDown would always fire');
    }
    for (const field of ['dataClaimRegex', 'podNameRegex'] as const) {
      const value = props[field];
      if (value !== undefined) check(this, KIND, field, value, checks.promqlRegex(value));
    }
    // ---- model ----
    const context = robustMqAlertContext({
      target: this.target,
      monitor,
      dataClaimRegex: props.dataClaimRegex,
      podNameRegex: props.podNameRegex,
      logAgent: props.fluentBit && logAgentMonitor ? { job: logAgentMonitor.job, namespace: props.fluentBit.namespace } : undefined,
    }, props, fail);
    const resolved = resolveAlerts(ROBUSTMQ_ALERT_SET, context, props, fail);
    this.alertNames = resolved.map((a) => a.name);

    // ---- objects ----
    const placed = this._render(KIND, ROBUSTMQ_ALERT_SET, context, resolved, {
      name: props.name ?? `${monitor.clusterName}-alerts`,
      namespace: props.namespace,
      fallbackNamespace: monitor.namespace,
      labels: props.ruleLabels ?? monitor.discoveryLabels,
    });
    this.prometheusRule = placed.rule;
    this.namespace = placed.namespace;
  }
}

/** The observed cluster: `target`, or the deprecated `cluster` or `replicas` mapped onto the factory. */
function resolveTarget(scope: Construct, props: RobustMqAlertsProps): IRobustMqTarget {
  if (props.target !== undefined && props.cluster !== undefined) {
    invalid(scope, KIND, 'cluster', props.cluster.node.path, 'must not be set together with target: give target only');
  }
  const given = props.target ?? props.cluster;
  if (given !== undefined) return given;
  const monitor = props.monitor;
  return importRobustMqTarget({
    namespace: monitor.targetNamespace,
    clusterName: monitor.clusterName,
    replicas: props.replicas,
    metricsServiceName: monitor.job,
  }, (field, value, problem) => invalid(scope, KIND, field, value, problem));
}

import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertContext } from './definitions';
import { AlertTuning, ResolvedAlert, RuleGroupJson, renderRuleGroups, renderRuleTests, resolveAlerts } from './rules';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import { FluentBit } from '../logging/fluent-bit';
import { IRobustMqMonitor } from '../metrics/scrape';
import { RobustMqCluster } from '../robustmq/cluster';
import * as checks from '../validation/checks';
import { durationMs } from '../validation/duration';
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
   * The cluster, for its replica count and data volume names.
   *
   * @default - a cluster of `replicas` pods named `<clusterName>-<ordinal>`
   */
  readonly cluster?: RobustMqCluster;

  /**
   * Number of RobustMQ pods, when `cluster` is not given.
   *
   * @default 3
   */
  readonly replicas?: number;

  /**
   * Regular expression matching the data PersistentVolumeClaims' names, when `cluster` is not
   * given.
   *
   * @default 'data-<clusterName>-[0-9]+'
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
   * Regular expression matching the RobustMQ pods' names, when `cluster` is not given (for the
   * container CPU and memory alerts, whose cAdvisor and kube-state-metrics series carry no cluster label).
   *
   * @default '<clusterName>-[0-9]+'
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
export class RobustMqAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;

  private readonly context: AlertContext;
  private readonly resolved: ResolvedAlert[];
  private readonly groups: RuleGroupJson[];

  constructor(scope: Construct, id: string, props: RobustMqAlertsProps) {
    super(scope, id);
    const monitor = props.monitor;
    const replicas = props.cluster?.replicas ?? props.replicas ?? 3;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    const podPrefix = props.cluster ? props.cluster.statefulSet.name : monitor.clusterName;
    const dataClaimRegex = props.cluster ? `data-${props.cluster.statefulSet.name}-[0-9]+` : (props.dataClaimRegex ?? `data-${monitor.clusterName}-[0-9]+`);
    try {
      new RegExp(dataClaimRegex);
    } catch {
      invalid(this, KIND, 'dataClaimRegex', dataClaimRegex, 'must be a regular expression');
    }
    if (/["\\]/.test(dataClaimRegex)) invalid(this, KIND, 'dataClaimRegex', dataClaimRegex, "must not contain '\"' or '\\'");
    if (props.podNameRegex !== undefined) {
      try {
        new RegExp(props.podNameRegex);
      } catch {
        invalid(this, KIND, 'podNameRegex', props.podNameRegex, 'must be a regular expression');
      }
      if (/["\\]/.test(props.podNameRegex)) invalid(this, KIND, 'podNameRegex', props.podNameRegex, "must not contain '\"' or '\\'");
    }
    this.context = {
      clusterLabel: monitor.clusterLabel,
      clusterName: monitor.clusterName,
      namespace: monitor.targetNamespace,
      job: monitor.job,
      replicas,
      scrapeTimeoutSeconds: durationMs(monitor.scrapeTimeout)! / 1000,
      dataClaimRegex,
      podNames: Array.from({ length: replicas }, (_, i) => `${podPrefix}-${i}`),
      podRegex: props.cluster ? `${podPrefix}-[0-9]+` : (props.podNameRegex ?? `${podPrefix}-[0-9]+`),
      containerName: props.cluster ? props.cluster.container.name : undefined,
      logAgent: props.fluentBit ? { job: props.fluentBit.serviceMonitor.job, namespace: props.fluentBit.namespace } : undefined,
    };
    this.resolved = resolveAlerts(this.context, props, (field, value, problem) => invalid(this, KIND, field, value, problem));
    this.alertNames = this.resolved.map((a) => a.name);
    this.groups = renderRuleGroups(this.context, this.resolved);

    this.namespace = props.namespace ?? Chart.of(this).namespace ?? monitor.namespace;
    check(this, KIND, 'namespace', this.namespace, checks.dnsLabel(this.namespace));
    const name = props.name ?? `${monitor.clusterName}-alerts`;
    check(this, KIND, 'name', name, checks.dnsSubdomain(name));
    const labels = { ...(props.ruleLabels ?? monitor.discoveryLabels) };
    for (const [k, v] of Object.entries(labels)) {
      check(this, KIND, 'ruleLabels key', k, checks.labelKey(k));
      check(this, KIND, `ruleLabels.${k}`, v, checks.labelValue(v));
    }

    this.prometheusRule = new PrometheusRule(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        groups: this.groups.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => ({
            alert: r.alert,
            record: r.record,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: r.labels,
            annotations: r.annotations,
          })),
        })),
      },
    });
  }

  /** The rule groups as a plain Prometheus rule file's content (`{ groups: [...] }`). */
  public ruleGroups(): any {
    return { groups: JSON.parse(JSON.stringify(this.groups)) };
  }

  /**
   * promtool unit tests for every alert that is on: where it fires (with its exact labels and
   * annotations) and where it stays quiet.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): any {
    return renderRuleTests(this.context, this.resolved, ruleFile);
  }
}

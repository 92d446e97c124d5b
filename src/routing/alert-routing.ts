import { Construct } from 'constructs';
import { buildRoutingModel, Fail, inhibitionsFor, RoutedAlert, routedAlerts, RoutingModel } from './model';
import { AlertReceiver } from './receivers';
import { alertmanagerConfigYaml, renderAlertmanagerConfigSpec } from './render';
import { IAlertRuleSource } from '../alerts/alert-rule-set';
import { AlertmanagerConfig, AlertmanagerConfigSpec } from '../imports/monitoring.coreos.com';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

const KIND = 'RobustMqAlertRouting';

/**
 * How the Prometheus Operator confines an AlertmanagerConfig to alerts (the Alertmanager's
 * `spec.alertmanagerConfigMatcherStrategy.type`).
 */
export enum AlertmanagerMatcherStrategy {
  /**
   * The operator's default: it adds `namespace="<the config's namespace>"` to every route and
   * inhibition of the config, so only alerts carrying that namespace label are routed.
   */
  ON_NAMESPACE = 'OnNamespace',
  /** No namespace matcher is added: the config's routes see every alert. */
  NONE = 'None',
}

/** An inhibition added to the built-in ones. */
export interface AlertInhibition {
  /** The alert that, while it fires, silences the targets. */
  readonly sourceAlert: string;
  /** The alerts it silences. */
  readonly targetAlerts: string[];
  /**
   * Labels source and target must share.
   *
   * @default - the cluster label and namespace
   */
  readonly equal?: string[];
}

/** What the routing takes besides the alerts: receivers, routes and where the config goes. */
export interface RobustMqAlertRoutingOptions {
  /** The receivers (AlertReceiver.webhook, .slack, .pagerDuty, .email). */
  readonly receivers: AlertReceiver[];
  /** The receiver critical alerts page. */
  readonly criticalReceiver: string;
  /**
   * The receiver warning alerts go to (a ticket queue or chat). Info alerts go nowhere.
   *
   * @default - the critical receiver
   */
  readonly warningReceiver?: string;
  /**
   * Inhibitions besides the built-in ones (the cluster outage silences its per-pod and scrape
   * alerts; a critical silences the warning of the same alert and cluster).
   *
   * @default - the built-in ones only
   */
  readonly inhibitions?: AlertInhibition[];
  /**
   * The Alertmanager's `alertmanagerConfigMatcherStrategy`.
   *
   * @default AlertmanagerMatcherStrategy.ON_NAMESPACE
   */
  readonly matcherStrategy?: AlertmanagerMatcherStrategy;
  /**
   * The namespace of the AlertmanagerConfig. With ON_NAMESPACE every routed alert must carry it
   * as its `namespace` label.
   *
   * @default - with ON_NAMESPACE, one AlertmanagerConfig in each namespace the routed alerts carry;
   * with NONE, one in the enclosing Chart's namespace
   */
  readonly namespace?: string;
  /**
   * The labels of the Alertmanager's `alertmanagerConfigSelector` (matchLabels): the config must
   * carry them to be picked up.
   *
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly alertmanagerConfigSelector?: { [key: string]: string };
  /**
   * The AlertmanagerConfig's labels. They must include the selector's.
   *
   * @default - the selector's labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * The AlertmanagerConfig's name.
   *
   * @default 'robustmq-alert-routing'
   */
  readonly name?: string;
}

/** Properties of RobustMqAlertRouting. */
export interface RobustMqAlertRoutingProps extends RobustMqAlertRoutingOptions {
  /** The alert sets routed (RobustMqAlerts, JaegerAlerts, RobustMqSlos). */
  readonly alerts: IAlertRuleSource[];
  /**
   * The label carrying the cluster name (the monitors' `clusterLabel`): alerts are grouped by it.
   *
   * @default 'cluster'
   */
  readonly clusterLabel?: string;
}

/**
 * Routes the stack's alerts by severity as Prometheus Operator AlertmanagerConfig objects, and
 * the same routing as a plain alertmanager.yml (`alertmanagerConfigYaml()`): critical pages,
 * warning goes to a ticket or chat receiver, info goes nowhere; grouped by cluster and alert name;
 * the cluster outage silences its per-pod and scrape alerts, a critical the warning of the same
 * alert and cluster. Every URL, key and password is a Secret key reference.
 */
export class RobustMqAlertRouting extends Construct {
  /** The AlertmanagerConfig objects (one per namespace, see `namespace`). */
  public readonly alertmanagerConfigs: AlertmanagerConfig[];
  /** The names of the routed alerts. */
  public readonly alertNames: string[];
  /** The matcher strategy the configs are written for. */
  public readonly matcherStrategy: AlertmanagerMatcherStrategy;
  private readonly model: RoutingModel;

  constructor(scope: Construct, id: string, props: RobustMqAlertRoutingProps) {
    super(scope, id);
    const fail: Fail = (field, value, problem) => invalid(this, KIND, field, value, problem);
    const name = props.name ?? 'robustmq-alert-routing';
    check(this, KIND, 'name', name, checks.dnsSubdomain(name));
    const strategy = props.matcherStrategy ?? AlertmanagerMatcherStrategy.ON_NAMESPACE;
    check(this, KIND, 'matcherStrategy', strategy, checks.oneOf(strategy, Object.values(AlertmanagerMatcherStrategy)));
    this.matcherStrategy = strategy;
    if (props.namespace !== undefined) check(this, KIND, 'namespace', props.namespace, checks.dnsLabel(props.namespace));
    const clusterLabel = props.clusterLabel ?? 'cluster';
    check(this, KIND, 'clusterLabel', clusterLabel, checks.prometheusLabelName(clusterLabel));

    const selector = props.alertmanagerConfigSelector ?? { release: 'kube-prometheus-stack' };
    const labels = props.labels ?? selector;
    for (const [k, v] of Object.entries(labels)) {
      check(this, KIND, 'labels key', k, checks.labelKey(k));
      check(this, KIND, `labels.${k}`, v, checks.labelValue(v));
    }
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) {
        const shown = Object.entries(selector).map(([a, b]) => `${a}: ${b}`).join(', ');
        fail(`labels.${k}`, labels[k] ?? 'unset', `must be '${v}': the Alertmanager's alertmanagerConfigSelector matches labels {${shown}}, and a config without them is never picked up; `
          + 'give those labels, or set alertmanagerConfigSelector to the selector your Alertmanager really has');
      }
    }

    const alerts: RoutedAlert[] = props.alerts.flatMap((set) => routedAlerts(set.ruleGroups(), set.ruleTests('rules.yaml')));
    if (alerts.length === 0) fail('alerts', '[]', 'must hold at least one alert to route');
    this.alertNames = alerts.map((a) => a.name);
    const inhibitions = (props.inhibitions ?? []).map((i) => ({ ...i }));
    this.model = buildRoutingModel({
      alerts,
      receivers: props.receivers.map((r) => r._model()),
      criticalReceiver: props.criticalReceiver,
      warningReceiver: props.warningReceiver ?? props.criticalReceiver,
      clusterLabel,
      inhibitions,
    }, fail);

    // Which AlertmanagerConfig (namespace) routes which alerts.
    const byNamespace = new Map<string | undefined, Set<string>>();
    const place = (ns: string | undefined, alert: string) => byNamespace.set(ns, (byNamespace.get(ns) ?? new Set()).add(alert));
    if (strategy === AlertmanagerMatcherStrategy.ON_NAMESPACE) {
      // The operator's namespaceEnforcer (pkg/alertmanager/amcfg.go:189-203 at v0.93.0) appends
      // `namespace="<the AlertmanagerConfig's namespace>"` to the config's routes, and (:155-185) to
      // both sides of its inhibitions; getEnforcer (:248-266) picks it unless the strategy is None.
      for (const a of alerts) {
        const ns = a.labels.namespace;
        if (ns === undefined) {
          fail('matcherStrategy', strategy, `cannot route alert ${a.name}: it carries no namespace label, and the Prometheus Operator's OnNamespace strategy adds namespace="<the AlertmanagerConfig's namespace>" to every route (pkg/alertmanager/amcfg.go:189); use matcherStrategy None on an Alertmanager with alertmanagerConfigMatcherStrategy None`);
        }
        if (props.namespace !== undefined && ns !== props.namespace) {
          fail('namespace', props.namespace, `is not the namespace label of alert ${a.name} (namespace="${ns}"): the Prometheus Operator's default matcher strategy OnNamespace adds namespace="${props.namespace}" to the config's routes (pkg/alertmanager/amcfg.go:189), so that alert would never be routed; `
            + 'every routed alert must carry the namespace label of the config: leave namespace unset (one AlertmanagerConfig per namespace the alerts carry), or use matcherStrategy None with an Alertmanager whose alertmanagerConfigMatcherStrategy is None');
        }
        place(ns, a.name);
      }
      inhibitions.forEach((inh, i) => {
        const nsOf = (n: string) => alerts.find((a) => a.name === n)!.labels.namespace;
        const other = inh.targetAlerts.find((t) => nsOf(t) !== nsOf(inh.sourceAlert));
        if (other !== undefined) {
          fail(`inhibitions[${i}].targetAlerts`, other, `carries namespace="${nsOf(other)}" and the source ${inh.sourceAlert} namespace="${nsOf(inh.sourceAlert)}": under OnNamespace the operator confines an inhibition to its config's namespace (pkg/alertmanager/amcfg.go:155), so it would never apply; name alerts of one namespace`);
        }
      });
    } else {
      for (const a of alerts) place(props.namespace, a.name);
    }

    const namespaces = [...byNamespace.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    this.alertmanagerConfigs = namespaces.map((ns) => new AlertmanagerConfig(this, namespaces.length === 1 ? 'Config' : `Config-${ns}`, {
      metadata: { name, namespace: ns, labels: { ...labels } },
      spec: renderAlertmanagerConfigSpec(this.model, inhibitionsFor(this.model, byNamespace.get(ns)!)) as AlertmanagerConfigSpec,
    }));
  }

  /**
   * The same routing as a plain alertmanager.yml, for an Alertmanager run without the operator.
   * Each secret is read from `<secretsDir>/<Secret name>/<key>` (the Secrets mounted as files).
   *
   * @param secretsDir where the Secrets are mounted
   * @default '/etc/alertmanager/secrets' (where the operator mounts an Alertmanager's spec.secrets)
   */
  public alertmanagerConfigYaml(secretsDir?: string): string {
    return alertmanagerConfigYaml(this.model, secretsDir);
  }
}

import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { JaegerAlertOptions, ResolvedJaegerAlert, jaegerRuleGroupOf, renderJaegerRuleTests, resolveJaegerAlerts } from './alerts';
import { Jaeger } from './jaeger';
import { RuleGroupJson } from '../alerts/rules';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import { DEFAULT_DISCOVERY_LABELS } from '../metrics/scrape';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

const KIND = 'JaegerAlerts';

/** Properties of JaegerAlerts. */
export interface JaegerAlertsProps extends JaegerAlertOptions {
  /** The Jaeger whose own metrics the alerts watch (it must scrape itself: `selfMonitoring`). */
  readonly jaeger: Jaeger;
  /**
   * Name of the PrometheusRule.
   *
   * @default '<jaeger name>-alerts'
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule.
   *
   * @default - the enclosing Chart's namespace, else Jaeger's
   */
  readonly namespace?: string;
  /**
   * Labels that make a Prometheus load the rules (its `ruleSelector`).
   *
   * @default - the discovery labels of Jaeger's ServiceMonitor
   */
  readonly ruleLabels?: { [key: string]: string };
}

/**
 * Jaeger's alerts (JaegerDown, JaegerSpansRefused, JaegerSpansExportFailed) as their own
 * PrometheusRule with one rule group, `jaeger`. The same group is available as a plain rule file
 * (`ruleGroups()`) with promtool unit tests (`ruleTests()`).
 */
export class JaegerAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;

  private readonly props: JaegerAlertsProps;
  private readonly resolved: ResolvedJaegerAlert[];
  private readonly group: RuleGroupJson;

  constructor(scope: Construct, id: string, props: JaegerAlertsProps) {
    super(scope, id);
    const jaeger = props.jaeger;
    if (!jaeger.serviceMonitor) {
      invalid(this, KIND, 'jaeger', jaeger.node.path,
        'must scrape its own metrics (selfMonitoring true): without a ServiceMonitor JaegerDown would always fire');
    }
    this.props = props;
    const fail = (field: string, value: unknown, problem: string): never => invalid(this, KIND, field, value, problem);
    this.resolved = resolveJaegerAlerts(jaeger.alertContext, props, fail);
    this.alertNames = this.resolved.map((a) => a.name);
    this.group = jaegerRuleGroupOf(this.resolved);

    this.namespace = props.namespace ?? Chart.of(this).namespace ?? jaeger.namespace;
    check(this, KIND, 'namespace', this.namespace, checks.dnsLabel(this.namespace));
    const name = props.name ?? `${jaeger.name}-alerts`;
    check(this, KIND, 'name', name, checks.dnsSubdomain(name));
    const labels = { ...(props.ruleLabels ?? jaeger.serviceMonitor?.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS) };
    for (const [k, v] of Object.entries(labels)) {
      check(this, KIND, 'ruleLabels key', k, checks.labelKey(k));
      check(this, KIND, `ruleLabels.${k}`, v, checks.labelValue(v));
    }

    this.prometheusRule = new PrometheusRule(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        groups: [{
          name: this.group.name,
          rules: this.group.rules.map((r) => ({
            alert: r.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: r.labels,
            annotations: r.annotations,
          })),
        }],
      },
    });
  }

  /** The rule group as a plain Prometheus rule file's content (`{ groups: [...] }`). */
  public ruleGroups(): any {
    return { groups: [JSON.parse(JSON.stringify(this.group))] };
  }

  /**
   * promtool unit tests for every Jaeger alert that is on.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): any {
    return renderJaegerRuleTests(this.props.jaeger.alertContext, ruleFile, this.props,
      (field, value, problem) => invalid(this, KIND, field, value, problem));
  }
}

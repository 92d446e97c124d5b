import { Construct } from 'constructs';
import { JAEGER_ALERT_SET, JaegerAlertOptions, jaegerAlertContext } from './alerts';
import { Jaeger } from './jaeger';
import { JaegerAlertContext, JaegerAlertDefinition } from './jaeger-alert-definitions';
import { ResolvedAlert, renderPromtoolTests, renderRuleGroups, resolveAlerts } from '../alerts/engine';
import { copyGroups, placePrometheusRule } from '../alerts/prometheus-rule';
import { PromtoolTestFile, RuleFile, RuleFiles, RuleGroup } from '../alerts/rule-file';
import { PrometheusRule } from '../imports/monitoring.coreos.com';
import { DEFAULT_DISCOVERY_LABELS } from '../metrics/scrape';
import { invalid } from '../validation/errors';

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
 * PrometheusRule with one rule group, `jaeger`, each linking Grafana's Explore on the Jaeger
 * datasource. The same group is available as a plain rule file
 * (`ruleGroups()`) with promtool unit tests (`ruleTests()`).
 */
export class JaegerAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;

  private readonly context: JaegerAlertContext;
  private readonly resolved: ResolvedAlert<JaegerAlertDefinition>[];
  private readonly groups: RuleGroup[];

  constructor(scope: Construct, id: string, props: JaegerAlertsProps) {
    super(scope, id);
    // ---- validate ----
    const jaeger = props.jaeger;
    if (!jaeger.serviceMonitor) {
      invalid(this, KIND, 'jaeger', jaeger.node.path,
        'must scrape its own metrics (selfMonitoring true): without a ServiceMonitor JaegerDown would always fire');
    }
    // ---- model ----
    this.context = jaegerAlertContext(jaeger);
    this.resolved = resolveAlerts(JAEGER_ALERT_SET, this.context, props, (field, value, problem) => invalid(this, KIND, field, value, problem));
    this.alertNames = this.resolved.map((a) => a.name);
    this.groups = renderRuleGroups(JAEGER_ALERT_SET, this.context, this.resolved);

    // ---- objects ----
    const placed = placePrometheusRule(this, KIND, {
      name: props.name ?? `${jaeger.name}-alerts`,
      namespace: props.namespace,
      fallbackNamespace: jaeger.namespace,
      labels: props.ruleLabels ?? jaeger.serviceMonitor?.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS,
    }, this.groups);
    this.prometheusRule = placed.rule;
    this.namespace = placed.namespace;
  }

  /** The rule group as a plain Prometheus rule file's content (`{ groups: [...] }`). */
  public ruleGroups(): RuleFile {
    return { groups: copyGroups(this.groups) };
  }

  /**
   * promtool unit tests for every Jaeger alert that is on.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): PromtoolTestFile {
    return renderPromtoolTests(this.context, this.resolved, ruleFile);
  }

  /**
   * The promtool unit tests as the YAML text `promtool test rules` reads.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTestsYaml(ruleFile: string): string {
    return RuleFiles.promtoolTestsYaml(this.ruleTests(ruleFile));
  }
}

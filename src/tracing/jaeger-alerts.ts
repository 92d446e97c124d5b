import { Construct } from 'constructs';
import { JAEGER_ALERT_SET, JaegerAlertOptions, jaegerAlertContext } from './alerts';
import { Jaeger } from './jaeger';
import { AlertRuleSet } from '../alerts/alert-rule-set';
import { resolveAlerts } from '../alerts/engine';
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
export class JaegerAlerts extends AlertRuleSet {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;


  constructor(scope: Construct, id: string, props: JaegerAlertsProps) {
    super(scope, id);
    // ---- validate ----
    const jaeger = props.jaeger;
    if (!jaeger.serviceMonitor) {
      invalid(this, KIND, 'jaeger', jaeger.node.path,
        'must scrape its own metrics (selfMonitoring true): without a ServiceMonitor JaegerDown would always fire');
    }
    // ---- model ----
    const context = jaegerAlertContext(jaeger);
    const resolved = resolveAlerts(JAEGER_ALERT_SET, context, props, (field, value, problem) => invalid(this, KIND, field, value, problem));
    this.alertNames = resolved.map((a) => a.name);

    // ---- objects ----
    const placed = this._render(KIND, JAEGER_ALERT_SET, context, resolved, {
      name: props.name ?? `${jaeger.name}-alerts`,
      namespace: props.namespace,
      fallbackNamespace: jaeger.namespace,
      labels: props.ruleLabels ?? jaeger.serviceMonitor?.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS,
    });
    this.prometheusRule = placed.rule;
    this.namespace = placed.namespace;
  }
}

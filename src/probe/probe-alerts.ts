import { Construct } from 'constructs';
import { PROBE_ALERT_SET, ProbeAlertOptions, probeAlertContext } from './alerts';
import { RobustMqProbe } from './probe';
import { AlertRuleSet } from '../alerts/alert-rule-set';
import { resolveAlerts } from '../alerts/engine';
import { PrometheusRule } from '../imports/monitoring.coreos.com';
import { DEFAULT_DISCOVERY_LABELS } from '../metrics/scrape';
import { duration, durationMs } from '../validation/duration';
import { check, invalid } from '../validation/errors';

const KIND = 'RobustMqProbeAlerts';

/** Properties of RobustMqProbeAlerts. */
export interface RobustMqProbeAlertsProps extends ProbeAlertOptions {
  /** The probe whose series the alerts watch (it must be scraped: `monitoring`). */
  readonly probe: RobustMqProbe;
  /**
   * Name of the PrometheusRule.
   *
   * @default '<probe name>-alerts'
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule.
   *
   * @default - the enclosing Chart's namespace, else the probe's
   */
  readonly namespace?: string;
  /**
   * Labels that make a Prometheus load the rules (its `ruleSelector`).
   *
   * @default - the discovery labels of the probe's ServiceMonitor
   */
  readonly ruleLabels?: { [key: string]: string };
}

/**
 * The probe's alerts (RobustMQProbeDown, RobustMQProbeFailing, RobustMQProbeSlowRoundTrip) as
 * their own PrometheusRule with one rule group, `robustmq-probe`; the same group as a plain rule
 * file (`ruleGroups()`) with promtool unit tests (`ruleTests()`).
 */
export class RobustMqProbeAlerts extends AlertRuleSet {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Names of the alerts that are on. */
  public readonly alertNames: string[];
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;
  /** The range of the alerts' rates. */
  public readonly window: string;

  constructor(scope: Construct, id: string, props: RobustMqProbeAlertsProps) {
    super(scope, id);
    const probe = props.probe;
    if (!probe.serviceMonitor) {
      invalid(this, KIND, 'probe', probe.node.path,
        'must be scraped (monitoring.enabled true): without its ServiceMonitor RobustMQProbeDown would always fire');
    }
    const window = props.window ?? '5m';
    check(this, KIND, 'window', window, duration(window));
    const w = durationMs(window)!;
    if (w < 120_000 || w > 1_200_000) {
      invalid(this, KIND, 'window', window, 'must be from 2m to 20m: shorter holds too few scrapes for a rate, longer reacts too late');
    }
    if (w < 4 * durationMs(probe.interval)!) {
      invalid(this, KIND, 'window', window, `must be at least 4 × the probe's interval '${probe.interval}': it must hold several round trips`);
    }
    this.window = window;
    const context = probeAlertContext(probe, window);
    const resolved = resolveAlerts(PROBE_ALERT_SET, context, props, (field, value, problem) => invalid(this, KIND, field, value, problem));
    this.alertNames = resolved.map((a) => a.name);
    const placed = this._render(KIND, PROBE_ALERT_SET, context, resolved, {
      name: props.name ?? `${probe.name}-alerts`,
      namespace: props.namespace,
      fallbackNamespace: probe.namespace,
      labels: props.ruleLabels ?? probe.serviceMonitor?.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS,
    });
    this.prometheusRule = placed.rule;
    this.namespace = placed.namespace;
  }
}

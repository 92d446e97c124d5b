import { JAEGER_DATASOURCE_UID } from './facts';
import type { Jaeger } from './jaeger';
import {
  JAEGER_ALERT_DEFINITIONS, JAEGER_ALERT_GROUP, JAEGER_ALERT_NAMES, JAEGER_KNOWN_METRICS, JaegerAlertContext, JaegerAlertDefinition,
} from './jaeger-alert-definitions';
import { AlertSet, AlertSetTuning, Fail, SET_BY_ALERTS, alertNameOf, renderPromtoolTests, renderRuleGroups, resolveAlerts } from '../alerts/engine';
import { PromtoolTestFile, RuleGroup } from '../alerts/rule-file';
import { exploreUrl } from '../dashboards/uids';
import { ValidationError } from '../validation/errors';

export { JAEGER_ALERT_GROUP, JAEGER_ALERT_NAMES, JaegerAlertContext } from './jaeger-alert-definitions';

/** How the Jaeger alerts are tuned: the tuning every alert set takes. */
export interface JaegerAlertOptions extends AlertSetTuning {}

/** The problem with a Jaeger alert name, or undefined. */
export function jaegerAlertNameProblem(name: string): string | undefined {
  return alertNameOf(name, JAEGER_ALERT_NAMES, 'a Jaeger alert', 'Jaeger alerts');
}

/** The Jaeger alert set: one group, `jaeger`, linking to Grafana's Explore on the Jaeger datasource. */
export const JAEGER_ALERT_SET: AlertSet<JaegerAlertContext, JaegerAlertDefinition> = {
  definitions: JAEGER_ALERT_DEFINITIONS,
  groups: [JAEGER_ALERT_GROUP],
  groupName: (group) => group,
  knownMetrics: JAEGER_KNOWN_METRICS,
  reservedLabels: { alertname: SET_BY_ALERTS, severity: SET_BY_ALERTS, namespace: SET_BY_ALERTS, job: SET_BY_ALERTS },
  dashboardUrl: (_def, _ctx, grafanaUrl) => exploreUrl(grafanaUrl, JAEGER_DATASOURCE_UID),
  nameProblem: jaegerAlertNameProblem,
};

/** What the Jaeger alerts select a Jaeger's series by: its namespace, its ServiceMonitor's job and cluster label. */
export function jaegerAlertContext(jaeger: Jaeger): JaegerAlertContext {
  return {
    namespace: jaeger.namespace,
    job: jaeger.serviceMonitor?.job ?? jaeger.name,
    clusterLabel: jaeger.serviceMonitor?.clusterLabel ?? 'cluster',
    clusterName: jaeger.name,
  };
}

function defaultFail(field: string, value: unknown, problem: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw new ValidationError('Jaeger alerts', field, `Jaeger alerts: ${field} '${shown}' ${problem}`, shown, problem);
}

/** The `jaeger` rule group: add it to a PrometheusRule's `spec.groups` or a rule file's `groups`. */
export function renderJaegerRuleGroup(ctx: JaegerAlertContext, options: JaegerAlertOptions = {}, fail: Fail = defaultFail): RuleGroup {
  return renderRuleGroups(JAEGER_ALERT_SET, ctx, resolveAlerts(JAEGER_ALERT_SET, ctx, options, fail))[0]
    ?? { name: JAEGER_ALERT_GROUP, rules: [] };
}

/**
 * promtool unit tests for the Jaeger alerts: for every alert an input where it fires, with the
 * exact labels and annotations expected, and one where it stays quiet.
 *
 * @param ruleFile the rule file's path as the test file names it
 */
export function renderJaegerRuleTests(ctx: JaegerAlertContext, ruleFile: string, options: JaegerAlertOptions = {},
  fail: Fail = defaultFail): PromtoolTestFile {
  return renderPromtoolTests(ctx, resolveAlerts(JAEGER_ALERT_SET, ctx, options, fail), ruleFile);
}

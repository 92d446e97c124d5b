import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { RuleGroup } from './rule-file';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import * as checks from '../validation/checks';
import { check } from '../validation/errors';

/** Where a PrometheusRule goes and which Prometheus loads it. */
export interface PrometheusRulePlacement {
  readonly name: string;
  /** The namespace given, else the enclosing Chart's, else this. */
  readonly namespace?: string;
  readonly fallbackNamespace: string;
  /** Labels that make a Prometheus load the rules (its `ruleSelector`). */
  readonly labels: { [key: string]: string };
}

/**
 * The one renderer of rule groups to a Prometheus-Operator PrometheusRule: checks the name,
 * namespace and rule labels, and places the object under `scope` as `Resource`.
 */
export function placePrometheusRule(scope: Construct, kind: string, placement: PrometheusRulePlacement,
  groups: readonly RuleGroup[]): { rule: PrometheusRule; namespace: string } {
  const namespace = placement.namespace ?? Chart.of(scope).namespace ?? placement.fallbackNamespace;
  check(scope, kind, 'namespace', namespace, checks.dnsLabel(namespace));
  check(scope, kind, 'name', placement.name, checks.dnsSubdomain(placement.name));
  const labels = { ...placement.labels };
  for (const [k, v] of Object.entries(labels)) {
    check(scope, kind, 'ruleLabels key', k, checks.labelKey(k));
    check(scope, kind, `ruleLabels.${k}`, v, checks.labelValue(v));
  }
  const rule = new PrometheusRule(scope, 'Resource', {
    metadata: { name: placement.name, namespace, labels },
    spec: {
      groups: groups.map((g) => ({
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
  return { rule, namespace };
}

/** A deep copy of rule groups, as a rule file's content. */
export function copyGroups(groups: readonly RuleGroup[]): RuleGroup[] {
  return JSON.parse(JSON.stringify(groups));
}

import { Construct } from 'constructs';
import { AlertDefinition, AlertSet, ResolvedAlert, renderPromtoolTests, renderRuleGroups } from './engine';
import { PrometheusRulePlacement, copyGroups, placePrometheusRule } from './prometheus-rule';
import { PromtoolTestFile, RuleFile, RuleFiles, RuleGroup } from './rule-file';
import { PrometheusRule } from '../imports/monitoring.coreos.com';

/**
 * Rules that carry alerts, as the routing reads them: the rule groups, and the promtool tests that
 * say which labels each alert fires with. Every AlertRuleSet is one, and so are the SLOs.
 */
export interface IAlertRuleSource {
  /** The rule groups as a plain Prometheus rule file's content. */
  ruleGroups(): RuleFile;
  /**
   * promtool unit tests for the alerts: where each fires, with its exact labels.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  ruleTests(ruleFile: string): PromtoolTestFile;
}

/**
 * What every alert construct is: resolved alerts of one alert set rendered as a PrometheusRule,
 * the same groups as a plain rule file, and promtool tests for every alert that is on.
 * RobustMqAlerts and JaegerAlerts extend it; SLO and probe rules will too.
 */
export abstract class AlertRuleSet extends Construct implements IAlertRuleSource {
  private groups: RuleGroup[] = [];
  private tests: (ruleFile: string) => PromtoolTestFile = (ruleFile) => renderPromtoolTests(undefined, [], ruleFile);

  /**
   * Renders the resolved alerts of `set` (and its recording rules) into the PrometheusRule.
   *
   * @internal
   */
  protected _render<C, D extends AlertDefinition<C>>(kind: string, set: AlertSet<C, D>, ctx: C,
    resolved: readonly ResolvedAlert<D>[], placement: PrometheusRulePlacement): { rule: PrometheusRule; namespace: string } {
    this.groups = renderRuleGroups(set, ctx, resolved);
    // Recording rules first: alerts read them at the same step, not one step late at random.
    const isRecording = (g: RuleGroup) => g.name === set.recording?.group;
    const recordingFirst = [...this.groups.filter(isRecording), ...this.groups.filter((g) => !isRecording(g))];
    const order = recordingFirst.map((g) => g.name);
    this.tests = (ruleFile) => renderPromtoolTests(ctx, resolved, ruleFile, set.testInputs, set.recording ? order : undefined);
    return placePrometheusRule(this, kind, placement, this.groups);
  }

  /** The rule groups as a plain Prometheus rule file's content (`{ groups: [...] }`). */
  public ruleGroups(): RuleFile {
    return { groups: copyGroups(this.groups) };
  }

  /**
   * promtool unit tests for every alert that is on: where it fires (with its exact labels and
   * annotations) and where it stays quiet.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): PromtoolTestFile {
    return this.tests(ruleFile);
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

import { Yaml } from 'cdk8s';

/**
 * The typed results of the alert engine: a Prometheus rule file and a promtool unit test file,
 * and their YAML text (promtool reads snake_case keys; jsii properties are camelCase).
 */

/** One alerting or recording rule. */
export interface Rule {
  /**
   * The alert's name (alerting rules).
   *
   * @default - a recording rule
   */
  readonly alert?: string;
  /**
   * The recorded series' name (recording rules).
   *
   * @default - an alerting rule
   */
  readonly record?: string;
  /** The PromQL expression. */
  readonly expr: string;
  /**
   * How long the condition must hold (alerting rules).
   *
   * @default - none
   */
  readonly for?: string;
  /**
   * Static labels.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations (alerting rules).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** A rule group. */
export interface RuleGroup {
  /** The group's name. */
  readonly name: string;
  /** Its rules, in evaluation order. */
  readonly rules: Rule[];
}

/** A plain Prometheus rule file (`groups:`), as `promtool check rules` reads it. */
export interface RuleFile {
  /** The rule groups. */
  readonly groups: RuleGroup[];
}

/** One input series of a promtool test. */
export interface PromtoolInputSeries {
  /** The series, `name{label="value", ...}`. */
  readonly series: string;
  /** Its samples in promtool's expanding notation, e.g. `0+10x30`. */
  readonly values: string;
}

/** An alert a promtool test expects. */
export interface PromtoolExpectedAlert {
  /** Its labels. */
  readonly expLabels: { [key: string]: string };
  /** Its annotations, rendered. */
  readonly expAnnotations: { [key: string]: string };
}

/** One `alert_rule_test` of a promtool test. */
export interface PromtoolAlertRuleTest {
  /** When the alerts are evaluated, e.g. `26m`. */
  readonly evalTime: string;
  /** The alert checked. */
  readonly alertname: string;
  /** The alerts expected firing (none for a quiet case). */
  readonly expAlerts: PromtoolExpectedAlert[];
}

/** One promtool unit test. */
export interface PromtoolTest {
  /** What it checks. */
  readonly name: string;
  /** The interval between input samples. */
  readonly interval: string;
  /** The input series. */
  readonly inputSeries: PromtoolInputSeries[];
  /** The alert checks. */
  readonly alertRuleTests: PromtoolAlertRuleTest[];
}

/** A promtool unit test file, as `promtool test rules` reads it. */
export interface PromtoolTestFile {
  /** The rule files the tests load. */
  readonly ruleFiles: string[];
  /** The rules' evaluation interval. */
  readonly evaluationInterval: string;
  /**
   * The order in which rule groups are evaluated at each step (promtool's `group_eval_order`):
   * recording rules first, so an alert reads them at the same step, deterministically.
   *
   * @default - promtool's order, which is not fixed
   */
  readonly groupEvalOrder?: string[];
  /** The tests. */
  readonly tests: PromtoolTest[];
}

/** promtool's own keys of a test file. */
function promtoolJson(file: PromtoolTestFile): object {
  return {
    rule_files: [...file.ruleFiles],
    evaluation_interval: file.evaluationInterval,
    ...(file.groupEvalOrder && file.groupEvalOrder.length > 0 ? { group_eval_order: [...file.groupEvalOrder] } : {}),
    tests: file.tests.map((t) => ({
      name: t.name,
      interval: t.interval,
      input_series: t.inputSeries.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: t.alertRuleTests.map((r) => ({
        eval_time: r.evalTime,
        alertname: r.alertname,
        exp_alerts: r.expAlerts.map((e) => ({ exp_labels: { ...e.expLabels }, exp_annotations: { ...e.expAnnotations } })),
      })),
    })),
  };
}

/** The YAML text of rule files and promtool test files. */
export class RuleFiles {
  /** A rule file as YAML (`promtool check rules` and Prometheus's `rule_files` read it). */
  public static ruleFileYaml(file: RuleFile): string {
    return Yaml.stringify(JSON.parse(JSON.stringify(file)));
  }

  /** A promtool test file as YAML, with promtool's snake_case keys (`promtool test rules` reads it). */
  public static promtoolTestsYaml(file: PromtoolTestFile): string {
    return Yaml.stringify(promtoolJson(file));
  }

  /** The union of several test files for one rule file: the first file's header, every test. */
  public static mergeTests(ruleFile: string, files: PromtoolTestFile[]): PromtoolTestFile {
    const order = files.flatMap((f) => f.groupEvalOrder ?? []);
    return {
      ruleFiles: [ruleFile],
      evaluationInterval: files[0]?.evaluationInterval ?? '1m',
      ...(order.length > 0 ? { groupEvalOrder: order } : {}),
      tests: files.flatMap((f) => f.tests),
    };
  }

  private constructor() {}
}

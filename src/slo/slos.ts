import { Construct } from 'constructs';
import { builtInSlos } from './built-in';
import { renderSloGroups } from './render';
import { Slo, SloModel, resolveSlo } from './slo';
import { SLO_EVALUATION_INTERVAL, TestTiers, renderSloTests, testable } from './tests';
import { IAlertRuleSource } from '../alerts/alert-rule-set';
import { DEFAULT_GRAFANA_URL } from '../alerts/engine';
import { copyGroups, placePrometheusRule } from '../alerts/prometheus-rule';
import { PromtoolTestFile, RuleFile, RuleFiles, RuleGroup } from '../alerts/rule-file';
import { DASHBOARD_UIDS } from '../dashboards/uids';
import { PrometheusRule } from '../imports/monitoring.coreos.com';
import { KnownMetrics } from '../metrics/known';
import { IRobustMqMonitor } from '../metrics/scrape';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

const KIND = 'RobustMqSlos';

/** What the SLOs are and where their rules go (RobustMqSlosProps without the monitor). */
export interface RobustMqSloOptions {
  /**
   * Include the built-in broker SLOs (`builtInSlos()`: PUBLISH handling latency).
   *
   * @default true
   */
  readonly builtIn?: boolean;
  /**
   * More SLOs (your own, or `probeSlos()` for a synthetic probe).
   *
   * @default - none
   */
  readonly slos?: Slo[];
  /**
   * Sloth's `sloth_service` of every SLO here; unique per cluster in one Prometheus.
   *
   * @default - `<monitor's targetNamespace>-<clusterName>`
   */
  readonly service?: string;
  /**
   * Grafana's URL, for the alerts' link to the SLO dashboard.
   *
   * @default 'http://localhost:3000'
   */
  readonly grafanaUrl?: string;
  /**
   * Name of the PrometheusRule.
   *
   * @default '<clusterName>-slos'
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

/** Properties of RobustMqSlos. */
export interface RobustMqSlosProps extends RobustMqSloOptions {
  /** The monitor that scrapes the cluster: the built-in SLOs select its series, the PrometheusRule carries its discovery labels. */
  readonly monitor: IRobustMqMonitor;
}

/**
 * SLOs as one PrometheusRule with Sloth's recording rules (`slo:sli_error:ratio_rate<window>`,
 * `slo:objective:ratio`, `slo:error_budget:ratio`, burn rates, budget remaining; labels
 * `sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`) and multi-window, multi-burn-rate
 * alerts (page: critical, ticket: warning). Every SLI query is parsed and its metrics checked at
 * synth time; promtool tests for every tier come with it (`ruleTests()`).
 */
export class RobustMqSlos extends Construct implements IAlertRuleSource {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;
  /** Names of the SLOs. */
  public readonly sloNames: string[];
  /** Names of the burn-rate alerts. */
  public readonly alertNames: string[];
  /** Sloth's `sloth_service` of these SLOs. */
  public readonly service: string;
  /** SLOs whose SLI has a shape the test generator cannot feed (no generated tests). */
  public readonly untestedSlos: string[];

  private readonly groups: RuleGroup[];
  private readonly models: SloModel[];
  private readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: RobustMqSlosProps) {
    super(scope, id);
    const fail = (field: string, value: unknown, problem: string): never => invalid(this, KIND, field, value, problem);
    const monitor = props.monitor;
    const service = props.service ?? `${monitor.targetNamespace}-${monitor.clusterName}`;
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/.test(service)) {
      fail('service', service, "must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit (Sloth's name rule)");
    }
    this.service = service;
    const grafanaUrl = props.grafanaUrl ?? DEFAULT_GRAFANA_URL;
    check(this, KIND, 'grafanaUrl', grafanaUrl, checks.httpUrl(grafanaUrl));
    const slos = [...((props.builtIn ?? true) ? builtInSlos(monitor) : []), ...(props.slos ?? [])];
    const known = KnownMetrics.standard();
    const builtInCount = (props.builtIn ?? true) ? builtInSlos(monitor).length : 0;
    // The observed cluster's identity on every SLO's series and alerts, as the other alerts carry
    // it: the routing groups by the cluster label, and the Prometheus Operator's OnNamespace
    // strategy routes only alerts whose namespace label is the AlertmanagerConfig's. An SLO's own
    // labels win.
    const identity = { namespace: monitor.targetNamespace, [monitor.clusterLabel]: monitor.clusterName };
    this.models = slos.map((s, i) => resolveSlo({ ...s, labels: { ...identity, ...(s.labels ?? {}) } },
      i < builtInCount ? `builtIn[${i}]` : `slos[${i - builtInCount}]`, service, known, fail));
    const seen = new Set<string>();
    for (const m of this.models) {
      if (seen.has(m.name)) fail('slos', m.name, 'must name each SLO once (a user SLO may not reuse a built-in name: set builtIn false to replace it)');
      seen.add(m.name);
    }
    const alerts = this.models.map((m) => m.alertName).filter((n): n is string => n !== undefined);
    const dup = alerts.find((n, i) => alerts.indexOf(n) !== i);
    if (dup) fail('slos', dup, 'must give each SLO its own alert name (alerting.name)');
    this.sloNames = this.models.map((m) => m.name);
    this.alertNames = alerts;
    this.untestedSlos = this.models.filter((m) => !testable(m)).map((m) => m.name);
    this.dashboardUrl = `${grafanaUrl.replace(/\/+$/, '')}/d/${DASHBOARD_UIDS.slos}?var-service=${encodeURIComponent(service)}`;
    this.groups = this.models.flatMap((m) => renderSloGroups(m, this.dashboardUrl));
    const placed = placePrometheusRule(this, KIND, {
      name: props.name ?? `${monitor.clusterName}-slos`,
      namespace: props.namespace,
      fallbackNamespace: monitor.namespace,
      labels: props.ruleLabels ?? monitor.discoveryLabels,
    }, this.groups);
    this.prometheusRule = placed.rule;
    this.namespace = placed.namespace;
  }

  /** The rule groups as a plain Prometheus rule file's content (`{ groups: [...] }`). */
  public ruleGroups(): RuleFile {
    return { groups: copyGroups(this.groups) };
  }

  /**
   * promtool unit tests of every SLO's alert tiers, evaluated every 5 minutes (the ticket
   * tier's cases span days of input).
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public ruleTests(ruleFile: string): PromtoolTestFile {
    return this.testFile(ruleFile, 'all');
  }

  /**
   * The tests of the page tier's quick pair alone (hours of input, not days): the part of the
   * SLO tests that the stack's merged test file carries, which is evaluated every minute for
   * the other alerts' `for` boundaries.
   *
   * @param ruleFile the rule file's path as the test file names it
   */
  public quickRuleTests(ruleFile: string): PromtoolTestFile {
    return this.testFile(ruleFile, 'page-quick');
  }

  private testFile(ruleFile: string, tiers: TestTiers): PromtoolTestFile {
    return {
      ruleFiles: [ruleFile],
      evaluationInterval: SLO_EVALUATION_INTERVAL,
      groupEvalOrder: this.groups.map((g) => g.name),
      tests: renderSloTests(this.models, this.dashboardUrl, tiers),
    };
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

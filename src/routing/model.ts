import { AlertReceiverKind, ReceiverModel } from './receivers';
import { CLUSTER_OUTAGE } from '../alerts/definitions';
import { AlertSeverity } from '../alerts/engine';
import { PromtoolTestFile, RuleFile } from '../alerts/rule-file';
import * as checks from '../validation/checks';
import { Problem } from '../validation/errors';

/**
 * The routing as data, from which both renderers (render.ts: the AlertmanagerConfig spec and a
 * plain alertmanager.yml) work. Pure: a failure is reported through `fail`.
 */

/** The receiver that notifies no one (info alerts, and anything no route takes). */
export const NULL_RECEIVER = 'null';

/** One label matcher: `name="value"`, or `name=~"value"` with `regex`. */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly regex: boolean;
}

/** A route under the root: alerts matching all its matchers go to its receiver. */
export interface RouteModel {
  readonly matchers: readonly Matcher[];
  readonly receiver: string;
}

/** An inhibition: while a source alert fires, target alerts with the same `equal` labels are silenced. */
export interface InhibitionModel {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** An alert that is routed, with the labels every one of its firings carries. */
export interface RoutedAlert {
  readonly name: string;
  readonly severity: string;
  /** The labels every firing carries (read from its promtool tests' expected alerts). */
  readonly labels: { readonly [key: string]: string };
}

/** The whole routing. */
export interface RoutingModel {
  readonly receivers: readonly ReceiverModel[];
  readonly defaultReceiver: string;
  readonly groupBy: readonly string[];
  readonly routes: readonly RouteModel[];
  readonly inhibitions: readonly InhibitionModel[];
}

/** An inhibition the user adds, by alert names. */
export interface InhibitionInput {
  readonly sourceAlert: string;
  readonly targetAlerts: readonly string[];
  readonly equal?: readonly string[];
}

/** What the model is built from. */
export interface RoutingInput {
  readonly alerts: readonly RoutedAlert[];
  readonly receivers: readonly ReceiverModel[];
  readonly criticalReceiver: string;
  readonly warningReceiver: string;
  readonly clusterLabel: string;
  readonly inhibitions: readonly InhibitionInput[];
}

export type Fail = (field: string, value: unknown, problem: string) => never;

/**
 * The alerts of rule sets with the labels each firing carries: the labels common to every
 * expected alert of its promtool tests (which promtool checks against the real rule engine), so
 * the `namespace` an alert carries is the one Prometheus really gives it.
 */
export function routedAlerts(rules: RuleFile, tests: PromtoolTestFile): RoutedAlert[] {
  const common = new Map<string, { [key: string]: string }>();
  for (const t of tests.tests) {
    for (const a of t.alertRuleTests) {
      for (const e of a.expAlerts) {
        const seen = common.get(a.alertname);
        if (seen === undefined) {
          common.set(a.alertname, { ...e.expLabels });
        } else {
          for (const k of Object.keys(seen)) if (seen[k] !== e.expLabels[k]) delete seen[k];
        }
      }
    }
  }
  const out: RoutedAlert[] = [];
  for (const g of rules.groups) {
    for (const r of g.rules) {
      if (r.alert === undefined) continue;
      const labels = { ...(common.get(r.alert) ?? {}), ...(r.labels ?? {}) };
      out.push({ name: r.alert, severity: r.labels?.severity ?? '', labels });
    }
  }
  return out;
}

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** A Secret key reference: a Secret's name and key, never the secret itself. */
function secretRefProblem(value: string, what: 'name' | 'key'): Problem {
  if (/:\/\//.test(value) || /^(https?|smtp):/i.test(value)) {
    return `is a URL inline: it must name a Secret ${what === 'name' ? '(a DNS subdomain name)' : 'key'} that holds it, never the URL itself`;
  }
  return what === 'name' ? checks.dnsSubdomain(value) : checks.secretKey(value);
}

function receiverProblems(r: ReceiverModel, fail: Fail, index: number): void {
  const at = `receivers[${index}]`;
  if (!RECEIVER_NAME.test(r.name)) fail(`${at}.name`, r.name, 'must be 1 to 63 letters, digits, \'_\', \'.\' or \'-\', starting with a letter or digit');
  if (r.name === NULL_RECEIVER) fail(`${at}.name`, r.name, 'is the receiver that notifies no one (info alerts): give another name');
  for (const [field, ref] of Object.entries(r.secrets)) {
    const p = secretRefProblem(ref.name, 'name');
    if (p) fail(`${at}.${field}.name`, ref.name, p);
    const k = secretRefProblem(ref.key, 'key');
    if (k) fail(`${at}.${field}.key`, ref.key, k);
  }
  if (r.kind === AlertReceiverKind.EMAIL) {
    const s = r.settings;
    for (const f of ['to', 'from']) {
      if (!/^[^@\s]+@[^@\s]+$/.test(String(s[f] ?? ''))) fail(`${at}.${f}`, s[f], 'must be an email address such as oncall@example.com');
    }
    if (!/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(String(s.smarthost ?? ''))) fail(`${at}.smarthost`, s.smarthost, 'must be host:port, such as smtp.example.com:587');
    if ((s.authUsername === undefined) !== (r.secrets.authPassword === undefined)) {
      fail(`${at}.authUsername`, s.authUsername ?? 'unset', 'and authPassword go together: give both, or neither');
    }
  }
  if (r.kind === AlertReceiverKind.SLACK && r.settings.channel !== undefined && !/^[#@]?[a-z0-9_.-]{1,80}$/.test(String(r.settings.channel))) {
    fail(`${at}.channel`, r.settings.channel, 'must be a Slack channel name such as #robustmq-alerts');
  }
}

function eq(name: string, value: string): Matcher {
  return { name, value, regex: false };
}

/** A regex matching exactly these values (alert names are `[A-Za-z0-9_]`, nothing to escape). */
function anyOf(name: string, values: readonly string[]): Matcher {
  return values.length === 1 ? eq(name, values[0]) : { name, value: values.join('|'), regex: true };
}

/**
 * Builds the routing: critical to the critical receiver, warning to the warning receiver, info
 * (and anything else) to no one; grouped by cluster and alert name; the cluster outage inhibits
 * its symptoms, a critical inhibits the warning of the same alert and cluster.
 */
export function buildRoutingModel(input: RoutingInput, fail: Fail): RoutingModel {
  const names = new Set<string>();
  input.receivers.forEach((r, i) => {
    receiverProblems(r, fail, i);
    if (names.has(r.name)) fail(`receivers[${i}].name`, r.name, 'is given twice: receiver names must be unique');
    names.add(r.name);
  });
  const known = [...names].map((n) => `'${n}'`).join(', ') || 'none';
  for (const [field, name] of [['criticalReceiver', input.criticalReceiver], ['warningReceiver', input.warningReceiver]] as const) {
    if (!names.has(name)) fail(field, name, `names no receiver: the receivers are ${known}`);
  }
  const alertNames = new Set(input.alerts.map((a) => a.name));
  const allowed = () => [...alertNames].sort().join(', ');
  const cluster = input.clusterLabel;
  const inhibitions: InhibitionModel[] = [];
  const symptoms = CLUSTER_OUTAGE.symptoms.filter((s) => alertNames.has(s));
  if (alertNames.has(CLUSTER_OUTAGE.cause) && symptoms.length > 0) {
    inhibitions.push({ sourceMatchers: [eq('alertname', CLUSTER_OUTAGE.cause)], targetMatchers: [anyOf('alertname', symptoms)], equal: [cluster, 'namespace'] });
  }
  inhibitions.push({
    sourceMatchers: [eq('severity', AlertSeverity.CRITICAL)],
    targetMatchers: [eq('severity', AlertSeverity.WARNING)],
    equal: ['alertname', cluster, 'namespace'],
  });
  input.inhibitions.forEach((inh, i) => {
    if (!alertNames.has(inh.sourceAlert)) fail(`inhibitions[${i}].sourceAlert`, inh.sourceAlert, `names no alert of the stack: allowed are ${allowed()}`);
    if (inh.targetAlerts.length === 0) fail(`inhibitions[${i}].targetAlerts`, '[]', 'must name at least one alert');
    for (const t of inh.targetAlerts) {
      if (!alertNames.has(t)) fail(`inhibitions[${i}].targetAlerts`, t, `names no alert of the stack: allowed are ${allowed()}`);
      if (t === inh.sourceAlert) fail(`inhibitions[${i}].targetAlerts`, t, 'must not name the source alert: an alert would silence itself');
    }
    const equal = inh.equal ?? [cluster, 'namespace'];
    for (const l of equal) {
      const p = checks.prometheusLabelName(l);
      if (p) fail(`inhibitions[${i}].equal`, l, p);
    }
    inhibitions.push({ sourceMatchers: [eq('alertname', inh.sourceAlert)], targetMatchers: [anyOf('alertname', inh.targetAlerts)], equal });
  });
  return {
    receivers: input.receivers,
    defaultReceiver: NULL_RECEIVER,
    groupBy: [cluster, 'alertname'],
    routes: [
      { matchers: [eq('severity', AlertSeverity.CRITICAL)], receiver: input.criticalReceiver },
      { matchers: [eq('severity', AlertSeverity.WARNING)], receiver: input.warningReceiver },
      { matchers: [eq('severity', AlertSeverity.INFO)], receiver: NULL_RECEIVER },
    ],
    inhibitions,
  };
}

/** The model restricted to inhibitions whose alerts are all among `alertNames` (one namespace's config). */
export function inhibitionsFor(model: RoutingModel, alertNames: ReadonlySet<string>): InhibitionModel[] {
  const named = (ms: readonly Matcher[]) => ms.filter((m) => m.name === 'alertname').flatMap((m) => m.value.split('|'));
  return model.inhibitions.filter((inh) => [...named(inh.sourceMatchers), ...named(inh.targetMatchers)].every((n) => alertNames.has(n)));
}

import * as path from 'path';
import { Yaml } from 'cdk8s';
import { InhibitionModel, Matcher, RoutingModel } from './model';
import { AlertReceiverKind, ReceiverModel } from './receivers';
import { SecretKeyRef } from '../metrics/scrape';

/**
 * The two renderings of one RoutingModel: the Prometheus Operator's AlertmanagerConfig spec
 * (monitoring.coreos.com/v1alpha1, secrets as Secret key references) and a plain Alertmanager
 * configuration file (secrets as files mounted from the same Secrets). Pure.
 */

/** Where the Prometheus Operator mounts an Alertmanager's `spec.secrets`: one folder per Secret. */
export const DEFAULT_SECRETS_DIR = '/etc/alertmanager/secrets';

type Json = { [key: string]: unknown };

/**
 * A CRD matcher. Equality leaves `matchType` out: the operator reads a matcher without one as
 * name="value" (pkg/alertmanager/amcfg.go:1682-1692 at v0.93.0), and a bare `=` in YAML is YAML 1.1's
 * value tag, which PyYAML-based tools (checkov) cannot load, dropping the whole file.
 */
function crdMatcher(m: Matcher): Json {
  return m.regex ? { name: m.name, value: m.value, matchType: '=~' } : { name: m.name, value: m.value };
}

function crdReceiver(r: ReceiverModel): Json {
  const ref = (s: SecretKeyRef) => ({ name: s.name, key: s.key });
  const s = r.settings;
  switch (r.kind) {
    case AlertReceiverKind.WEBHOOK:
      return { name: r.name, webhookConfigs: [{ urlSecret: ref(r.secrets.url), sendResolved: s.sendResolved }] };
    case AlertReceiverKind.SLACK:
      return { name: r.name, slackConfigs: [{ apiUrl: ref(r.secrets.apiUrl), channel: s.channel, sendResolved: s.sendResolved }] };
    case AlertReceiverKind.PAGERDUTY:
      return { name: r.name, pagerdutyConfigs: [{ routingKey: ref(r.secrets.routingKey) }] };
    case AlertReceiverKind.EMAIL:
      return {
        name: r.name,
        emailConfigs: [{
          to: s.to,
          from: s.from,
          smarthost: s.smarthost,
          authUsername: s.authUsername,
          authPassword: r.secrets.authPassword ? ref(r.secrets.authPassword) : undefined,
        }],
      };
  }
}

function crdInhibition(i: InhibitionModel): Json {
  return { sourceMatch: i.sourceMatchers.map(crdMatcher), targetMatch: i.targetMatchers.map(crdMatcher), equal: [...i.equal] };
}

/** Drops undefined values (the API server and cdk8s keep no nulls). */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * The AlertmanagerConfig spec. The operator adds `namespace="<the config's namespace>"` to its
 * routes and inhibitions (unless the Alertmanager's matcher strategy is None) and nests it under
 * the Alertmanager's root route; `inhibitions` are the ones of that namespace's alerts.
 */
export function renderAlertmanagerConfigSpec(model: RoutingModel, inhibitions: readonly InhibitionModel[] = model.inhibitions): Json {
  return clean({
    route: {
      receiver: model.defaultReceiver,
      groupBy: [...model.groupBy],
      routes: model.routes.map((r) => ({ matchers: r.matchers.map(crdMatcher), receiver: r.receiver })),
    },
    receivers: [{ name: model.defaultReceiver }, ...model.receivers.map(crdReceiver)],
    inhibitRules: inhibitions.map(crdInhibition),
  });
}

function amMatcher(m: Matcher): string {
  return `${m.name}${m.regex ? '=~' : '='}${JSON.stringify(m.value)}`;
}

/**
 * A receiver of alertmanager.yml, each secret read from a file `<secretsDir>/<Secret>/<key>` (the
 * `*_file` fields of Alertmanager v0.35.0: webhook `url_file` notify/webhook/config.go:40, Slack
 * `api_url_file` notify/slack/config.go:147, PagerDuty `routing_key_file`
 * notify/pagerduty/config.go:54, email `auth_password_file` notify/email/config.go:53).
 */
function amReceiver(r: ReceiverModel, secretsDir: string): Json {
  const file = (s: SecretKeyRef) => path.posix.join(secretsDir, s.name, s.key);
  const s = r.settings;
  switch (r.kind) {
    case AlertReceiverKind.WEBHOOK:
      return { name: r.name, webhook_configs: [{ url_file: file(r.secrets.url), send_resolved: s.sendResolved }] };
    case AlertReceiverKind.SLACK:
      return { name: r.name, slack_configs: [{ api_url_file: file(r.secrets.apiUrl), channel: s.channel, send_resolved: s.sendResolved }] };
    case AlertReceiverKind.PAGERDUTY:
      return { name: r.name, pagerduty_configs: [{ routing_key_file: file(r.secrets.routingKey) }] };
    case AlertReceiverKind.EMAIL:
      return {
        name: r.name,
        email_configs: [{
          to: s.to,
          from: s.from,
          smarthost: s.smarthost,
          auth_username: s.authUsername,
          auth_password_file: r.secrets.authPassword ? file(r.secrets.authPassword) : undefined,
        }],
      };
  }
}

/** A plain alertmanager.yml (an Alertmanager run without the operator) as an object. */
export function renderAlertmanagerConfigFile(model: RoutingModel, secretsDir: string = DEFAULT_SECRETS_DIR): Json {
  return clean({
    route: {
      receiver: model.defaultReceiver,
      group_by: [...model.groupBy],
      routes: model.routes.map((r) => ({ matchers: r.matchers.map(amMatcher), receiver: r.receiver })),
    },
    receivers: [{ name: model.defaultReceiver }, ...model.receivers.map((r) => amReceiver(r, secretsDir))],
    inhibit_rules: model.inhibitions.map((i) => ({
      source_matchers: i.sourceMatchers.map(amMatcher),
      target_matchers: i.targetMatchers.map(amMatcher),
      equal: [...i.equal],
    })),
  });
}

/** The plain alertmanager.yml as YAML text. */
export function alertmanagerConfigYaml(model: RoutingModel, secretsDir?: string): string {
  return Yaml.stringify(renderAlertmanagerConfigFile(model, secretsDir));
}

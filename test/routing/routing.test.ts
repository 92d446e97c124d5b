import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { CLUSTER_OUTAGE } from '../../src/alerts/definitions';
import { main } from '../../src/cli';
import { RobustMqObservability, RobustMqObservabilityProps } from '../../src/observability';
import { AlertmanagerMatcherStrategy, RobustMqAlertRoutingOptions } from '../../src/routing/alert-routing';
import { routedAlerts } from '../../src/routing/model';
import { AlertReceiver } from '../../src/routing/receivers';
import { renderAlertmanagerConfigFile } from '../../src/routing/render';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';
import { refuse } from '../support/refuse';

const SECRET = 'alertmanager-receivers';

function routing(extra: Partial<RobustMqAlertRoutingOptions> = {}): RobustMqAlertRoutingOptions {
  return {
    receivers: [
      AlertReceiver.pagerDuty({ name: 'pager', routingKey: { name: SECRET, key: 'pagerduty-routing-key' } }),
      AlertReceiver.slack({ name: 'chat', apiUrl: { name: SECRET, key: 'slack-url' }, channel: '#robustmq' }),
      AlertReceiver.webhook({ name: 'tickets', url: { name: SECRET, key: 'ticket-url' } }),
      AlertReceiver.email({ name: 'mail', to: 'ops@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPassword: { name: SECRET, key: 'smtp-password' } }),
    ],
    criticalReceiver: 'pager',
    warningReceiver: 'chat',
    ...extra,
  };
}

function stack(props: RobustMqObservabilityProps = {}) {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
  const o = new RobustMqObservability(chart, 'stack', { routing: routing(), ...props });
  return { chart, o, configs: Testing.synth(chart).filter((x: any) => x.kind === 'AlertmanagerConfig') };
}

describe('the AlertmanagerConfig objects', () => {
  test('the default stack: one config in each namespace its alerts carry, each with the selector labels', () => {
    const { o, configs } = stack();
    // RobustMQ's alerts carry the pods' namespace; the log agent's and Jaeger's their own (monitoring).
    const alerts = routedAlerts(o.ruleGroups(), o.ruleTests('x.yaml'));
    const ns = (name: string) => alerts.find((a) => a.name === name)!.labels.namespace;
    expect([ns('RobustMQClusterDown'), ns('RobustMQNodeDown'), ns('RobustMQLogAgentDown'), ns('JaegerDown')]).toEqual(['robustmq', 'robustmq', 'monitoring', 'monitoring']);
    // The SLOs' burn-rate alerts carry the cluster's identity too, so the operator's OnNamespace
    // matcher does not leave them unrouted: both tiers of the broker's and the probe's two SLOs, in
    // the pods' namespace, with the cluster label.
    const burn = alerts.filter((a) => o.slos!.alertNames.includes(a.name));
    expect(o.slos!.alertNames).toHaveLength(3);
    expect(burn.map((a) => [a.severity, a.labels.namespace, a.labels.cluster])).toEqual(
      [0, 1, 2].flatMap(() => [['critical', 'robustmq', 'robustmq-cluster'], ['warning', 'robustmq', 'robustmq-cluster']]));
    expect(o.routing!.alertNames).toEqual(expect.arrayContaining(o.slos!.alertNames));
    expect(configs.map((c) => [c.metadata.namespace, c.metadata.name, c.metadata.labels])).toEqual([
      ['monitoring', 'robustmq-cluster-alert-routing', { release: 'kube-prometheus-stack' }],
      ['robustmq', 'robustmq-cluster-alert-routing', { release: 'kube-prometheus-stack' }],
    ]);
    // The outage inhibition goes with the cluster's alerts only; the severity one everywhere.
    const inhibitSources = (c: any) => c.spec.inhibitRules.map((r: any) => r.sourceMatch.map((m: any) => `${m.name}=${m.value}`).join());
    expect(configs.map(inhibitSources)).toEqual([['severity=critical'], ['alertname=RobustMQClusterDown', 'severity=critical']]);
  });

  test('routes by severity, grouped by cluster and alert name; every secret a Secret key reference', () => {
    const spec = stack().configs[1].spec;
    expect(spec.route).toEqual({
      receiver: 'null',
      groupBy: ['cluster', 'alertname'],
      routes: [
        { matchers: [{ name: 'severity', value: 'critical' }], receiver: 'pager' },
        { matchers: [{ name: 'severity', value: 'warning' }], receiver: 'chat' },
        { matchers: [{ name: 'severity', value: 'info' }], receiver: 'null' },
      ],
    });
    // The CRD's own field names (slackConfigs[].apiURL), as the imported types write them.
    expect(spec.receivers).toEqual([
      { name: 'null' },
      { name: 'pager', pagerdutyConfigs: [{ routingKey: { name: SECRET, key: 'pagerduty-routing-key' } }] },
      { name: 'chat', slackConfigs: [{ apiURL: { name: SECRET, key: 'slack-url' }, channel: '#robustmq', sendResolved: true }] },
      { name: 'tickets', webhookConfigs: [{ urlSecret: { name: SECRET, key: 'ticket-url' }, sendResolved: true }] },
      { name: 'mail', emailConfigs: [{ to: 'ops@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPassword: { name: SECRET, key: 'smtp-password' } }] },
    ]);
    expect(spec.inhibitRules[0]).toEqual({
      sourceMatch: [{ name: 'alertname', value: CLUSTER_OUTAGE.cause }],
      targetMatch: [{ name: 'alertname', value: 'RobustMQNodeDown|RobustMQPodsMissing|RobustMQMetricsAbsent|RobustMQScrapeSlow', matchType: '=~' }],
      equal: ['cluster', 'namespace'],
    });
  });

  test('the outage symptoms are the cluster and scrape alerts, read from the definitions', () => {
    expect(CLUSTER_OUTAGE).toEqual({ cause: 'RobustMQClusterDown', symptoms: ['RobustMQNodeDown', 'RobustMQPodsMissing', 'RobustMQMetricsAbsent', 'RobustMQScrapeSlow'] });
    // A disabled symptom leaves the inhibition's target list.
    const { configs } = stack({ alerts: { disabledAlerts: ['RobustMQScrapeSlow'] } });
    expect(configs[1].spec.inhibitRules[0].targetMatch[0].value).toBe('RobustMQNodeDown|RobustMQPodsMissing|RobustMQMetricsAbsent');
  });

  test('matcher strategy None: one config, in the namespace given', () => {
    const { configs } = stack({ routing: routing({ matcherStrategy: AlertmanagerMatcherStrategy.NONE, namespace: 'monitoring' }) });
    expect(configs.map((c) => c.metadata.namespace)).toEqual(['monitoring']);
    expect(configs[0].spec.inhibitRules).toHaveLength(2);
  });

  test('no routing unless given', () => {
    expect(stack({ routing: undefined }).configs).toEqual([]);
  });
});

describe('bad input is refused, naming field, value and what is allowed', () => {
  test('a receiver with an inline URL', () => {
    refuse(() => stack({ routing: routing({ receivers: [AlertReceiver.webhook({ name: 'pager', url: { name: 'https://hooks.example.com/T0/B0', key: 'url' } })], warningReceiver: 'pager' }) }),
      /RobustMqAlertRouting 'c\/stack\/Routing': receivers\[0\]\.url\.name 'https:\/\/hooks\.example\.com\/T0\/B0' is a URL inline: it must name a Secret/);
    refuse(() => stack({ routing: routing({ receivers: [AlertReceiver.slack({ name: 'pager', apiUrl: { name: SECRET, key: 'https://hooks.slack.com/x' } })], warningReceiver: 'pager' }) }),
      /receivers\[0\]\.apiUrl\.key 'https:\/\/hooks\.slack\.com\/x' is a URL inline/);
  });

  test('a route to a receiver that does not exist', () => {
    refuse(() => stack({ routing: routing({ warningReceiver: 'jira' }) }),
      /warningReceiver 'jira' names no receiver: the receivers are 'pager', 'chat', 'tickets', 'mail'/);
    refuse(() => stack({ routing: routing({ criticalReceiver: 'opsgenie' }) }), /criticalReceiver 'opsgenie' names no receiver/);
  });

  test('an inhibition that names an unknown alert', () => {
    refuse(() => stack({ routing: routing({ inhibitions: [{ sourceAlert: 'RobustMQClusterDown', targetAlerts: ['RobustMQBrokerDown'] }] }) }),
      /inhibitions\[0\]\.targetAlerts 'RobustMQBrokerDown' names no alert of the stack: allowed are .*RobustMQClusterDown/);
    refuse(() => stack({ routing: routing({ inhibitions: [{ sourceAlert: 'KafkaDown', targetAlerts: ['RobustMQNodeDown'] }] }) }),
      /inhibitions\[0\]\.sourceAlert 'KafkaDown' names no alert of the stack/);
    // A disabled alert is not one of the stack's.
    refuse(() => stack({ alerts: { disabledAlerts: ['RobustMQHighCpu'] }, routing: routing({ inhibitions: [{ sourceAlert: 'RobustMQClusterDown', targetAlerts: ['RobustMQHighCpu'] }] }) }),
      /targetAlerts 'RobustMQHighCpu' names no alert of the stack/);
  });

  test('the namespace-matcher pitfall: a config namespace that routed alerts do not carry', () => {
    const e = refuse(() => stack({ routing: routing({ namespace: 'monitoring' }) }),
      /namespace 'monitoring' is not the namespace label of alert RobustMQClusterDown \(namespace="robustmq"\): the Prometheus Operator's default matcher strategy OnNamespace adds namespace="monitoring" to the config's routes \(pkg\/alertmanager\/amcfg.go:189\)/);
    expect(e.problem).toContain('every routed alert must carry the namespace label of the config');
    // Just right: the cluster's alerts only (no log agent, no Jaeger) in their own namespace.
    const { configs } = stack({ logs: { enabled: false }, tracing: { enabled: false }, routing: routing({ namespace: 'robustmq' }) });
    expect(configs.map((c) => c.metadata.namespace)).toEqual(['robustmq']);
    // An inhibition across namespaces never applies under OnNamespace.
    refuse(() => stack({ routing: routing({ inhibitions: [{ sourceAlert: 'RobustMQClusterDown', targetAlerts: ['RobustMQLogAgentDown'] }] }) }),
      /inhibitions\[0\]\.targetAlerts 'RobustMQLogAgentDown' carries namespace="monitoring" and the source RobustMQClusterDown namespace="robustmq"/);
  });

  test('labels that the Alertmanager\'s alertmanagerConfigSelector does not match', () => {
    refuse(() => stack({ routing: routing({ labels: { release: 'prometheus' } }) }),
      /labels\.release 'prometheus' must be 'kube-prometheus-stack': the Alertmanager's alertmanagerConfigSelector matches labels \{release: kube-prometheus-stack\}/);
    refuse(() => stack({ routing: routing({ alertmanagerConfigSelector: { alertmanagerConfig: 'robustmq' }, labels: { team: 'mq' } }) }),
      /labels\.alertmanagerConfig 'unset' must be 'robustmq'/);
    // The selector follows the monitors' discovery labels.
    const { configs } = stack({ metrics: { discoveryLabels: { release: 'prom' } } });
    expect(configs[0].metadata.labels).toEqual({ release: 'prom' });
  });
});

describe('the plain alertmanager.yml, checked by amtool', () => {
  const dir = tmpDir('rmq-routing-');
  const file = path.join(dir, 'alertmanager.yml');
  const { o } = stack();
  fs.writeFileSync(file, o.routing!.alertmanagerConfigYaml('/etc/alertmanager/secrets'));

  test('secrets are files under the secrets folder, never inline', () => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('routing_key_file: /etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key');
    expect(text).toContain('api_url_file: /etc/alertmanager/secrets/alertmanager-receivers/slack-url');
    expect(text).toContain('url_file: /etc/alertmanager/secrets/alertmanager-receivers/ticket-url');
    expect(text).toContain('auth_password_file: /etc/alertmanager/secrets/alertmanager-receivers/smtp-password');
    expect(text).not.toMatch(/https?:\/\//);
  });

  test('amtool check-config accepts it', () => {
    const r = spawnSync(realTool('amtool'), ['check-config', file], { encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    expect(r.stdout).toContain(' - 2 inhibit rules');
    expect(r.stdout).toContain(' - 5 receivers');
  });

  test('amtool routes every alert of the stack, with the labels it fires with, to the receiver of its severity', () => {
    const alerts = routedAlerts(o.ruleGroups(), o.ruleTests('x.yaml'));
    expect(alerts.length).toBeGreaterThan(25);
    const expected: { [severity: string]: string } = { critical: 'pager', warning: 'chat', info: 'null' };
    const got = alerts.map((a) => {
      const r = spawnSync(realTool('amtool'), ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
      return [a.name, r.stdout.trim()];
    });
    expect(got).toEqual(alerts.map((a) => [a.name, expected[a.severity]]));
    // Both severities occur, and info (RobustMQMessagesDropped) goes nowhere.
    expect(new Set(alerts.map((a) => a.severity))).toEqual(new Set(['critical', 'warning', 'info']));
  });

  test('an unknown severity goes nowhere (the root receiver)', () => {
    const r = spawnSync(realTool('amtool'), ['config', 'routes', 'test', `--config.file=${file}`, 'alertname=X', 'severity=page'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('null');
  });

  test('the model renders the same routes for both files', () => {
    const f = renderAlertmanagerConfigFile({ receivers: [], defaultReceiver: 'null', groupBy: ['cluster'], routes: [{ matchers: [{ name: 'a', value: 'b|c', regex: true }], receiver: 'x' }], inhibitions: [] });
    expect(f).toEqual({ route: { receiver: 'null', group_by: ['cluster'], routes: [{ matchers: ['a=~"b|c"'], receiver: 'x' }] }, receivers: [{ name: 'null' }], inhibit_rules: [] });
  });
});

describe('the CLI', () => {
  const run = (args: string[]) => {
    let out = '';
    let err = '';
    const status = main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { status, out, err };
  };

  test('alertmanager-config writes the plain file amtool accepts', () => {
    const r = run(['alertmanager-config', '--critical-receiver', 'pagerduty:am/routing-key', '--warning-receiver', 'slack:am/slack-url', '--secrets-dir', '/run/secrets']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('routing_key_file: /run/secrets/am/routing-key');
    const dir = tmpDir('rmq-routing-cli-');
    fs.writeFileSync(path.join(dir, 'am.yml'), r.out);
    expect(spawnSync(realTool('amtool'), ['check-config', path.join(dir, 'am.yml')], { encoding: 'utf8' }).status).toBe(0);
  });

  test('synth with --critical-receiver emits the AlertmanagerConfigs', () => {
    const dir = tmpDir('rmq-routing-synth-');
    expect(run(['synth', '--out', dir, '--critical-receiver', 'webhook:am/url', '--alertmanager-matcher-strategy', 'None']).status).toBe(0);
    const yaml = fs.readFileSync(path.join(dir, 'robustmq-observability.k8s.yaml'), 'utf8');
    expect(yaml.match(/kind: AlertmanagerConfig/g)).toHaveLength(1);
  });

  test('refuses an inline URL, an unknown kind, a strategy, and the flags without a receiver', () => {
    expect(run(['alertmanager-config', '--critical-receiver', 'webhook:https://hooks.example.com/x']).err)
      .toContain("--critical-receiver 'webhook:https://hooks.example.com/x' holds a URL inline");
    expect(run(['alertmanager-config', '--critical-receiver', 'opsgenie:am/key']).err).toContain("names receiver kind 'opsgenie': allowed are webhook, slack, pagerduty");
    expect(run(['synth', '--critical-receiver', 'webhook:am/url', '--alertmanager-matcher-strategy', 'Namespace']).err)
      .toContain("--alertmanager-matcher-strategy 'Namespace' must be one of");
    expect(run(['synth', '--warning-receiver', 'webhook:am/url']).err).toContain('--warning-receiver has no effect without --critical-receiver');
    expect(run(['alertmanager-config']).err).toContain("'alertmanager-config' needs --critical-receiver");
    expect(run(['rules', '--secrets-dir', '/x']).err).toContain("--secrets-dir is only for 'alertmanager-config'");
    expect(run(['alertmanager-config', '--critical-receiver', 'webhook:am/url', '--secrets-dir', 'rel']).status).toBe(2);
  });
});

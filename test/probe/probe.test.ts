import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AlertSeverity } from '../../src/alerts/engine';
import { RuleFiles } from '../../src/alerts/rule-file';
import { main } from '../../src/cli';
import { selectedMetrics } from '../../src/metrics/promql';
import { RobustMqObservability } from '../../src/observability';
import { PROBE_ALERT_NAMES } from '../../src/probe/alerts';
import { PROBE_METRICS, PROBE_METRICS_PORT, PROBE_SAMPLE_NAMES } from '../../src/probe/facts';
import { RobustMqProbe, RobustMqProbeOptions } from '../../src/probe/probe';
import { RobustMqProbeAlerts, RobustMqProbeAlertsProps } from '../../src/probe/probe-alerts';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { ClientProtocol } from '../../src/robustmq/facts';
import { promtool, tmpDir } from '../support/promtool';
import { refuse } from '../support/refuse';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function build(options: RobustMqProbeOptions = {}, clusterNetworkPolicy = true) {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(chart, 'cluster', { networkPolicy: { enabled: clusterNetworkPolicy, clientNamespaces: ['apps'] } });
  const probe = new RobustMqProbe(chart, 'probe', { ...options, cluster });
  return { chart, cluster, probe, objs: chart.toJson() };
}

function withAlerts(options: RobustMqProbeOptions = {}, alerts: Omit<RobustMqProbeAlertsProps, 'probe'> = {}) {
  const { chart, probe } = build(options);
  const a = new RobustMqProbeAlerts(chart, 'alerts', { ...alerts, probe });
  return { probe, alerts: a };
}

describe('RobustMqProbe', () => {
  test('a Deployment that renders its config from the Secret at start, a Service, a monitor and NetworkPolicies, valid against their schemas', () => {
    const { objs, probe } = build();
    expect(() => validateAll(objs)).not.toThrow();
    const dep = one(objs, 'Deployment', 'robustmq-cluster-mqtt-probe');
    const spec = dep.spec.template.spec;
    const [init] = spec.initContainers;
    const [exporter] = spec.containers;
    expect(exporter.image).toBe('inovex/mqtt_blackbox_exporter:v0.7.0');
    expect([...exporter.command, ...exporter.args]).toEqual(['/bin/mqtt_blackbox_exporter', '-config.file', '/var/run/mqtt-probe/config.yaml', '-web.listen-address', ':9214']);
    // Credentials only from the Secret, as files, only in the init container.
    const credentials = spec.volumes.find((v: any) => v.name === 'credentials');
    expect(credentials.secret).toEqual({
      secretName: 'robustmq-cluster-credentials',
      defaultMode: 0o440,
      items: [{ key: 'mqtt-password', path: 'password' }, { key: 'mqtt-username', path: 'username' }],
    });
    expect(init.volumeMounts).toContainEqual({ name: 'credentials', mountPath: '/var/run/secrets/mqtt-probe', readOnly: true });
    expect(exporter.volumeMounts.map((m: any) => m.name)).toEqual(['config']);
    expect(init.env).toBeUndefined();
    expect(exporter.env).toBeUndefined();
    for (const c of [init, exporter]) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes.find((v: any) => v.name === 'config').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
    const cm = one(objs, 'ConfigMap', 'robustmq-cluster-mqtt-probe-config');
    expect(YAML.parse(cm.data['config.yaml.template'])).toEqual({
      probes: [{
        name: 'robustmq-cluster-mqtt-probe',
        broker_url: 'tcp://robustmq-cluster.robustmq.svc:1883',
        topic: 'robustmq-observability/probe/robustmq-cluster-mqtt-probe',
        client_prefix: 'robustmq.robustmq-cluster-mqtt-probe',
        messages: 5,
        interval: '30s',
      }],
    });
    expect(JSON.stringify(cm.data)).not.toMatch(/password: "/);
    expect(probe.serviceMonitor).toBeDefined();
    // The cluster's pods admit the probe on the MQTT port, although clients come from 'apps' only.
    const ingress = one(objs, 'NetworkPolicy', 'robustmq-cluster-mqtt-probe-cluster-ingress');
    expect(ingress.spec.podSelector.matchLabels).toEqual(one(objs, 'StatefulSet').spec.selector.matchLabels);
    expect(ingress.spec.ingress).toEqual([{ ports: [{ port: 1883, protocol: 'TCP' }], from: [{ podSelector: { matchLabels: probe.selectorLabels } }] }]);
    expect(one(objs, 'NetworkPolicy', 'robustmq-cluster-mqtt-probe').spec.ingress).toEqual([{ ports: [{ port: PROBE_METRICS_PORT, protocol: 'TCP' }] }]);
  });

  test('no cluster ingress policy when the cluster has no NetworkPolicy', () => {
    const { objs } = build({}, false);
    expect(objs.filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.name)).toEqual(['robustmq-cluster-mqtt-probe']);
  });

  test('the start script (run by dash) writes the Secret files\' credentials, quotes and backslashes included, as the YAML the exporter reads, and refuses empty, multi-line or missing ones', () => {
    const { probe } = build({ interval: '1m', messages: 3 });
    const dir = tmpDir('probe-script-');
    const template = path.join(dir, 't.yaml');
    const config = path.join(dir, 'c.yaml');
    fs.writeFileSync(template, probe.configTemplate);
    const secrets = path.join(dir, 'secrets');
    fs.mkdirSync(secrets);
    const script = probe.startScript.replace('/etc/mqtt-probe/config.yaml.template', template)
      .split('/var/run/mqtt-probe/config.yaml').join(config).split('/var/run/secrets/mqtt-probe').join(secrets);
    const run = (user: string, password: string | undefined) => {
      fs.writeFileSync(path.join(secrets, 'username'), user);
      if (password === undefined) fs.rmSync(path.join(secrets, 'password'), { force: true });
      else fs.writeFileSync(path.join(secrets, 'password'), password);
      return spawnSync('dash', ['-c', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    };
    // A trailing line break (an `echo` into the Secret) is dropped.
    const ok = run('pro"be\\', "p&|a$1 'x'\n");
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const parsed = YAML.parse(fs.readFileSync(config, 'utf8'));
    expect(parsed.probes[0]).toMatchObject({ username: 'pro"be\\', password: "p&|a$1 'x'", messages: 3, interval: '1m' });
    expect((fs.statSync(config).mode % 0o1000).toString(8)).toBe('600');
    const empty = run('', 'x');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(`${secrets}/username is empty`);
    const multi = run('u', 'a\nb');
    expect(multi.status).toBe(1);
    expect(multi.stderr).toContain(`${secrets}/password contains a line break`);
    const missing = run('u', undefined);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${secrets}/password is not readable`);
  });

  test('bad input is refused, naming the field, the value and what is allowed', () => {
    refuse(() => build({ interval: '5s', timeout: '10s' }), /RobustMqProbe 'c\/probe': interval '5s' must not be shorter than timeout '10s': allowed is at least 3 × timeout \(30s\)/);
    refuse(() => build({ interval: '29s', timeout: '10s' }), /interval '29s' must be at least 3 × timeout '10s' \(30s\)/);
    expect(() => build({ interval: '30s', timeout: '10s' })).not.toThrow();
    refuse(() => build({ qos: 1 }), /qos '1' must be 0: mqtt_blackbox_exporter publishes and subscribes at QoS 0 only/);
    refuse(() => build({ qos: 3 }), /qos '3' is not an MQTT QoS \(0, 1 or 2\); allowed is 0/);
    refuse(() => build({ topicPrefix: 'probe/+' }), /topicPrefix 'probe\/\+' must be MQTT topic levels .* without the wildcards '\+' and '#'/);
    refuse(() => build({ topicPrefix: 'probe/#' }), /topicPrefix 'probe\/#' must be MQTT topic levels/);
    refuse(() => build({ topicPrefix: 'probe/' }), /an empty level/);
    refuse(() => build({ topicPrefix: '$SYS/probe' }), /topics starting with '\$' are the broker's own/);
    refuse(() => build({ messages: 0 }), /messages '0' must be a whole number from 1 to 1000/);
    expect(() => build({ messages: 1 })).not.toThrow();
    refuse(() => build({ timeout: '500ms', interval: '30s' }), /timeout '500ms' must be at least 1s/);
    refuse(() => build({ interval: 'soon' }), /interval 'soon'/);
  });

  test('a cluster without the MQTT listener is refused', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
    const cluster = new RobustMqCluster(chart, 'cluster', { protocols: [ClientProtocol.WEBSOCKET] });
    refuse(() => new RobustMqProbe(chart, 'probe', { cluster }), /cluster.protocols '\["websocket"\]' must include 'mqtt'/);
  });
});

describe('RobustMqProbeAlerts', () => {
  test('one group with the three alerts over the exporter\'s own metric names', () => {
    const { alerts } = withAlerts();
    const [group] = alerts.ruleGroups().groups;
    expect(group.name).toBe('robustmq-probe');
    expect(group.rules.map((r) => r.alert)).toEqual(['RobustMQProbeDown', 'RobustMQProbeFailing', 'RobustMQProbeSlowRoundTrip']);
    expect(PROBE_ALERT_NAMES).toEqual(group.rules.map((r) => r.alert));
    const used = new Set(group.rules.flatMap((r) => selectedMetrics(r.expr)));
    expect([...used].sort()).toEqual(['probe_mqtt_duration_seconds_bucket', PROBE_METRICS.errors, PROBE_METRICS.started, PROBE_METRICS.timeouts, 'up'].sort());
    for (const m of used) if (m !== 'up') expect(PROBE_SAMPLE_NAMES).toContain(m);
    const byName = Object.fromEntries(group.rules.map((r) => [r.alert, r]));
    const sel = '{job="robustmq-cluster-mqtt-probe", namespace="robustmq", name="robustmq-cluster-mqtt-probe"}';
    expect(byName.RobustMQProbeFailing.expr).toBe(
      `(sum by (namespace, job, name) (increase(probe_mqtt_errors_total${sel}[5m])) + sum by (namespace, job, name) (increase(probe_mqtt_timeouts_total${sel}[5m]))) / `
      + `sum by (namespace, job, name) (increase(probe_mqtt_started_total${sel}[5m])) > 0.5`);
    expect(byName.RobustMQProbeSlowRoundTrip.expr).toBe(
      `histogram_quantile(0.99, sum by (le, namespace, job, name) (rate(probe_mqtt_duration_seconds_bucket${sel}[5m]))) > 1`);
    expect(byName.RobustMQProbeFailing.labels!.severity).toBe('critical');
  });

  test.each([
    ['defaults', {}, {}],
    ['tuned thresholds and window', { interval: '1m', timeout: '20s' },
      { window: '10m', overrides: { RobustMQProbeFailing: { threshold: 0.05, for: '7m', severity: AlertSeverity.WARNING }, RobustMQProbeSlowRoundTrip: { threshold: 0.01 } } }],
    ['a threshold on a bucket bound near the top', {}, { overrides: { RobustMQProbeSlowRoundTrip: { threshold: 5 } } }],
    ['a threshold in the top bucket', {}, { overrides: { RobustMQProbeSlowRoundTrip: { threshold: 9.9 } } }],
  ] as const)('promtool: check rules and test rules pass, every alert fires and stays quiet (%s)', (_n, options, tuning) => {
    const { alerts } = withAlerts(options, tuning as any);
    const dir = tmpDir('probe-rules-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), RuleFiles.ruleFileYaml(alerts.ruleGroups()));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), alerts.ruleTestsYaml('rules.yaml'));
    expect(promtool(['check', 'rules', 'rules.yaml'], dir).status).toBe(0);
    const r = promtool(['test', 'rules', 'tests.yaml'], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    const tests = YAML.parse(fs.readFileSync(path.join(dir, 'tests.yaml'), 'utf8')).tests;
    for (const name of PROBE_ALERT_NAMES) {
      const mine = tests.filter((t: any) => t.alert_rule_test.some((x: any) => x.alertname === name));
      expect(mine.some((t: any) => t.alert_rule_test.some((x: any) => x.exp_alerts.length > 0))).toBe(true);
      expect(mine.some((t: any) => t.alert_rule_test.every((x: any) => x.exp_alerts.length === 0))).toBe(true);
    }
  });

  test('a broken expectation makes promtool fail', () => {
    const { alerts } = withAlerts();
    const dir = tmpDir('probe-rules-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), RuleFiles.ruleFileYaml(alerts.ruleGroups()));
    const text = alerts.ruleTestsYaml('rules.yaml');
    expect(text).toContain('75% of the MQTT probe');
    fs.writeFileSync(path.join(dir, 'tests.yaml'), text.replace('75% of the MQTT probe', '76% of the MQTT probe'));
    expect(promtool(['test', 'rules', 'tests.yaml'], dir).status).not.toBe(0);
  });

  test('bad tuning is refused', () => {
    refuse(() => withAlerts({}, { window: '1m' }), /window '1m' must be from 2m to 20m/);
    refuse(() => withAlerts({ interval: '1m', timeout: '10s' }, { window: '3m' }), /window '3m' must be at least 4 × the probe's interval '1m'/);
    refuse(() => withAlerts({}, { overrides: { RobustMQProbeSlowRoundTrip: { threshold: 10 } } }), /threshold '10' must be from 0.01s to below 10s/);
    refuse(() => withAlerts({}, { overrides: { RobustMQProbeFailing: { threshold: 0 } } }), /must be above 0/);
    refuse(() => withAlerts({}, { disabledAlerts: ['RobustMQClusterDown'] }), /is not a probe alert/);
    refuse(() => withAlerts({}, { extraLabels: { name: 'x' } }), /must not be 'name'/);
  });
});

describe('in RobustMqObservability', () => {
  test('on by default, with its alert group in the stack\'s rule file; off with enabled false', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
    const stack = new RobustMqObservability(chart, 'stack');
    expect(stack.probe).toBeDefined();
    expect(stack.probeAlerts!.namespace).toBe('monitoring');
    expect(stack.probe!.serviceMonitor!.serviceMonitor.metadata.namespace).toBe('monitoring');
    expect(stack.ruleGroups().groups.map((g) => g.name)).toContain('robustmq-probe');
    const chart2 = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
    const off = new RobustMqObservability(chart2, 'stack', { probe: { enabled: false } });
    expect(off.probe).toBeUndefined();
    expect(chart2.toJson().filter((o: any) => o.kind === 'Deployment').map((o: any) => o.metadata.name)).not.toContain('robustmq-cluster-mqtt-probe');
  });

  test('a cluster without the MQTT listener gets no probe by default, and one asked for is refused', () => {
    const noMqtt = new RobustMqObservability(new Chart(Testing.app(), 'c', { namespace: 'robustmq' }), 'stack', { cluster: { protocols: [ClientProtocol.WEBSOCKET] } });
    expect(noMqtt.probe).toBeUndefined();
    expect(noMqtt.probeAlerts).toBeUndefined();
    refuse(() => new RobustMqObservability(new Chart(Testing.app(), 'c', { namespace: 'robustmq' }), 'stack',
      { cluster: { protocols: [ClientProtocol.WEBSOCKET] }, probe: { enabled: true } }), /cluster.protocols '\["websocket"\]' must include 'mqtt'/);
    refuse(() => new RobustMqObservability(new Chart(Testing.app(), 'c', { namespace: 'robustmq' }), 'stack', {
      existingCluster: RobustMqCluster.fromClusterAttributes({ namespace: 'mq', clusterName: 'mine' }), probe: { enabled: true },
    }), /probe.enabled 'true' must not be true with your own cluster/);
  });
});

describe('the CLI', () => {
  const rules = (args: string[]) => {
    let out = '';
    expect(main(['rules', ...args], { stdout: (t: string) => { out += t; }, stderr: () => undefined })).toBe(0);
    return YAML.parse(out).groups.map((g: any) => g.name);
  };
  test('rules include the probe group; --no-probe leaves the probe and its group out', () => {
    expect(rules([])).toContain('robustmq-probe');
    expect(rules(['--no-probe'])).not.toContain('robustmq-probe');
    const withProbe = tmpDir('probe-cli-');
    expect(main(['synth', '--out', withProbe], { stdout: () => undefined, stderr: () => undefined })).toBe(0);
    expect(fs.readdirSync(withProbe).map((f) => fs.readFileSync(path.join(withProbe, f), 'utf8')).join('\n')).toContain('image: inovex/mqtt_blackbox_exporter');
    const dir = tmpDir('probe-cli-');
    expect(main(['synth', '--out', dir, '--no-probe'], { stdout: () => undefined, stderr: () => undefined })).toBe(0);
    expect(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n')).not.toContain('image: inovex/mqtt_blackbox_exporter');
  });
});

describe('the dashboard row', () => {
  test('the overview dashboard gets the probe row (success, p50/p90/p99, a heatmap) when the probe is on, and lints clean', () => {
    const dashboardsOf = (probe: boolean) => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
      new RobustMqObservability(chart, 'stack', { probe: { enabled: probe } });
      const cm = chart.toJson().find((o: any) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).some((k) => k.includes('overview')));
      return JSON.parse(Object.values(cm.data)[0] as string);
    };
    const on = dashboardsOf(true);
    const row = on.panels.find((p: any) => p.type === 'row' && p.title === 'End-to-end MQTT (synthetic probe)');
    expect(row).toBeDefined();
    const after = on.panels.filter((p: any) => p.gridPos.y > row.gridPos.y);
    expect(after.map((p: any) => [p.title, p.type])).toEqual([
      ['Probe Success', 'timeseries'], ['Round-trip Latency', 'timeseries'], ['Round-trip Latency Heatmap', 'heatmap'],
    ]);
    const heatmap = after[2];
    expect(heatmap.options.calculate).toBe(false);
    expect(heatmap.targets[0]).toMatchObject({
      format: 'heatmap',
      expr: 'sum by (le) (rate(probe_mqtt_duration_seconds_bucket{cluster=~"$cluster", namespace=~"$namespace"}[$__rate_interval]))',
    });
    expect(after[1].targets.map((t: any) => t.expr)).toEqual([0.5, 0.9, 0.99].map((q) =>
      `histogram_quantile(${q}, sum by (le, name) (rate(probe_mqtt_duration_seconds_bucket{cluster=~"$cluster", namespace=~"$namespace"}[$__rate_interval])))`));
    expect(JSON.stringify(dashboardsOf(false))).not.toContain('probe_mqtt');
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { AlertSeverity, PodScrapeTarget, RobustMqAlerts, RobustMqCluster, RobustMqPodMonitor, RobustMqServiceMonitor, ServiceScrapeTarget } from '../../src';
import { ALERT_NAMES, RECORDED_METRICS } from '../../src/alerts/definitions';
import { main } from '../../src/cli';
import { DASHBOARD_UIDS, runbookPanelId } from '../../src/dashboards/uids';
import { KnownMetrics } from '../../src/metrics/known';
import { promqlProblems } from '../../src/metrics/promql';
import { PROBE_ALERT_NAMES } from '../../src/probe/alerts';
import { buildStack } from '../../src/stack';
import { JAEGER_ALERT_NAMES } from '../../src/tracing/alerts';
import { ValidationError } from '../../src/validation/errors';
import { promtool, tmpDir } from '../support/promtool';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { status, out, err };
}

function defaultRule(): any {
  const app = Testing.app();
  buildStack(app);
  return one(app.charts.flatMap((c) => c.toJson()), 'PrometheusRule', 'robustmq-cluster-alerts');
}

function alertRules(rule: any): any[] {
  return rule.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert));
}

const runbooks = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');

describe('default PrometheusRule', () => {
  const rule = defaultRule();
  const alerts = alertRules(rule);

  test('validates against the Prometheus-Operator schema and carries the monitor discovery labels', () => {
    expect(() => validateAll([rule])).not.toThrow();
    expect(rule.metadata).toMatchObject({ name: 'robustmq-cluster-alerts', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
  });

  test('has at least 15 alerts, including the seed\'s three, in groups by concern', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(['RobustMQClusterDown', 'RobustMQHighLatency', 'RobustMQHighErrorRate']));
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
      'robustmq.cluster', 'robustmq.scrape', 'robustmq.broker', 'robustmq.meta', 'robustmq.storage', 'robustmq.process', 'robustmq.logs', 'robustmq.recording',
    ]);
  });

  test('the seed\'s three alerts, corrected', () => {
    const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
    expect(byName.RobustMQClusterDown).toMatchObject({
      expr: '(sum(up{cluster="robustmq-cluster", namespace="robustmq", job="robustmq-cluster-metrics"}) or vector(0)) < 2', for: '1m', labels: { severity: 'critical' },
    });
    expect(byName.RobustMQHighLatency).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    expect(byName.RobustMQHighLatency.expr).toBe('histogram_quantile(0.99, namespace_pod_le:mqtt_packet_process_duration_ms_bucket:rate5m'
      + '{cluster="robustmq-cluster", namespace="robustmq"}) / 1000 > 1');
    const recording = rule.spec.groups.find((g: any) => g.name === 'robustmq.recording').rules;
    // Bucket rates (aggregatable), not a quantile; and only the recordings an alert uses.
    expect(recording.map((r: any) => r.record)).toEqual([
      'namespace_pod_le:mqtt_packet_process_duration_ms_bucket:rate5m', 'namespace:mqtt_packets_received:rate5m', 'namespace:mqtt_packets_received_error:rate5m',
    ]);
    expect(recording[0].expr).toBe('sum by (cluster, namespace, pod, le) '
      + '(rate(mqtt_packet_process_duration_ms_bucket{cluster="robustmq-cluster", namespace="robustmq", job="robustmq-cluster-metrics"}[5m]))');
    const exprs = alerts.map((a) => a.expr).join('\n');
    for (const r of recording) expect(exprs).toContain(r.record);
    expect(byName.RobustMQHighErrorRate).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    const errors = 'namespace:mqtt_packets_received_error:rate5m{cluster="robustmq-cluster", namespace="robustmq"}';
    const all = `(namespace:mqtt_packets_received:rate5m{cluster="robustmq-cluster", namespace="robustmq"} + ${errors})`;
    expect(byName.RobustMQHighErrorRate.expr).toBe(`${errors} / ${all} > 0.05 and ${all} > 1`);
    expect(byName.RobustMQHighErrorRate.annotations.description).toContain('{{ $value | humanizePercentage }}');
  });

  test("the log pipeline's alerts watch the stack's Fluent Bit by its job and namespace", () => {
    const sel = 'job="robustmq-cluster-fluent-bit", namespace="monitoring"';
    expect(alerts.find((a) => a.alert === 'RobustMQLogsRetrying').expr).toBe(`sum by (namespace, pod) (rate(fluentbit_output_retries_total{${sel}}[5m])) > 0`);
    expect(alerts.find((a) => a.alert === 'RobustMQLogsLost').expr).toBe(`sum by (namespace, pod) (increase(fluentbit_output_dropped_records_total{${sel}}[10m])) > 0`);
    expect(alerts.find((a) => a.alert === 'RobustMQLogAgentDown').expr)
      .toBe(`up{${sel}} == 0 or label_replace(absent(up{${sel}}), "pod", "no scrape target", "", "")`);
  });

  test('every alert follows the mixin style and links a runbook section and a dashboard', () => {
    for (const a of alerts) {
      expect(a.alert).toMatch(/^RobustMQ[A-Z][A-Za-z0-9]*$/);
      expect(a.alert.length).toBeLessThanOrEqual(40);
      expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary).toMatch(/^[A-Z].*\.$/);
      expect(a.annotations.summary).not.toContain('{{');
      expect(a.annotations.description).toMatch(/\{\{ \$(value|labels\.)/);
      expect(a.annotations.runbook_url).toBe(`http://localhost:3000/d/robustmq-alert-runbooks?viewPanel=${runbookPanelId(a.alert)}`);
      const uid = /\/d\/([^?]+)\?/.exec(a.annotations.dashboard_url)![1];
      expect(Object.values(DASHBOARD_UIDS)).toContain(uid);
      expect(a.for).toMatch(/^\d+[smh]$/);
    }
  });

  test('docs/runbooks.md has a section for every alert: meaning, impact, diagnosis, mitigation', () => {
    const sections = runbooks.split(/^## /m).slice(1);
    const titles = sections.map((s) => s.split('\n')[0].trim());
    expect(titles.sort()).toEqual([...ALERT_NAMES, ...JAEGER_ALERT_NAMES, ...PROBE_ALERT_NAMES].sort());
    for (const s of sections) {
      for (const part of ['Meaning', 'Impact', 'Diagnosis', 'Mitigation']) expect(s).toContain(`**${part}**`);
    }
  });

  test('recording rules are named level:metric:operations and every expression is valid PromQL over known metrics', () => {
    const known = KnownMetrics.standard().with(RECORDED_METRICS);
    for (const g of rule.spec.groups) {
      for (const r of g.rules) {
        if (r.record) expect(r.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
        expect(promqlProblems(r.expr, known)).toEqual([]);
      }
    }
  });
});

describe('rules and rule-tests commands, checked by promtool', () => {
  function writeBoth(args: string[]): string {
    const dir = tmpDir('rmq-rules-');
    expect(run(['rules', '--out', path.join(dir, 'robustmq-rules.yaml'), ...args]).status).toBe(0);
    expect(run(['rule-tests', '--out', path.join(dir, 'robustmq-rule-tests.yaml'), ...args]).status).toBe(0);
    return dir;
  }

  test('the rules output equals the PrometheusRule groups', () => {
    const dir = writeBoth([]);
    const file = YAML.parse(fs.readFileSync(path.join(dir, 'robustmq-rules.yaml'), 'utf8'));
    const app = Testing.app();
    buildStack(app);
    const objs = app.charts.flatMap((c) => c.toJson());
    const jaegerRule = one(objs, 'PrometheusRule', 'jaeger-alerts');
    const probeRule = one(objs, 'PrometheusRule', 'robustmq-cluster-mqtt-probe-alerts');
    const sloRule = one(objs, 'PrometheusRule', 'robustmq-cluster-slos');
    expect(file).toEqual({ groups: [...defaultRule().spec.groups, ...jaegerRule.spec.groups, ...probeRule.spec.groups, ...sloRule.spec.groups] });
  });

  test('promtool check rules and promtool test rules pass on the default outputs; every alert is tested both ways', () => {
    const dir = writeBoth([]);
    const check = promtool(['check', 'rules', 'robustmq-rules.yaml'], dir);
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const test = promtool(['test', 'rules', 'robustmq-rule-tests.yaml'], dir);
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
    const tests = YAML.parse(fs.readFileSync(path.join(dir, 'robustmq-rule-tests.yaml'), 'utf8')).tests;
    for (const name of [...ALERT_NAMES, ...JAEGER_ALERT_NAMES, ...PROBE_ALERT_NAMES]) {
      const mine = tests.filter((t: any) => t.alert_rule_test[0].alertname === name);
      // The last check is at the end of the inputs (the ones before it check the `for` boundary).
      expect(mine.some((t: any) => t.alert_rule_test[t.alert_rule_test.length - 1].exp_alerts.length > 0)).toBe(true);
      expect(mine.some((t: any) => t.alert_rule_test.every((r: any) => r.exp_alerts.length === 0))).toBe(true);
    }
  });

  test('the tests still pass with tuned thresholds, other replicas and extra labels', () => {
    const dir = writeBoth(['--replicas', '5', '--min-healthy-nodes', '4', '--latency-p99-threshold', '250ms', '--error-rate-threshold', '0.123',
      '--cluster-name', 'edge', '--namespace', 'mq', '--scrape-timeout', '5s', '--grafana-url', 'https://grafana.example.com']);
    expect(promtool(['check', 'rules', 'robustmq-rules.yaml'], dir).status).toBe(0);
    const r = promtool(['test', 'rules', 'robustmq-rule-tests.yaml'], dir);
    expect(r.output).toContain('SUCCESS');
  });

  test('the generated tests run on the realistic fixture: three pods, the for boundary, thresholds either side, decoys, resets', () => {
    const dir = writeBoth([]);
    const file = YAML.parse(fs.readFileSync(path.join(dir, 'robustmq-rule-tests.yaml'), 'utf8'));
    expect(file.group_eval_order[0]).toBe('robustmq.recording');
    const tests: any[] = file.tests;
    expect(tests[0].name).toBe('the healthy fixture fires no alert');
    expect(tests[1].name).toMatch(/counters reset/);
    const healthy: string[] = tests[0].input_series.map((s: any) => s.series);
    // Three pods, with the operator's target labels and RobustMQ's real label values.
    for (const pod of ['robustmq-cluster-0', 'robustmq-cluster-1', 'robustmq-cluster-2']) {
      expect(healthy.some((s) => s.startsWith('up{') && s.includes(`pod="${pod}"`) && s.includes('endpoint="http-admin"') && s.includes('container="broker-server"'))).toBe(true);
    }
    expect(healthy.some((s) => s.includes('machine="metadata_0"') && s.includes('rpc_type="append_entries"'))).toBe(true);
    expect(healthy.some((s) => s.startsWith('grpc_errors_total{') && s.includes('exported_service=') && s.includes('status_code="NOT_FOUND"'))).toBe(true);
    // Centipercent: 3.5% of the node is 350.
    expect(tests[0].input_series.find((s: any) => s.series.startsWith('system_process_cpu_usage{')).values).toMatch(/^350x\d+$/);
    // First-use-only failure counters are not in the healthy exposition.
    expect(healthy.some((s) => s.startsWith('raft_write_failures_total{') || s.startsWith('storage_engine_ops_fail_total{'))).toBe(false);
    for (const name of ALERT_NAMES.filter((n) => !n.startsWith('RobustMQLog'))) {
      const mine = tests.filter((t) => t.alert_rule_test[0].alertname === name);
      // The for boundary: quiet one minute before, firing at it.
      const boundary = (t: any) => t.alert_rule_test.length === 3
        && t.alert_rule_test[0].exp_alerts.length === 0 && t.alert_rule_test[1].exp_alerts.length > 0;
      expect(mine.some(boundary)).toBe(true);
      // Every case is laid over the fixture's three pods.
      for (const t of mine) expect(t.input_series.filter((s: any) => s.series.startsWith('up{')).length).toBeGreaterThanOrEqual(3);
      expect(mine.some((t) => t.name.includes(' on '))).toBe(true);
    }
    const r = promtool(['test', 'rules', 'robustmq-rule-tests.yaml'], dir);
    expect(r.output).toContain('SUCCESS');
  });

  test('the healthy fixture catches a rule that reads the centipercent gauges as percent', () => {
    const dir = writeBoth([]);
    const file = YAML.parse(fs.readFileSync(path.join(dir, 'robustmq-rule-tests.yaml'), 'utf8'));
    const healthy = file.tests[0];
    const old = { groups: [{ name: 'old', rules: [{ alert: 'RobustMQHighCpu', expr: 'system_process_cpu_usage > 90', for: '15m' }] }] };
    fs.writeFileSync(path.join(dir, 'old-rules.yaml'), Yaml.stringify(old));
    fs.writeFileSync(path.join(dir, 'old-tests.yaml'), Yaml.stringify({
      rule_files: ['old-rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ ...healthy, alert_rule_test: healthy.alert_rule_test.filter((t: any) => t.alertname === 'RobustMQHighCpu') }],
    }));
    const r = promtool(['test', 'rules', 'old-tests.yaml'], dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('the healthy fixture fires no alert');
  });

  test('a broken expectation makes promtool fail, so the tests can fail', () => {
    const dir = writeBoth([]);
    const file = path.join(dir, 'robustmq-rule-tests.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('description: 52.5%', 'description: 52.6%'));
    const r = promtool(['test', 'rules', 'robustmq-rule-tests.yaml'], dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FAILED');
  });

  test('--disable-alert RobustMQHighLatency removes it from all three outputs', () => {
    const dir = writeBoth(['--disable-alert', 'RobustMQHighLatency', '--disable-alert', 'RobustMQNodeDown']);
    const out = tmpDir('rmq-synth-');
    expect(run(['synth', '--out', out, '--disable-alert', 'RobustMQHighLatency', '--disable-alert', 'RobustMQNodeDown']).status).toBe(0);
    const synthesizedRules = YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'robustmq-observability.k8s.yaml'), 'utf8'))
      .map((d) => d.toJSON()).filter((o) => o.kind === 'PrometheusRule');
    const texts = [path.join(dir, 'robustmq-rules.yaml'), path.join(dir, 'robustmq-rule-tests.yaml')].map((f) => fs.readFileSync(f, 'utf8'));
    for (const text of [...texts, JSON.stringify(synthesizedRules)]) {
      expect(text).not.toContain('RobustMQHighLatency');
      expect(text).not.toContain('RobustMQNodeDown');
      expect(text).toContain('RobustMQClusterDown');
    }
    expect(promtool(['test', 'rules', 'robustmq-rule-tests.yaml'], dir).status).toBe(0);
  });

  test('rules to stdout; --no-alerts emits no PrometheusRule', () => {
    const r = run(['rules']);
    expect(r.status).toBe(0);
    expect(YAML.parse(r.out).groups.map((g: any) => g.name)).toEqual([
      'robustmq.cluster', 'robustmq.scrape', 'robustmq.broker', 'robustmq.meta', 'robustmq.storage', 'robustmq.process', 'robustmq.logs', 'robustmq.recording', 'jaeger', 'robustmq-probe',
      ...['publish-latency', 'probe-availability', 'probe-latency']
        .flatMap((slo) => ['sli-recordings', 'meta-recordings', 'alerts'].map((g) => `sloth-slo-${g}-robustmq-robustmq-cluster-${slo}`)),
    ]);
    const out = tmpDir('rmq-synth-');
    expect(run(['synth', '--out', out, '--no-alerts']).status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'robustmq-observability.k8s.yaml'), 'utf8')).not.toContain('kind: PrometheusRule');
  });

  test.each([
    [['--error-rate-threshold', '5'], /^cdk8s-robustmq-observability: --error-rate-threshold '5' must be a ratio from 0 to 1/],
    [['--error-rate-threshold', '-0.1'], /--error-rate-threshold '-0.1' must be a ratio/],
    [['--disable-alert', 'NoSuchAlert'], /--disable-alert 'NoSuchAlert' is not an alert of this library/],
    [['--disable-alert', 'RobustMQHighLatncy'], /did you mean 'RobustMQHighLatency'/],
    [['--min-healthy-nodes', '4'], /--min-healthy-nodes '4' must be a whole number from 1 to the replica count 3/],
    [['--min-healthy-nodes', '0'], /--min-healthy-nodes '0' must be a whole number from 1/],
    [['--latency-p99-threshold', '1'], /--latency-p99-threshold '1' must be a Prometheus duration/],
    [['--latency-p99-threshold', '10m'], /--latency-p99-threshold '10m' must be from 1ms to 262s/],
    [['--runbook-url-pattern', 'https://wiki/runbooks'], /--runbook-url-pattern 'https:\/\/wiki\/runbooks' must be an http\(s\) URL containing '\{anchor\}'/],
    [['--grafana-url', 'grafana'], /--grafana-url 'grafana' must be an http\(s\) URL/],
    [['--no-alerts'], /--no-alerts leaves 'rules' nothing to write/],
  ])('rules %j exits 2', (args, message) => {
    const r = run(['rules', ...args]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});

describe('RobustMqAlerts tuning', () => {
  function setup() {
    const app = Testing.app();
    const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
    const cluster = new RobustMqCluster(mq, 'cluster');
    const mon = new Chart(app, 'mon', { namespace: 'monitoring' });
    const monitor = new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster), discoveryLabels: { prometheus: 'k8s' } });
    return { app, cluster, mon, monitor };
  }

  test('overrides change for, severity and threshold; extra labels and annotations reach every alert', () => {
    const { cluster, mon, monitor } = setup();
    const alerts = new RobustMqAlerts(mon, 'alerts', {
      monitor,
      cluster,
      overrides: { RobustMQHighCpu: { for: '30m', severity: AlertSeverity.CRITICAL, threshold: 0.75 }, RobustMQMessagesDropped: { disabled: true } },
      extraLabels: { team: 'messaging' },
      extraAnnotations: { playbook: 'see {{ $labels.pod }}' },
      runbookUrlPattern: 'https://wiki.example.com/robustmq/{alert}',
    });
    const rule = one(Testing.synth(mon), 'PrometheusRule');
    expect(rule.metadata.labels).toEqual({ prometheus: 'k8s' });
    const cpu = alertRules(rule).find((a) => a.alert === 'RobustMQHighCpu');
    expect(cpu).toMatchObject({ for: '30m', labels: { severity: 'critical', team: 'messaging' } });
    expect(cpu.expr).toMatch(/> 0.75$/);
    expect(cpu.annotations.runbook_url).toBe('https://wiki.example.com/robustmq/RobustMQHighCpu');
    for (const a of alertRules(rule)) expect(a.annotations.playbook).toBe('see {{ $labels.pod }}');
    expect(alerts.alertNames).not.toContain('RobustMQMessagesDropped');
    const dir = tmpDir('rmq-tuned-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), Yaml.stringify(alerts.ruleGroups()));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), alerts.ruleTestsYaml('rules.yaml'));
    expect(promtool(['test', 'rules', 'tests.yaml'], dir).output).toContain('SUCCESS');
  });

  test('works with a PodMonitor and a workload outside the app', () => {
    const app = Testing.app();
    const mon = new Chart(app, 'mon', { namespace: 'monitoring' });
    const monitor = new RobustMqPodMonitor(mon, 'pm', {
      target: PodScrapeTarget.fromLabels({ namespace: 'legacy', podLabels: { app: 'mq' }, portName: 'admin', clusterName: 'legacy-mq' }),
      clusterLabel: 'robustmq_cluster',
    });
    const alerts = new RobustMqAlerts(mon, 'alerts', { monitor, replicas: 5 });
    const rule = one(Testing.synth(mon), 'PrometheusRule');
    const down = alertRules(rule).find((a) => a.alert === 'RobustMQClusterDown');
    expect(down.expr).toBe('(sum(up{robustmq_cluster="legacy-mq", namespace="legacy", job="legacy-mq"}) or vector(0)) < 3');
    expect(down.labels).toEqual({ severity: 'critical', robustmq_cluster: 'legacy-mq', namespace: 'legacy' });
    // Without a log agent, no log pipeline alerts.
    expect(alertRules(rule).map((a) => a.alert)).not.toContain('RobustMQLogsLost');
    const dir = tmpDir('rmq-pm-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), Yaml.stringify(alerts.ruleGroups()));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), alerts.ruleTestsYaml('rules.yaml'));
    expect(promtool(['test', 'rules', 'tests.yaml'], dir).output).toContain('SUCCESS');
  });

  const refusals: Array<[string, object, RegExp]> = [
    ['unknown alert override', { overrides: { RobustMQFoo: { for: '1m' } } }, /overrides.RobustMQFoo 'RobustMQFoo' is not an alert of this library/],
    ['unknown disabled alert', { disabledAlerts: ['NoSuchAlert'] }, /disabledAlerts 'NoSuchAlert' is not an alert/],
    ['bad for', { overrides: { RobustMQHighCpu: { for: 'soon' } } }, /overrides.RobustMQHighCpu.for 'soon' must be a Prometheus duration/],
    ['zero for', { overrides: { RobustMQHighCpu: { for: '0s' } } }, /overrides.RobustMQHighCpu.for '0s' must be a positive duration/],
    ['bad severity', { overrides: { RobustMQHighCpu: { severity: 'page' } } }, /overrides.RobustMQHighCpu.severity 'page' must be one of 'critical', 'warning', 'info'/],
    ['ratio threshold over 1', { overrides: { RobustMQHighCpu: { threshold: 90 } } }, /overrides.RobustMQHighCpu.threshold '90' must be a ratio from 0 to 1/],
    ['ratio over 1', { errorRateThreshold: 5 }, /errorRateThreshold '5' must be a ratio from 0 to 1/],
    ['threshold on an alert without one', { overrides: { RobustMQNodeDown: { threshold: 1 } } }, /overrides.RobustMQNodeDown.threshold '1' cannot be set/],
    ['min healthy above replicas', { minHealthyNodes: 4 }, /minHealthyNodes '4' must be a whole number from 1 to the replica count 3/],
    ['for longer than the fill-up horizon', { overrides: { RobustMQDataVolumeFullIn24h: { threshold: 1, for: '1h' } } },
      /overrides.RobustMQDataVolumeFullIn24h.for '1h' must be shorter than the prediction horizon/],
    ['reserved extra label', { extraLabels: { severity: 'high' } }, /extraLabels 'severity' must not be 'severity'/],
    ['bad extra label name', { extraLabels: { 'team-name': 'x' } }, /extraLabels 'team-name' must be a Prometheus label name/],
    ['untestable annotation', { extraAnnotations: { x: '{{ printf "%.1f" $value }}' } }, /extraAnnotations.x .* uses \{\{ printf/],
    ['reserved annotation', { extraAnnotations: { summary: 'x' } }, /extraAnnotations 'summary' must not be 'summary'/],
  ];
  test.each(refusals)('refuses %s', (_name, tuning, message) => {
    const { cluster, mon, monitor } = setup();
    let error: unknown;
    try {
      new RobustMqAlerts(mon, 'alerts', { monitor, cluster, ...tuning });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^RobustMqAlerts 'mon\/alerts': /);
    expect((error as Error).message).toMatch(message);
  });
});

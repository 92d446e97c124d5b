import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { RuleFiles } from '../../src/alerts/rule-file';
import { main } from '../../src/cli';
import { RobustMqServiceMonitor } from '../../src/metrics/service-monitor';
import { ServiceScrapeTarget } from '../../src/metrics/target';
import { RobustMqObservability, RobustMqObservabilityProps } from '../../src/observability';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { builtInSlos, probeSlos } from '../../src/slo/built-in';
import { Sli } from '../../src/slo/sli';
import { Slo } from '../../src/slo/slo';
import { RobustMqSlos, RobustMqSlosProps } from '../../src/slo/slos';
import { promtool, promtoolVersion, tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';
import { refuse } from '../support/refuse';

const PROBE = { startedMetric: 'probe_mqtt_started_total', failedMetrics: ['probe_mqtt_errors_total', 'probe_mqtt_timeouts_total'], durationHistogram: 'probe_mqtt_duration_seconds' };

function make(props: Partial<RobustMqSlosProps> = {}): RobustMqSlos {
  const chart = new Chart(new App(), 'c', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(chart, 'rmq', {});
  const monitor = new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster), namespace: 'monitoring' });
  return new RobustMqSlos(chart, 'slos', { monitor, ...props });
}

const ratio = (objective: number, extra: Partial<Slo> = {}): Slo => ({
  name: 'probe-ok',
  objective,
  sli: Sli.fromRatio({ errorQuery: 'sum(rate(probe_mqtt_started_total[{{.window}}])) - sum(rate(probe_mqtt_completed_total[{{.window}}]))', totalQuery: 'sum(rate(probe_mqtt_started_total[{{.window}}]))' }),
  knownMetrics: ['probe_mqtt_started_total', 'probe_mqtt_completed_total'],
  ...extra,
});

function writeAndTest(slos: RobustMqSlos, tests = slos.ruleTests('rules.yaml')): { status: number; output: string } {
  const dir = tmpDir('slo-');
  fs.writeFileSync(path.join(dir, 'rules.yaml'), RuleFiles.ruleFileYaml(slos.ruleGroups()));
  fs.writeFileSync(path.join(dir, 'tests.yaml'), RuleFiles.promtoolTestsYaml(tests));
  const check = promtool(['check', 'rules', 'rules.yaml'], dir);
  expect(check.output).not.toMatch(/FAILED/);
  expect(check.status).toBe(0);
  const r = promtool(['test', 'rules', 'tests.yaml'], dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

describe('RobustMqSlos', () => {
  test('the built-in SLO is PUBLISH latency from mqtt_packet_process_duration_ms, Sloth-named', () => {
    const slos = make();
    expect(slos.sloNames).toEqual(['publish-latency']);
    expect(slos.alertNames).toEqual(['RobustMQPublishLatencyBudgetBurn']);
    const groups = slos.ruleGroups().groups;
    expect(groups.map((g) => g.name)).toEqual([
      'sloth-slo-sli-recordings-robustmq-robustmq-cluster-publish-latency',
      'sloth-slo-meta-recordings-robustmq-robustmq-cluster-publish-latency',
      'sloth-slo-alerts-robustmq-robustmq-cluster-publish-latency',
    ]);
    expect(groups[0].rules.map((r) => r.record)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(slos.service).toBe('robustmq-robustmq-cluster');
    expect(groups[0].rules[0].expr).toBe('(sum(rate(mqtt_packet_process_duration_ms_count{cluster="robustmq-cluster", namespace="robustmq", job="robustmq-cluster-metrics", packet="Publish"}[5m])) - '
      + 'sum(rate(mqtt_packet_process_duration_ms_bucket{cluster="robustmq-cluster", namespace="robustmq", job="robustmq-cluster-metrics", packet="Publish", le=~"128(\\\\.0)?"}[5m])))\n/\n'
      + '(sum(rate(mqtt_packet_process_duration_ms_count{cluster="robustmq-cluster", namespace="robustmq", job="robustmq-cluster-metrics", packet="Publish"}[5m])))\n');
    expect(groups[2].rules.map((r) => [r.labels?.severity, r.labels?.sloth_severity])).toEqual([['critical', 'page'], ['warning', 'ticket']]);
    expect(slos.prometheusRule.metadata.namespace).toBe('robustmq');
    // Both links open the SLO dashboard with this service selected.
    for (const r of groups[2].rules) {
      expect(r.annotations?.runbook_url).toBe('http://localhost:3000/d/robustmq-slos?var-service=robustmq-robustmq-cluster');
      expect(r.annotations?.dashboard_url).toBe(r.annotations?.runbook_url);
      expect(r.annotations?.summary).toBe('An SLO\'s error budget is burning too fast.');
    }
  });

  test(`every tier's generated tests pass on ${promtoolVersion()}`, () => {
    const r = writeAndTest(make());
    expect(r.output).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
  }, 600_000);

  test('each page pair\'s fire case owes its alert to that pair: flipping the pair\'s short-window comparison fails it', () => {
    const slos = make();
    const dir = tmpDir('slo-flip-');
    try {
      // The quick pair's cases are those of the stack's rule-tests; the slow pair's are in the SLO's own file.
      for (const [pair, window, tests] of [['quick', '5m', slos.quickRuleTests('rules.yaml')], ['slow', '30m', slos.ruleTests('rules.yaml')]] as const) {
        fs.writeFileSync(path.join(dir, 'tests.yaml'), RuleFiles.promtoolTestsYaml(tests));
        // The page rule with `rate<short> > ...` made `rate<short> < ...`: the other pair alone may fire.
        const groups = slos.ruleGroups().groups.map((g) => ({
          ...g,
          rules: g.rules.map((r) => (r.labels?.sloth_severity === 'page'
            ? { ...r, expr: r.expr.replace(new RegExp(`(ratio_rate${window}\\{[^}]*\\}) >`), '$1 <') } : r)),
        }));
        expect(JSON.stringify(groups)).toContain(`ratio_rate${window}{`);
        fs.writeFileSync(path.join(dir, 'rules.yaml'), RuleFiles.ruleFileYaml({ groups }));
        const bad = promtool(['test', 'rules', 'tests.yaml'], dir);
        expect(bad.status).not.toBe(0);
        expect(bad.output).toMatch(new RegExp(`page ${pair} pair .* fires at`));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  test('a probe availability SLO of another objective (0.999): its page quick pair passes, and its spike test fails once the long window is taken out', () => {
    const slos = make({ builtIn: false, slos: [probeSlos(PROBE)[0]] });
    const tests = slos.quickRuleTests('rules.yaml');
    expect(tests.tests.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/page quick pair .* stays quiet on a 5m spike/)]));
    const ok = writeAndTest(slos, tests);
    expect(ok.output).not.toMatch(/FAILED/);
    expect(ok.status).toBe(0);
    // The same tests against rules whose page alert ignores the long windows: the spikes fire it.
    const dir = tmpDir('slo-mut-');
    const groups = slos.ruleGroups().groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => (r.labels?.sloth_severity === 'page'
        ? { ...r, expr: r.expr.replace(/\n\s*and\n\s*max\(slo:sli_error:ratio_rate1h\{[^\n]*/, '') } : r)),
    }));
    fs.writeFileSync(path.join(dir, 'rules.yaml'), RuleFiles.ruleFileYaml({ groups }));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), RuleFiles.promtoolTestsYaml(tests));
    const bad = promtool(['test', 'rules', 'tests.yaml'], dir);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/stays quiet on a 5m spike/);
  }, 600_000);

  test('probe SLOs: both SLIs have a shape the tests feed; an SLI of another shape is rendered but listed untested', () => {
    const probes = probeSlos(PROBE);
    expect(probes.map((s) => s.name)).toEqual(['probe-availability', 'probe-latency']);
    const odd: Slo = { name: 'odd', objective: 0.99, sli: Sli.fromRatio({ errorQuery: 'sum(increase(mqtt_packets_received_error_total[{{.window}}]))', totalQuery: 'sum(increase(mqtt_packets_received_total[{{.window}}]))' }) };
    const slos = make({ slos: [...probes, odd] });
    expect(slos.sloNames).toEqual(['publish-latency', 'probe-availability', 'probe-latency', 'odd']);
    expect(slos.untestedSlos).toEqual(['odd']);
    expect(slos.ruleTests('r.yaml').tests.some((t) => t.name.includes('odd'))).toBe(false);
  });

  describe('refuses bad input, naming field, value and what is allowed', () => {
    test.each([0, 1, 1.5, -0.1, NaN])('objective %p', (o) => {
      refuse(() => make({ slos: [ratio(o)] }), /RobustMqSlos 'c\/slos': slos\[0\]\.objective '.*' must be a ratio strictly between 0 and 1/);
    });
    test('a window that does not parse', () => {
      refuse(() => make({ slos: [ratio(0.99, { alerting: { page: { quick: { longWindow: '1 hour', shortWindow: '5m', factor: 14.4 }, slow: { longWindow: '6h', shortWindow: '30m', factor: 6 } } } })] }),
        /slos\[0\]\.alerting\.page\.quick\.longWindow '1 hour' must be a Prometheus duration/);
      refuse(() => make({ slos: [ratio(0.99, { period: '4weeks' })] }), /slos\[0\]\.period '4weeks' must be a Prometheus duration/);
    });
    test.each(['1h', '2h'])('a short window (%s) not shorter than its long one (1h)', (short) => {
      refuse(() => make({ slos: [ratio(0.99, { alerting: { page: { quick: { longWindow: '1h', shortWindow: short, factor: 14.4 }, slow: { longWindow: '6h', shortWindow: '30m', factor: 6 } } } })] }),
        new RegExp(`slos\\[0\\]\\.alerting\\.page\\.quick\\.shortWindow '${short}' must be shorter than the long window '1h'`));
    });
    test.each([0, -3])('a factor that is not positive (%p)', (f) => {
      refuse(() => make({ slos: [ratio(0.99, { alerting: { ticket: { quick: { longWindow: '1d', shortWindow: '2h', factor: f }, slow: { longWindow: '3d', shortWindow: '6h', factor: 1 } } } })] }),
        /slos\[0\]\.alerting\.ticket\.quick\.factor '-?\d+' must be a positive number/);
    });
    test('a factor the error ratio can never reach (14.4x of a 10% budget)', () => {
      refuse(() => make({ slos: [ratio(0.9)] }), /slos\[0\]\.alerting\.page\.quick\.factor '14\.4' times the error budget 0\.1 must be below 1, or the alert could never fire: at most 10/);
    });
    test('an SLI query that does not parse', () => {
      refuse(() => make({ slos: [{ name: 'bad-sli', objective: 0.99, sli: Sli.fromRatio({ errorQuery: 'sum(rate(mqtt_packets_received_error[{{.window}}])', totalQuery: 'sum(rate(mqtt_packets_received[{{.window}}]))' }) }] }),
        /slos\[0\]\.sli\.errorQuery 'sum\(rate\(mqtt_packets_received_error\[\{\{\.window\}\}\]\)' is not valid PromQL: column \d+: /);
    });
    test('an SLI query that names an unknown metric, with the nearest known one', () => {
      refuse(() => make({ slos: [{ name: 'bad-sli', objective: 0.99, sli: Sli.fromRatio({ errorQuery: 'sum(rate(mqtt_packets_recieved_error[{{.window}}]))', totalQuery: 'sum(rate(mqtt_packets_received[{{.window}}]))' }) }] }),
        /slos\[0\]\.sli\.errorQuery .* is not valid PromQL: column 10: unknown metric 'mqtt_packets_recieved_error' \(did you mean 'mqtt_packets_received_\w+'\?\)/);
      // The probe's metrics are unknown until the SLO declares them.
      refuse(() => make({ slos: [ratio(0.99, { knownMetrics: [] })] }), /unknown metric 'probe_mqtt_started_total'/);
      refuse(() => make({ slos: [{ name: 'lat', objective: 0.99, sli: Sli.fromLatency({ histogram: 'probe_mqtt_duration_seconds', threshold: '1s' }) }] }),
        /slos\[0\]\.sli\.errorQuery .* unknown metric 'probe_mqtt_duration_seconds_count'/);
    });
    test('an SLI query without the window placeholder, a latency histogram of no unit, a name too long for an alert', () => {
      refuse(() => make({ slos: [{ name: 'bad-sli', objective: 0.99, sli: Sli.fromRatio({ errorQuery: 'sum(rate(mqtt_packets_received_error[5m]))', totalQuery: 'sum(rate(mqtt_packets_received[{{.window}}]))' }) }] }),
        /slos\[0\]\.sli\.errorQuery .* must take its window as \{\{\.window\}\}/);
      refuse(() => make({ slos: [{ name: 'bad-sli', objective: 0.99, sli: Sli.fromLatency({ histogram: 'up', threshold: '1s' }) }] }),
        /slos\[0\]\.sli\.histogram 'up' must name its unit/);
      refuse(() => make({ slos: [ratio(0.99, { name: 'a-very-long-service-level-objective-name' })] }),
        /slos\[0\]\.alerting\.name 'RobustMQAVeryLongServiceLevelObjectiveNameBudgetBurn' must be CamelCase starting with 'RobustMQ', at most 40 characters/);
      refuse(() => make({ slos: [ratio(0.99, { name: 'publish-latency' })] }), /slos 'publish-latency' must name each SLO once/);
      refuse(() => make({ slos: [{ name: 'lat', objective: 0.99, sli: Sli.fromLatency({ histogram: 'mqtt_packet_process_duration_ms', threshold: '100ms' }) }] }),
        /slos\[0\]\.sli\.threshold '100ms' must be a bound of RobustMQ's millisecond buckets \(1ms, 2ms, 4ms, 8ms, \.\.\. 524288ms\)/);
      expect(make({ slos: [{ name: 'lat', objective: 0.99, sli: Sli.fromLatency({ histogram: 'mqtt_packet_process_duration_ms', threshold: '128ms' }) }] }).sloNames).toContain('lat');
      refuse(() => make({ slos: [{ name: 'no-sli', objective: 0.99, sli: { errorQuery: 'x', totalQuery: 'y' } as unknown as Sli }] }),
        /slos\[0\]\.sli '.*' must be made by Sli\.fromRatio\(\) or Sli\.fromLatency\(\)/);
    });
  });
});

describe('in RobustMqObservability and the CLI', () => {
  test('on with the alerts, off without them or with enabled false; user SLOs added to the built-in one; rules and tests in the stack\'s files', () => {
    const build = (props: RobustMqObservabilityProps) => new RobustMqObservability(new Chart(new App(), 'c', { namespace: 'robustmq' }), 'stack', props);
    // The probe (on by default) brings its SLOs, over its own series; a second copy is refused.
    const on = build({});
    expect(on.slos?.sloNames).toEqual(['publish-latency', 'probe-availability', 'probe-latency']);
    const availability = on.ruleGroups().groups.find((g) => g.name === 'sloth-slo-sli-recordings-robustmq-robustmq-cluster-probe-availability')!;
    const sel = '{namespace="robustmq", job="robustmq-cluster-mqtt-probe", name="robustmq-cluster-mqtt-probe"}';
    expect(availability.rules[0].expr).toBe(`(sum(rate(probe_mqtt_errors_total${sel}[5m])) + sum(rate(probe_mqtt_timeouts_total${sel}[5m])))\n/\n(sum(rate(probe_mqtt_started_total${sel}[5m])))\n`);
    refuse(() => build({ slos: { slos: probeSlos(PROBE) } }), /must name each SLO once/);
    expect(build({ probe: { enabled: false } }).slos?.sloNames).toEqual(['publish-latency']);
    expect(build({ slos: { builtIn: false, slos: probeSlos(PROBE) } }).slos?.sloNames).toEqual(['probe-availability', 'probe-latency']);
    expect(on.slos?.namespace).toBe('monitoring');
    const groups = on.ruleGroups().groups.map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['robustmq.cluster', 'sloth-slo-alerts-robustmq-robustmq-cluster-probe-latency']));
    const tests = on.ruleTests('r.yaml');
    expect(tests.evaluationInterval).toBe('1m');
    const sloTests = tests.tests.filter((t) => t.name.startsWith('SLO '));
    expect(sloTests.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^SLO publish-latency, probe-latency: page quick pair .* fires at 15.84x$/)]));
    expect(sloTests.some((t) => /ticket|slow/.test(t.name))).toBe(false);
    expect(build({ alerts: { enabled: false } }).slos).toBeUndefined();
    expect(build({ slos: { enabled: false } }).slos).toBeUndefined();
    expect(build({ alerts: { enabled: false }, slos: { enabled: true } }).slos).toBeDefined();
  });

  test('--no-slos leaves the SLO rules out of rules and rule-tests; with --no-alerts it is refused as pointless', () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    expect(main(['rules'], io)).toBe(0);
    expect(out.join('')).toContain('sloth-slo-alerts-robustmq-robustmq-cluster-publish-latency');
    out.length = 0;
    expect(main(['rules', '--no-slos'], io)).toBe(0);
    expect(out.join('')).not.toContain('sloth');
    out.length = 0;
    expect(main(['rule-tests', '--no-slos'], io)).toBe(0);
    expect(out.join('')).not.toContain('RobustMQPublishLatencyBudgetBurn');
    out.length = 0;
    expect(main(['synth', '--no-slos', '--no-alerts'], io)).toBe(2);
    expect(out.join('')).toMatch(/--no-slos has no effect with --no-alerts/);
  });
});

/** An expression with whitespace collapsed and numbers written alike. */
function normal(expr: string): string {
  return expr.replace(/\s+/g, ' ').trim().replace(/\d+\.\d+(e-?\d+)?/g, (n) => String(+Number(n).toPrecision(10)));
}

describe('Sloth v0.16.0 (the real program, .tools/bin/sloth)', () => {
  test('generates the same groups, recording rules, labels and expressions for the built-in SLO', () => {
    const slos = make();
    const dir = tmpDir('sloth-');
    const mine = slos.ruleGroups().groups;
    const sm = slos.node.scope!.node.findChild('sm') as RobustMqServiceMonitor;
    const slo = builtInSlos(sm)[0];
    const spec = {
      version: 'prometheus/v1',
      service: slos.service,
      slos: [{
        name: slo.name,
        objective: slo.objective * 100,
        // RobustMqSlos puts the cluster's identity on every SLO; Sloth's SLO labels go on every recording rule.
        labels: { namespace: sm.targetNamespace, [sm.clusterLabel]: sm.clusterName },
        sli: { events: { error_query: slo.sli.errorQuery, total_query: slo.sli.totalQuery } },
        alerting: { name: slos.alertNames[0], page_alert: { labels: { severity: 'critical' } }, ticket_alert: { labels: { severity: 'warning' } } },
      }],
    };
    fs.writeFileSync(path.join(dir, 'spec.yaml'), Yaml.stringify(spec));
    const r = spawnSync(realTool('sloth'), ['generate', '--no-log', '-i', 'spec.yaml', '-o', 'out.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/error/i);
    const theirs = Yaml.load(path.join(dir, 'out.yaml'))[0].groups as Array<{ name: string; rules: any[] }>;
    fs.rmSync(dir, { recursive: true, force: true });
    expect(mine.map((g) => g.name)).toEqual(theirs.map((g) => g.name));
    for (let g = 0; g < theirs.length; g++) {
      expect(mine[g].rules.map((x) => x.record ?? x.alert)).toEqual(theirs[g].rules.map((x) => x.record ?? x.alert));
      for (let i = 0; i < theirs[g].rules.length; i++) {
        const a = mine[g].rules[i];
        const b = theirs[g].rules[i];
        expect(normal(a.expr)).toBe(normal(b.expr));
        const skip = ['sloth_mode', 'sloth_version'];
        const strip = (l: { [k: string]: string } | undefined) => Object.fromEntries(Object.entries(l ?? {}).filter(([k]) => !skip.includes(k)));
        expect(strip(a.labels)).toEqual(strip(b.labels));
      }
    }
  });
});

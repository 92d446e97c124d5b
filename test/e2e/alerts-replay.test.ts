import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { createBlocks } from './backfill';
import { PrometheusServer, sleep } from './prometheus';
import { planReplay, ReplayCase, ReplayExporter } from './replay';
import { FluentBit, PromtoolTest, RobustMqAlerts, RobustMqCluster, RobustMqServiceMonitor, RuleFile, ServiceScrapeTarget } from '../../src';
import { tmpDir } from '../support/promtool';
import { PrometheusBuild, prometheusBuilds } from '../support/real-tools';

/**
 * Every alert's firing cases of the generated promtool tests (src/alerts/definitions.ts, laid
 * over the realistic fixture of src/alerts/fixture.ts), replayed on a real running Prometheus:
 * each case's history backfilled with the build's promtool, then its targets scraped live (the
 * RobustMQ pods with the ServiceMonitor's labels, the kubelet's cAdvisor and volume metrics,
 * kube-state-metrics, Fluent Bit), the stack's own rule file loaded, and the alerts read from
 * the server's alerts API. Each case must fire its alert with exactly the labels promtool
 * expects; the healthy fixture must fire nothing. Every case runs in a namespace of its own
 * (a stack of its own), all in one server.
 *
 * The rule file differs from the stack's in two ways only, both made here: every `for` is 1s
 * (a case fires within seconds rather than after its `for`, which promtool checks), and every
 * alert carries the case's number as the label `e2e_case`.
 */

jest.setTimeout(300_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const REPLICAS = 3;
const NAMESPACE_0 = 'e2e-0';
/** The RobustMQ pods' scrape: short enough to scrape a few times, long enough for a slow answer. */
const POD_SCRAPE = { interval: '4s', timeout: '3s' };
const durationSeconds = (d: string) => Number(/^(\d+)s$/.exec(d)![1]);

interface StackCase {
  /** `<alert> fires: <description>`, or the healthy fixture's test. */
  readonly name: string;
  readonly alert?: string;
  readonly namespace: string;
  readonly replay: ReplayCase;
  /** The alerts expected, as label sets (JSON, sorted keys), besides alertname. */
  readonly expected: string[];
  readonly rules: RuleFile;
  readonly podJob: string;
}

function sortedJson(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** The stack in namespace `ns`: its rules and its promtool tests. */
function stack(ns: string) {
  const app = Testing.app();
  const mq = new Chart(app, 'robustmq', { namespace: ns });
  const cluster = new RobustMqCluster(mq, 'cluster', { replicas: REPLICAS });
  const mon = new Chart(app, 'monitoring', { namespace: `${ns}-monitoring` });
  const monitor = new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster), interval: POD_SCRAPE.interval, scrapeTimeout: POD_SCRAPE.timeout });
  const fluentBit = new FluentBit(new Chart(app, 'logging', { namespace: `${ns}-logging` }), 'fluent-bit', { cluster });
  const alerts = new RobustMqAlerts(mon, 'alerts', { monitor, target: cluster, fluentBit });
  return { rules: alerts.ruleGroups(), tests: alerts.ruleTests('rules.yaml').tests, podJob: cluster.metricsService.name };
}

const minutesOf = (evalTime: string) => Number(/^(\d+)m$/.exec(evalTime)![1]);

/**
 * The firing cases and the healthy fixture, case `k` in namespace `e2e-<k>`: the stack is built
 * once in `e2e-0`, and each case's series and rules are that stack's with the namespace renamed
 * (as a stack built in `e2e-<k>` would be, at a fiftieth of the synth time).
 */
function cases(): StackCase[] {
  const pick = (t: PromtoolTest) => / fires: /.test(t.name) || t.name === 'the healthy fixture fires no alert';
  const s = stack(NAMESPACE_0);
  const picked = s.tests.filter(pick);
  return picked.map((t, k) => {
    const ns = `e2e-${k}`;
    const rename = (text: string) => text.replace(/\be2e-0(?![0-9])/g, ns);
    const last = t.alertRuleTests[t.alertRuleTests.length - 1];
    const alert = / fires: /.test(t.name) ? last.alertname : undefined;
    const rules: RuleFile = JSON.parse(rename(JSON.stringify({
      groups: s.rules.groups.map((g) => ({
        ...g,
        rules: g.rules.map((r) => (r.alert ? { ...r, for: '1s', labels: { ...r.labels, e2e_case: String(k) } } : r)),
      })),
    })));
    return {
      name: t.name,
      alert,
      namespace: ns,
      replay: { series: t.inputSeries.map((x) => ({ series: rename(x.series), values: x.values })), evalMinute: minutesOf(last.evalTime) },
      expected: alert ? last.expAlerts.map((a) => sortedJson(JSON.parse(rename(JSON.stringify(a.expLabels))))) : [],
      rules,
      podJob: s.podJob,
    };
  });
}

/** The other alerts a case's state rightly fires: nodes down below quorum, no target at all, a volume past several limits. */
const ALSO_FIRING: { [caseName: string]: string[] } = {
  'RobustMQClusterDown fires: 1 of 3 nodes up': ['RobustMQNodeDown', 'RobustMQNodeDown'],
  'RobustMQClusterDown fires: no target discovered at all': ['RobustMQPodsMissing'],
  'RobustMQDataVolumeAlmostFull fires: 95% not available': ['RobustMQDataVolumeFillingUp'],
  'RobustMQDataVolumeAlmostFull fires: 95% not available, just above': ['RobustMQDataVolumeFillingUp'],
  'RobustMQDataVolumeFullIn24h fires: free space falling 5624 bytes a minute': ['RobustMQDataVolumeAlmostFull', 'RobustMQDataVolumeFillingUp'],
};

const CASES = cases();
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The firing alerts of each case after the replay: `alertname {labels}`. */
async function replay(b: PrometheusBuild): Promise<Map<number, string[]>> {
  const dir = tmpDir(`rmq-replay-${b.version}-`);
  dirs.push(dir);
  const podJobs = new Set(CASES.map((c) => c.podJob));
  // The evaluation minute of every case is now: its history ends here, its targets go on from here.
  const startMs = Date.now();
  const plan = planReplay(CASES.map((c) => c.replay), {
    podTarget: (l) => podJobs.has(l.job) && l.pod !== undefined && l.endpoint !== undefined,
    interval: POD_SCRAPE.interval,
    timeout: POD_SCRAPE.timeout,
  }, startMs / 1000, durationSeconds(POD_SCRAPE.interval));
  createBlocks(b, dir, path.join(dir, 'prometheus', 'data'), plan.history);
  const ruleFiles = CASES.map((c, k) => {
    const file = path.join(dir, `rules-${k}.yaml`);
    fs.writeFileSync(file, Yaml.stringify(c.rules));
    return file;
  });
  const exporter = await ReplayExporter.start(plan.targets, startMs);
  const prometheus = await PrometheusServer.start(b.prometheus, path.join(dir, 'prometheus'), ruleFiles, exporter.scrapeTargets(),
    { scrapeInterval: '2s', scrapeTimeout: '1500ms', deadlineMs: 240_000 });
  try {
    const firing = async () => {
      const byCase = new Map<number, string[]>(CASES.map((_c, k) => [k, []]));
      for (const a of await prometheus.firingAlerts()) {
        const { alertname, e2e_case: k, ...labels } = a;
        byCase.get(Number(k))?.push(`${alertname} ${sortedJson(labels)}`);
      }
      return byCase;
    };
    const done = (byCase: Map<number, string[]>) => CASES.every((c, k) => c.expected.every((e) => byCase.get(k)!.includes(`${c.alert} ${e}`)));
    // Two pod scrapes for the rates to move, then until every case fires (or a minute).
    await sleep(12_000);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !done(await firing())) await sleep(2000);
    // A few more evaluations: what fires then stays, and nothing else joins.
    await sleep(6000);
    const unhealthy = (await prometheus.targets()).filter((t) => t.health !== 'up' && !plan.targets.some((p) => p.down && p.labels.job === t.job));
    if (unhealthy.length > 0) throw new Error(`targets not up: ${JSON.stringify(unhealthy)}`);
    return await firing();
  } finally {
    await prometheus.stop();
    await exporter.stop();
  }
}

describe.each(prometheusBuilds().map((b) => [b.version, b] as const))('every alert\'s firing cases replayed on a real Prometheus %s', (_version, b) => {
  let result: Promise<Map<number, string[]>>;
  beforeAll(() => {
    result = replay(b);
    // Reported per test below; an error here is reported there too.
    result.catch(() => undefined);
  });

  test('the cases cover every alert of the stack', () => {
    const alerts = new Set(CASES.flatMap((c) => c.rules.groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => !!a))));
    expect([...alerts].filter((a) => !CASES.some((c) => c.alert === a))).toEqual([]);
    expect(alerts.size).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES.map((c, k) => [c.name, k] as const))('%s', async (_name, k) => {
    const c = CASES[k];
    const firing = (await result).get(k)!;
    const mine = firing.filter((f) => f.startsWith(`${c.alert} `)).sort();
    expect(mine).toEqual(c.expected.map((e) => `${c.alert} ${e}`).sort());
    // Whatever else fires is what the case's state also means, and nothing more.
    expect(firing.filter((f) => !f.startsWith(`${c.alert} `)).map((f) => f.split(' ')[0]).sort()).toEqual(ALSO_FIRING[c.name] ?? []);
  });
});

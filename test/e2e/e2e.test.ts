import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { HEALTHY, ExporterState, KubeletExporter, PodExporter } from './exporter';
import { PrometheusServer, Target, sleep } from './prometheus';
import { RobustMqAlerts, RobustMqCluster, RobustMqServiceMonitor, RobustMqSlos, ServiceScrapeTarget } from '../../src';
import { ALERT_NAMES } from '../../src/alerts/definitions';
import { AlertOverride } from '../../src/alerts/engine';
import { GrafanaDashboards } from '../../src/dashboards/grafana-dashboards';
import { allPanels, substituteGrafanaVariables } from '../../src/dashboards/lint';
import { tmpDir } from '../support/promtool';
import { PrometheusBuild, prometheusBuilds } from '../support/real-tools';

/**
 * End to end against a real Prometheus on loopback: the stack's rule file, scrape targets with
 * the labels the ServiceMonitor's relabelings produce, and RobustMQ-shaped exporters driven by
 * scenarios. Each scenario must fire exactly its expected alerts; in the healthy one, every
 * dashboard query must evaluate and return data.
 */

jest.setTimeout(170_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const NAMESPACE = 'robustmq';
const REPLICAS = 3;

/** The stack's alerts with every `for` shortened so a scenario fires within seconds. */
interface Rules {
  readonly ruleYaml: string;
  readonly monitorJson: any;
  readonly dashboards: any[];
  readonly cluster: RobustMqCluster;
  /** The SLOs' sloth_service: the SLO dashboard's `service` variable. */
  readonly sloService: string;
}

function buildRules(disabled: string[] = []): Rules {
  const app = Testing.app();
  const mq = new Chart(app, 'robustmq', { namespace: NAMESPACE });
  const cluster = new RobustMqCluster(mq, 'cluster', { replicas: REPLICAS });
  const mon = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  const monitor = new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster) });
  const overrides: { [name: string]: AlertOverride } = {};
  for (const name of ALERT_NAMES) overrides[name] = { for: '1s' };
  const alerts = new RobustMqAlerts(mon, 'alerts', { monitor, cluster, overrides, disabledAlerts: disabled });
  // The built-in broker SLO's rules too: the SLO dashboard reads their series.
  const slos = new RobustMqSlos(mon, 'slos', { monitor });
  const dashboards = new GrafanaDashboards(mon, 'dashboards', { monitor, replicas: REPLICAS });
  const monitorJson = Testing.synth(mon).find((o) => o.kind === 'ServiceMonitor');
  const models = Object.values(dashboards.dashboardJson()).map((text) => JSON.parse(text));
  const groups = [...alerts.ruleGroups().groups, ...slos.ruleGroups().groups];
  return { ruleYaml: Yaml.stringify({ groups }), monitorJson, dashboards: models, cluster, sloService: slos.service };
}

/** The target labels the ServiceMonitor's relabelings give a pod (and the operator's `job`). */
function targetLabels(monitor: any, pod: string, node: string, serviceName: string): { [key: string]: string } {
  const meta: { [key: string]: string } = {
    __meta_kubernetes_pod_name: pod,
    __meta_kubernetes_namespace: NAMESPACE,
    __meta_kubernetes_pod_node_name: node,
    __meta_kubernetes_service_name: serviceName,
  };
  const out: { [key: string]: string } = { job: serviceName };
  for (const r of monitor.spec.endpoints[0].relabelings) {
    out[r.targetLabel] = r.sourceLabels ? meta[r.sourceLabels[0]] : r.replacement;
  }
  return out;
}

interface Scenario {
  readonly name: string;
  readonly pods: Array<Partial<ExporterState>>;
  readonly diskUsed: number;
  readonly expected: string[];
  readonly disabled?: string[];
  /** How long to wait for the expected alerts. */
  readonly timeoutMs?: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'healthy', pods: [{}, {}, {}], diskUsed: 0.3, expected: [] },
  { name: 'one node down', pods: [{ up: false }, {}, {}], diskUsed: 0.3, expected: ['RobustMQNodeDown'] },
  { name: 'all nodes down', pods: [{ up: false }, { up: false }, { up: false }], diskUsed: 0.3, expected: ['RobustMQClusterDown', 'RobustMQNodeDown'] },
  // A third of the PUBLISH packets at 3s burns the 128ms SLO's budget (1%) at over 14.4 times: it pages too.
  { name: 'latency spike', pods: [{ latencyMs: 3000 }, {}, {}], diskUsed: 0.3, expected: ['RobustMQHighLatency', 'RobustMQPublishLatencyBudgetBurn'] },
  { name: 'error burst', pods: [{ errorRatio: 0.5 }, { errorRatio: 0.5 }, {}], diskUsed: 0.3, expected: ['RobustMQHighErrorRate'] },
  { name: 'disk filling', pods: [{}, {}, {}], diskUsed: 0.85, expected: ['RobustMQDataVolumeFillingUp'] },
  { name: 'Raft write failures', pods: [{ raftWriteFailuresPerSecond: 2 }, {}, {}], diskUsed: 0.3, expected: ['RobustMQRaftWriteFailures'] },
];

/** A scenario running: exporters, a kubelet, and Prometheus loaded with the rules. */
async function runScenario(build: PrometheusBuild, s: Scenario, rules = buildRules(s.disabled)) {
  const dir = tmpDir(`rmq-e2e-${build.version}-${s.name.replace(/\W+/g, '-')}-`);
  const ruleFile = path.join(dir, 'rules.yaml');
  fs.writeFileSync(ruleFile, rules.ruleYaml);
  // The ServiceMonitor scrapes through the metrics Service: its name is the `job`.
  const serviceName = rules.cluster.metricsService.name;
  const exporters = await Promise.all(s.pods.map((p) => PodExporter.start({ ...HEALTHY, ...p })));
  const claims = exporters.map((_, i) => `data-${rules.cluster.statefulSet.name}-${i}`);
  const kubelet = await KubeletExporter.start(NAMESPACE, claims, s.diskUsed);
  const targets: Target[] = exporters.map((e, i) => ({
    job: serviceName,
    address: e.address,
    labels: targetLabels(rules.monitorJson, `${rules.cluster.statefulSet.name}-${i}`, `node-${i}`, serviceName),
  }));
  targets.push({ job: 'kubelet', address: kubelet.address, labels: {}, honorLabels: true });
  const prometheus = await PrometheusServer.start(build.prometheus, path.join(dir, 'prometheus'), ruleFile, targets);
  const stop = async () => {
    await prometheus.stop();
    await Promise.all([...exporters.map((e) => e.stop()), kubelet.stop()]);
  };
  return { prometheus, stop, rules };
}

/**
 * Waits until the expected alerts fire, then checks for a few more seconds that no other alert
 * fires. Returns the problems: `missing X`, `unexpected Y`.
 */
async function checkAlerts(prometheus: PrometheusServer, expected: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let firing: string[] = [];
  // Targets appear about 5 s after start; rates need two scrapes after that.
  await sleep(expected.length === 0 ? 15_000 : 6_000);
  while (Date.now() < deadline) {
    firing = [...new Set(await prometheus.firing())];
    if (expected.every((a) => firing.includes(a))) break;
    await sleep(1000);
  }
  await sleep(3000);
  firing = [...new Set(await prometheus.firing())];
  return [
    ...expected.filter((a) => !firing.includes(a)).map((a) => `missing ${a}`),
    ...firing.filter((a) => !expected.includes(a)).map((a) => `unexpected ${a}`),
  ];
}

function substituteDashboardVariables(expr: string, sloService: string): string {
  return expr
    .replace(/\$service\b/g, sloService)
    .replace(/\$slo\b/g, '.*')
    .replace(/\$__rate_interval/g, '1m')
    .replace(/\$cluster\b/g, 'robustmq-cluster')
    .replace(/\$namespace\b/g, NAMESPACE)
    .replace(/\$pod\b/g, '.*');
}

describe.each(prometheusBuilds().map((b) => [b.version, b] as const))('end to end against a real Prometheus %s', (_version, build) => {
  const results = new Map<string, Promise<{ problems: string[]; dashboardFailures?: string[]; targetHealth?: string[] }>>();

  beforeAll(() => {
    // All scenarios run at once: each has its own exporters and Prometheus on loopback.
    for (const s of [...SCENARIOS, {
      name: 'latency spike with RobustMQHighLatency disabled',
      pods: [{ latencyMs: 3000 }, {}, {}],
      diskUsed: 0.3,
      expected: ['RobustMQHighLatency', 'RobustMQPublishLatencyBudgetBurn'],
      disabled: ['RobustMQHighLatency'],
      timeoutMs: 20_000,
    }]) {
      results.set(s.name, (async () => {
        const run = await runScenario(build, s);
        try {
          const problems = await checkAlerts(run.prometheus, s.expected, s.timeoutMs);
          if (s.name !== 'healthy') return { problems };
          const targetHealth = (await run.prometheus.targets()).filter((t) => t.health !== 'up').map((t) => `${t.job}: ${t.health} ${t.lastError}`);
          const dashboardFailures: string[] = [];
          for (const d of run.rules.dashboards.filter((x) => x.templating?.list?.[0]?.query === 'prometheus')) {
            for (const v of d.templating.list.filter((x: any) => x.type === 'query')) {
              const inner = substituteDashboardVariables(v.query.replace(/^label_values\((.*), [a-z_]+\)$/, '$1'), run.rules.sloService);
              const r = await run.prometheus.query(inner);
              if (r.status !== 'success' || r.result.length === 0) dashboardFailures.push(`${d.uid} variable ${v.name}: ${r.error ?? 'no data'}`);
            }
            for (const p of allPanels(d)) {
              for (const t of p.targets ?? []) {
                const expr = substituteDashboardVariables(t.expr, run.rules.sloService);
                const r = await run.prometheus.query(expr);
                // With nothing firing, the firing-alerts table is rightly empty.
                const mayBeEmpty = p.title === 'Firing RobustMQ Alerts';
                if (r.status !== 'success' || (r.result.length === 0 && !mayBeEmpty)) {
                  dashboardFailures.push(`${d.uid} '${p.title}' ${t.refId}: ${r.error ?? 'no data'} (${substituteGrafanaVariables(t.expr)})`);
                }
              }
            }
          }
          return { problems, dashboardFailures, targetHealth };
        } finally {
          await run.stop();
        }
      })());
    }
  });

  test.each(SCENARIOS.map((s) => [s.name, s.expected]))('%s: fires %j and nothing else', async (name, expected) => {
    const r = await results.get(name as string)!;
    expect({ expected, problems: r.problems }).toEqual({ expected, problems: [] });
  });

  test('healthy: every target is up and every dashboard query evaluates and returns data', async () => {
    const r = await results.get('healthy')!;
    expect(r.targetHealth).toEqual([]);
    expect(r.dashboardFailures).toEqual([]);
  });

  test('the test can fail: with RobustMQHighLatency disabled, the latency spike reports it missing', async () => {
    const r = await results.get('latency spike with RobustMQHighLatency disabled')!;
    expect(r.problems).toEqual(['missing RobustMQHighLatency']);
  });
});

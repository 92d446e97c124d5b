import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { RobustMqObservability } from '../../src/observability';
import { routedAlerts } from '../../src/routing/model';
import { AlertReceiver } from '../../src/routing/receivers';
import { PrometheusServer } from '../e2e/prometheus';
import { RealProcess, freePort, request, sleep } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';

/**
 * The routing's plain alertmanager.yml run by the real Alertmanager (v0.35.0) on loopback,
 * delivering to a local webhook: a total outage of the cluster delivers RobustMQClusterDown to the
 * critical receiver and inhibits the cluster's per-pod alerts. Fed twice: by alerts posted to the
 * v2 API with the labels the rules give them (read from the rules' promtool tests), and by a real
 * Prometheus 3 evaluating the stack's rule file while scraping three RobustMQ targets that do not
 * answer (every `for` made 1s, as in test/e2e/alerts-replay.test.ts, so it fires in seconds).
 */

jest.setTimeout(180_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

type Labels = { [key: string]: string };
interface Delivery { readonly path: string; readonly alerts: string[] }

/** A webhook on loopback that records what Alertmanager delivers, by path. */
async function webhook(): Promise<{ port: number; received: Delivery[]; close: () => void }> {
  const received: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const payload = JSON.parse(body);
      received.push({ path: req.url!, alerts: payload.alerts.map((a: any) => `${a.labels.alertname}/${a.labels.cluster ?? ''}/${a.labels.pod ?? ''}`).sort() });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
}

/** The default stack with two webhook receivers, and its alertmanager.yml with the secret files in `dir`. */
function routedStack(dir: string, hookPort: number): RobustMqObservability {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
  // No probe: its exporter is not among the targets here (test/real/probe.test.ts runs it).
  const o = new RobustMqObservability(chart, 'stack', {
    probe: { enabled: false },
    routing: {
      receivers: [
        AlertReceiver.webhook({ name: 'pager', url: { name: 'receivers', key: 'pager-url' } }),
        AlertReceiver.webhook({ name: 'chat', url: { name: 'receivers', key: 'chat-url' } }),
      ],
      criticalReceiver: 'pager',
      warningReceiver: 'chat',
    },
  });
  const secrets = path.join(dir, 'secrets');
  fs.mkdirSync(path.join(secrets, 'receivers'), { recursive: true });
  fs.writeFileSync(path.join(secrets, 'receivers', 'pager-url'), `http://127.0.0.1:${hookPort}/pager`);
  fs.writeFileSync(path.join(secrets, 'receivers', 'chat-url'), `http://127.0.0.1:${hookPort}/chat`);
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), o.routing!.alertmanagerConfigYaml(secrets));
  return o;
}

async function startAlertmanager(dir: string): Promise<{ am: RealProcess; web: number }> {
  const [web, gossip] = await Promise.all([freePort(), freePort()]);
  const am = RealProcess.start(realTool('alertmanager'), [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${web}`, `--cluster.listen-address=127.0.0.1:${gossip}`, '--log.level=warn',
  ], 170_000);
  await am.waitForHttp(`http://127.0.0.1:${web}/-/ready`);
  return { am, web };
}

/** Waits until both receivers got something (group_wait is Alertmanager's default 30s), then a little more. */
async function bothDelivered(received: Delivery[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(received.some((x) => x.path === '/pager') && received.some((x) => x.path === '/chat'))) await sleep(250);
  await sleep(3000);
}

/** The alerts Alertmanager holds as inhibited, `alertname/pod`. */
async function inhibited(web: number): Promise<string[]> {
  const listed = JSON.parse((await request(`http://127.0.0.1:${web}/api/v2/alerts`)).body);
  return listed.filter((a: any) => a.status.inhibitedBy.length > 0).map((a: any) => `${a.labels.alertname}/${a.labels.pod ?? ''}`).sort();
}

function byPath(received: Delivery[]): Delivery[] {
  return [...received].sort((a, b) => a.path.localeCompare(b.path));
}

describe('a real Alertmanager with the routing', () => {
  test('alerts posted with the rules\' labels: the outage reaches the pager, its per-pod alerts are inhibited, another cluster\'s are not', async () => {
    const hook = await webhook();
    const dir = tmpDir('rmq-am-routing-');
    const o = routedStack(dir, hook.port);
    const alerts = routedAlerts(o.ruleGroups(), o.ruleTests('x.yaml'));
    const labelsOf = (name: string, extra: Labels = {}): Labels => ({ ...alerts.find((a) => a.name === name)!.labels, alertname: name, ...extra });
    const cluster = labelsOf('RobustMQClusterDown').cluster;
    const posted = [
      labelsOf('RobustMQClusterDown'),
      ...[0, 1, 2].map((i) => labelsOf('RobustMQNodeDown', { pod: `${cluster}-${i}` })),
      labelsOf('RobustMQPodsMissing'),
      // Another cluster's node down is not part of this outage.
      labelsOf('RobustMQNodeDown', { cluster: 'other-cluster', pod: 'other-cluster-0' }),
    ];
    expect(posted[0]).toEqual({ alertname: 'RobustMQClusterDown', cluster: 'robustmq-cluster', namespace: 'robustmq', severity: 'critical' });
    const { am, web } = await startAlertmanager(dir);
    try {
      const r = await request(`http://127.0.0.1:${web}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(posted.map((labels) => ({ labels }))),
      });
      expect(r.status).toBe(200);
      await bothDelivered(hook.received, 60_000);
      expect(byPath(hook.received)).toEqual([
        { path: '/chat', alerts: ['RobustMQNodeDown/other-cluster/other-cluster-0'] },
        { path: '/pager', alerts: ['RobustMQClusterDown/robustmq-cluster/'] },
      ]);
      expect(await inhibited(web)).toEqual(['RobustMQNodeDown/robustmq-cluster-0', 'RobustMQNodeDown/robustmq-cluster-1', 'RobustMQNodeDown/robustmq-cluster-2', 'RobustMQPodsMissing/']);
    } finally {
      await am.stop();
      hook.close();
    }
  });

  test('fed by a real Prometheus evaluating the stack\'s rules over three RobustMQ targets that do not answer', async () => {
    const hook = await webhook();
    const dir = tmpDir('rmq-am-routing-prom-');
    const o = routedStack(dir, hook.port);
    // The stack's rule file, every `for` 1s.
    const rules = { groups: o.ruleGroups().groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.alert ? { ...r, for: '1s' } : r)) })) };
    fs.writeFileSync(path.join(dir, 'rules.yaml'), Yaml.stringify(rules));
    // The RobustMQ pods' targets with the labels the ServiceMonitor gives them (those RobustMQNodeDown fires with),
    // at loopback ports where nothing listens.
    const nodeDown = routedAlerts(o.ruleGroups(), o.ruleTests('x.yaml')).find((a) => a.name === 'RobustMQNodeDown')!.labels;
    const { severity: _s, instance: _i, job, ...targetLabels } = nodeDown;
    const cluster = targetLabels.cluster;
    const closed = await Promise.all([0, 1, 2].map(() => freePort()));
    const { am, web } = await startAlertmanager(dir);
    const prom = await PrometheusServer.start(realTool('prometheus'), path.join(dir, 'prometheus'), path.join(dir, 'rules.yaml'),
      closed.map((port, i) => ({ job, address: `127.0.0.1:${port}`, labels: { ...targetLabels, pod: `${cluster}-${i}` } })),
      { alertmanager: `127.0.0.1:${web}`, deadlineMs: 170_000 });
    try {
      // Prometheus itself sees the outage: the cluster down and every node down.
      const deadline = Date.now() + 30_000;
      let firing: string[] = [];
      while (Date.now() < deadline && !(firing.includes('RobustMQClusterDown') && firing.filter((a) => a === 'RobustMQNodeDown').length === 3)) {
        await sleep(500);
        firing = await prom.firing();
      }
      expect(firing.filter((a) => a.startsWith('RobustMQ') && !a.startsWith('RobustMQLog')).sort())
        .toEqual(['RobustMQClusterDown', 'RobustMQNodeDown', 'RobustMQNodeDown', 'RobustMQNodeDown']);
      // Prometheus sends a firing alert at each evaluation: Alertmanager holds the node-down group from
      // about now, and would deliver it after group_wait (30s) if nothing inhibited it.
      const nodeDownSeen = Date.now();
      await bothDelivered(hook.received, 60_000);
      await sleep(Math.max(0, nodeDownSeen + 36_000 - Date.now()));
      const delivered = byPath(hook.received);
      // The pager gets the outage alone; the chat gets the other parts' warnings (no log agent, no Jaeger here), no node down.
      expect(delivered.filter((d) => d.path === '/pager')).toEqual([{ path: '/pager', alerts: ['RobustMQClusterDown/robustmq-cluster/'] }]);
      expect(delivered.flatMap((d) => d.alerts).filter((a) => a.startsWith('RobustMQNodeDown'))).toEqual([]);
      expect(await inhibited(web)).toEqual(['RobustMQNodeDown/robustmq-cluster-0', 'RobustMQNodeDown/robustmq-cluster-1', 'RobustMQNodeDown/robustmq-cluster-2']);
    } finally {
      await prom.stop();
      await am.stop();
      hook.close();
    }
  });
});

import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { RobustMqObservability } from '../../src/observability';
import { routedAlerts } from '../../src/routing/model';
import { AlertReceiver } from '../../src/routing/receivers';
import { RealProcess, freePort, request, sleep } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';

/**
 * The routing's plain alertmanager.yml run by the real Alertmanager on loopback, delivering to a
 * local webhook: a total outage of one cluster delivers RobustMQClusterDown to the critical
 * receiver and inhibits that cluster's per-pod alerts, while the same per-pod alert of another
 * cluster still reaches the warning receiver. The alerts are posted to Alertmanager's v2 API with
 * the labels the rules give them (read from the rules' promtool tests), not fed by a Prometheus.
 */

jest.setTimeout(120_000);

describe('a real Alertmanager with the routing', () => {
  test('a total outage delivers the cluster-down alert and inhibits the per-pod ones', async () => {
    const received: { path: string; alerts: string[] }[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const payload = JSON.parse(body);
        received.push({ path: req.url!, alerts: payload.alerts.map((a: any) => `${a.labels.alertname}/${a.labels.cluster}/${a.labels.pod ?? ''}`).sort() });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const hookPort = (hook.address() as AddressInfo).port;

    const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack', {
      routing: {
        receivers: [
          AlertReceiver.webhook({ name: 'pager', url: { name: 'receivers', key: 'pager-url' } }),
          AlertReceiver.webhook({ name: 'chat', url: { name: 'receivers', key: 'chat-url' } }),
        ],
        criticalReceiver: 'pager',
        warningReceiver: 'chat',
      },
    });
    const dir = tmpDir('rmq-am-routing-');
    const secrets = path.join(dir, 'secrets');
    fs.mkdirSync(path.join(secrets, 'receivers'), { recursive: true });
    fs.writeFileSync(path.join(secrets, 'receivers', 'pager-url'), `http://127.0.0.1:${hookPort}/pager`);
    fs.writeFileSync(path.join(secrets, 'receivers', 'chat-url'), `http://127.0.0.1:${hookPort}/chat`);
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), o.routing!.alertmanagerConfigYaml(secrets));

    // The labels the rules fire with.
    const alerts = routedAlerts(o.ruleGroups(), o.ruleTests('x.yaml'));
    const labelsOf = (name: string, extra: { [k: string]: string } = {}): { [k: string]: string } =>
      ({ ...alerts.find((a) => a.name === name)!.labels, alertname: name, ...extra });
    const cluster = labelsOf('RobustMQClusterDown').cluster;
    const posted = [
      labelsOf('RobustMQClusterDown'),
      ...[0, 1, 2].map((i) => labelsOf('RobustMQNodeDown', { pod: `${cluster}-${i}` })),
      labelsOf('RobustMQPodsMissing'),
      // Another cluster's node down is not part of this outage.
      labelsOf('RobustMQNodeDown', { cluster: 'other-cluster', pod: 'other-cluster-0' }),
    ];
    expect(posted[0]).toEqual({ alertname: 'RobustMQClusterDown', cluster: 'robustmq-cluster', namespace: 'robustmq', severity: 'critical' });

    const [web, gossip] = await Promise.all([freePort(), freePort()]);
    const am = RealProcess.start(realTool('alertmanager'), [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${web}`, `--cluster.listen-address=127.0.0.1:${gossip}`, '--log.level=warn',
    ], 110_000);
    try {
      await am.waitForHttp(`http://127.0.0.1:${web}/-/ready`);
      const r = await request(`http://127.0.0.1:${web}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(posted.map((labels) => ({ labels }))),
      });
      expect(r.status).toBe(200);
      // group_wait is Alertmanager's default 30s: wait for both receivers, then a little more.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(received.some((x) => x.path === '/pager') && received.some((x) => x.path === '/chat'))) await sleep(250);
      await sleep(3000);
      expect(received.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: '/chat', alerts: ['RobustMQNodeDown/other-cluster/other-cluster-0'] },
        { path: '/pager', alerts: ['RobustMQClusterDown/robustmq-cluster/'] },
      ]);
      // Alertmanager itself reports the per-pod alerts of the outage as inhibited by it.
      const listed = JSON.parse((await request(`http://127.0.0.1:${web}/api/v2/alerts`)).body);
      const inhibited = listed.filter((a: any) => a.status.inhibitedBy.length > 0).map((a: any) => `${a.labels.alertname}/${a.labels.pod ?? ''}`).sort();
      expect(inhibited).toEqual(['RobustMQNodeDown/robustmq-cluster-0', 'RobustMQNodeDown/robustmq-cluster-1', 'RobustMQNodeDown/robustmq-cluster-2', 'RobustMQPodsMissing/']);
    } finally {
      await am.stop();
      hook.close();
    }
  });
});

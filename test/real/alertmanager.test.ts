import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RealProcess, freePort, request } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';

/**
 * Alertmanager and amtool built from their Go module (scripts/install-real-tools.sh), for the
 * alert-routing work: the binaries run, amtool checks a configuration (and refuses a broken one),
 * and the server starts on loopback, takes an alert through its v2 API and lists it back.
 */

jest.setTimeout(60_000);

const CONFIG = [
  'route:',
  '  receiver: default',
  '  group_by: [alertname, cluster]',
  'receivers:',
  '  - name: default',
  '',
].join('\n');

describe('the real Alertmanager', () => {
  test('amtool checks a configuration, and refuses one whose route names no receiver', () => {
    const dir = tmpDir('rmq-am-');
    fs.writeFileSync(path.join(dir, 'good.yml'), CONFIG);
    fs.writeFileSync(path.join(dir, 'bad.yml'), CONFIG.replace('receiver: default', 'receiver: nobody'));
    const good = spawnSync(realTool('amtool'), ['check-config', 'good.yml'], { cwd: dir, encoding: 'utf8' });
    const bad = spawnSync(realTool('amtool'), ['check-config', 'bad.yml'], { cwd: dir, encoding: 'utf8' });
    expect({ status: good.status, out: good.stdout }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    expect(bad.status).not.toBe(0);
    expect(`${bad.stdout}${bad.stderr}`).toContain('undefined receiver "nobody"');
  });

  test('the server starts, takes an alert and lists it', async () => {
    const dir = tmpDir('rmq-am-');
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), CONFIG);
    const [web, cluster] = await Promise.all([freePort(), freePort()]);
    const am = RealProcess.start(realTool('alertmanager'), [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${web}`, `--cluster.listen-address=127.0.0.1:${cluster}`, '--log.level=warn',
    ], 50_000);
    try {
      await am.waitForHttp(`http://127.0.0.1:${web}/-/ready`);
      const posted = await request(`http://127.0.0.1:${web}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'RobustMQNodeDown', cluster: 'robustmq-cluster', severity: 'critical' } }]),
      });
      expect(posted.status).toBe(200);
      const listed = JSON.parse((await request(`http://127.0.0.1:${web}/api/v2/alerts`)).body);
      expect(listed.map((a: any) => a.labels.alertname)).toEqual(['RobustMQNodeDown']);
      const status = JSON.parse((await request(`http://127.0.0.1:${web}/api/v2/status`)).body);
      expect(status.versionInfo.version).toBe('0.35.0');
    } finally {
      await am.stop();
    }
  });
});

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { RuleFiles } from '../../src/alerts/rule-file';
import { selectedMetrics } from '../../src/metrics/promql';
import { PROBE_METRICS, PROBE_SAMPLE_NAMES } from '../../src/probe/facts';
import { RobustMqProbe } from '../../src/probe/probe';
import { RobustMqProbeAlerts } from '../../src/probe/probe-alerts';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { PrometheusServer, sleep } from '../e2e/prometheus';
import { freePort, RealProcess } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';

/**
 * The probe end to end on loopback: the probe's configuration as the library renders it (the
 * template, and the start script run by dash filling in the credentials), the prober
 * (test/real/mqtt-probe, a stand-in for inovex/mqtt_blackbox_exporter with its metric names and
 * config format, built by scripts/install-real-tools.sh) against Debian's mosquitto with a
 * password file, scraped by the real Prometheus 3 with the library's probe rules. Stopping
 * mosquitto fires RobustMQProbeFailing; restarting it clears the alert.
 */

const MOSQUITTO = fs.existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
const USER = 'probe';
const PASSWORD = 'pa"ss\\word&1';

jest.setTimeout(420_000);

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(1000);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('the MQTT probe against mosquitto, scraped by Prometheus with the probe rules', () => {
  const processes: Array<{ stop: () => Promise<void> }> = [];
  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
  });

  test('metrics appear under the names the rules use; stopping mosquitto fires RobustMQProbeFailing, restarting clears it', async () => {
    const dir = tmpDir('probe-real-');
    // ---- the library's objects ----
    const chart = new Chart(Testing.app(), 'c', { namespace: 'robustmq' });
    const cluster = new RobustMqCluster(chart, 'cluster');
    const probe = new RobustMqProbe(chart, 'probe', { cluster, interval: '3s', timeout: '1s', messages: 3 });
    const alerts = new RobustMqProbeAlerts(chart, 'alerts', { probe, window: '2m', overrides: { RobustMQProbeFailing: { for: '10s' } } });

    // ---- mosquitto with a password file ----
    const mqttPort = await freePort();
    const passwd = path.join(dir, 'passwd');
    const made = spawnSync('mosquitto_passwd', ['-b', '-c', passwd, USER, PASSWORD], { encoding: 'utf8' });
    expect(made.status).toBe(0);
    const mosquittoConf = path.join(dir, 'mosquitto.conf');
    // `user`: as root, mosquitto would switch to the user 'mosquitto', who cannot read the test's files.
    fs.writeFileSync(mosquittoConf, [`user ${os.userInfo().username}`, `listener ${mqttPort} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwd}`, 'persistence false', ''].join('\n'));
    const startMosquitto = () => {
      const m = RealProcess.start(MOSQUITTO, ['-c', mosquittoConf], 400_000);
      processes.push(m);
      return m;
    };
    let mosquitto = startMosquitto();

    // ---- the configuration as the pod renders it: template + start script (dash) ----
    const template = path.join(dir, 'config.yaml.template');
    const config = path.join(dir, 'config.yaml');
    // The one change: the client Service's DNS name stands for the broker on loopback.
    expect(probe.configTemplate).toContain(`broker_url: "${probe.brokerUrl}"`);
    fs.writeFileSync(template, probe.configTemplate.replace(probe.brokerUrl, `tcp://127.0.0.1:${mqttPort}`));
    const secrets = path.join(dir, 'secrets');
    fs.mkdirSync(secrets);
    fs.writeFileSync(path.join(secrets, 'username'), USER);
    fs.writeFileSync(path.join(secrets, 'password'), PASSWORD);
    const script = probe.startScript.split('/etc/mqtt-probe/config.yaml.template').join(template)
      .split('/var/run/mqtt-probe/config.yaml').join(config).split('/var/run/secrets/mqtt-probe').join(secrets);
    const rendered = spawnSync('dash', ['-c', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    expect(YAML.parse(fs.readFileSync(config, 'utf8')).probes[0]).toMatchObject({ username: USER, password: PASSWORD, interval: '3s', messages: 3 });

    // ---- the prober, with the container's arguments ----
    const metricsPort = await freePort();
    const container = one(chart.toJson(), probe.name).spec.template.spec.containers[0];
    const args = [...container.args];
    args[args.indexOf('-config.file') + 1] = config;
    args[args.indexOf('-web.listen-address') + 1] = `127.0.0.1:${metricsPort}`;
    const prober = RealProcess.start(realTool('mqtt-probe'), args, 400_000);
    processes.push(prober);
    await prober.waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`, 30_000);

    // ---- Prometheus with the library's rules, the target labelled as the ServiceMonitor does ----
    const rulesFile = path.join(dir, 'rules.yaml');
    fs.writeFileSync(rulesFile, RuleFiles.ruleFileYaml(alerts.ruleGroups()));
    const prom = await PrometheusServer.start(realTool('prometheus'), path.join(dir, 'prom'), rulesFile, [{
      job: probe.serviceMonitor!.job,
      address: `127.0.0.1:${metricsPort}`,
      labels: { namespace: probe.namespace, pod: `${probe.name}-0`, service: probe.name },
    }], { deadlineMs: 400_000 });
    processes.push(prom);

    // Every metric the rules select is served, by that name, with the probe's labels.
    const used = [...new Set(alerts.ruleGroups().groups.flatMap((g) => g.rules.flatMap((r) => selectedMetrics(r.expr))))].filter((m) => m !== 'up');
    expect(used.length).toBeGreaterThan(0);
    for (const m of used) {
      expect(PROBE_SAMPLE_NAMES).toContain(m);
      const found = await until(`${m} in Prometheus`, 60_000, async () => {
        const r = await prom.query(`${m}{name="${probe.name}", job="${probe.serviceMonitor!.job}", namespace="${probe.namespace}"}`);
        return r.result.length > 0 ? r.result : undefined;
      });
      expect(found[0].metric.broker).toBe(`tcp://127.0.0.1:${mqttPort}`);
    }
    // Healthy: round trips succeed (received grows), nothing fails, no alert fires.
    await until('round trips that succeed', 60_000, async () => {
      const r = await prom.query(`increase(${PROBE_METRICS.received}[30s]) > 0`);
      return r.result.length > 0 ? true : undefined;
    }).catch((e) => {
      throw new Error(`${e.message}\nprober: ${prober.log()}\nmosquitto: ${mosquitto.log()}`);
    });
    await sleep(20_000);
    const failedHealthy = await prom.query(`sum(${PROBE_METRICS.errors}) + sum(${PROBE_METRICS.timeouts})`);
    expect(Number(failedHealthy.result[0].value[1])).toBe(0);
    expect(await prom.firing()).toEqual([]);

    // ---- mosquitto stops: the probe fails, and the alert fires ----
    await mosquitto.stop();
    const fired = await until('RobustMQProbeFailing to fire', 180_000, async () => {
      const a = (await prom.firingAlerts()).filter((x) => x.alertname === 'RobustMQProbeFailing');
      return a.length > 0 ? a : undefined;
    });
    expect(fired[0]).toMatchObject({ alertname: 'RobustMQProbeFailing', severity: 'critical', namespace: probe.namespace, name: probe.name });
    expect(Number((await prom.query(`sum(${PROBE_METRICS.errors})`)).result[0].value[1])).toBeGreaterThan(0);
    expect(await prom.firing()).not.toContain('RobustMQProbeDown');

    // ---- mosquitto back: round trips succeed again, and the alert clears ----
    mosquitto = startMosquitto();
    await until('round trips that succeed again', 90_000, async () => {
      const r = await prom.query(`increase(${PROBE_METRICS.received}[20s]) > 0`);
      return r.result.length > 0 ? true : undefined;
    }).catch((e) => {
      throw new Error(`${e.message}\nprober: ${prober.log()}\nmosquitto: ${mosquitto.log()}`);
    });
    await until('RobustMQProbeFailing to clear', 180_000, async () =>
      ((await prom.firing()).includes('RobustMQProbeFailing') ? undefined : true));
    // Cleared by round trips that succeed, not by round trips that stopped (a share of nothing).
    expect((await prom.query(`increase(${PROBE_METRICS.started}[20s]) > 0`)).result).toHaveLength(1);
    expect(await prom.firing()).toEqual([]);
  });
});

function one(objs: any[], name: string): any {
  const found = objs.filter((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one Deployment '${name}', found ${found.length}`);
  return found[0];
}

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { freePort, request as get, sleep } from '../support/processes';

export { sleep };

/**
 * A real Prometheus server (Debian's 2.42 or 3.x built from its module, see
 * test/support/real-tools.ts) on loopback for the end-to-end test:
 * it loads a rule file and scrapes the test exporters with the labels the ServiceMonitor's
 * relabelings would give them. Bounded: it is killed when the test stops it or after a deadline.
 */

/** A scrape target and the target labels it gets. */
export interface Target {
  readonly job: string;
  readonly address: string;
  readonly labels: { [key: string]: string };
  /** Keep the series' own labels (the kubelet's namespace and PVC labels). */
  readonly honorLabels?: boolean;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default - the server's */
  readonly scrapeInterval?: string;
  /** @default - the server's */
  readonly scrapeTimeout?: string;
}

/** How a PrometheusServer scrapes and evaluates. */
export interface PrometheusOptions {
  /** @default '1s' */
  readonly scrapeInterval?: string;
  /** @default '900ms' */
  readonly scrapeTimeout?: string;
  /** How long it may run before it is killed. @default 120 s */
  readonly deadlineMs?: number;
  /** An Alertmanager to send the firing alerts to, `host:port`. @default - none */
  readonly alertmanager?: string;
}


export class PrometheusServer {
  public static async start(binary: string, dir: string, ruleFiles: string | string[], targets: Target[],
    options: PrometheusOptions = {}): Promise<PrometheusServer> {
    fs.mkdirSync(dir, { recursive: true });
    // One scrape config per job and metrics path.
    const jobs = new Map<string, Target[]>();
    for (const t of targets) {
      const key = `${t.job} ${t.metricsPath ?? '/metrics'} ${t.scrapeInterval} ${t.scrapeTimeout}`;
      jobs.set(key, [...(jobs.get(key) ?? []), t]);
    }
    const config = {
      global: { scrape_interval: options.scrapeInterval ?? '1s', scrape_timeout: options.scrapeTimeout ?? '900ms', evaluation_interval: '1s' },
      rule_files: typeof ruleFiles === 'string' ? [ruleFiles] : ruleFiles,
      ...(options.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } } : {}),
      scrape_configs: [...jobs.values()].map((ts, i) => ({
        // The `job` label comes from the target's labels, which win over the job name (scrape/target.go PopulateDiscoveredLabels).
        job_name: `scrape-${i}`,
        honor_labels: ts.some((t) => t.honorLabels),
        ...(ts[0].metricsPath ? { metrics_path: ts[0].metricsPath } : {}),
        ...(ts[0].scrapeInterval ? { scrape_interval: ts[0].scrapeInterval } : {}),
        ...(ts[0].scrapeTimeout ? { scrape_timeout: ts[0].scrapeTimeout } : {}),
        static_configs: ts.map((t) => ({ targets: [t.address], labels: { job: t.job, ...t.labels } })),
      })),
    };
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(configFile, Yaml.stringify(config));
    const port = await freePort();
    const proc = spawn(binary, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.on('data', (c) => { log += c; });
    const server = new PrometheusServer(proc, `http://127.0.0.1:${port}`, () => log);
    server.killTimer = setTimeout(() => proc.kill('SIGKILL'), options.deadlineMs ?? 120_000);
    for (let i = 0; i < 100; i++) {
      try {
        if ((await get(`${server.url}/-/ready`)).status === 200) return server;
      } catch {
        // not listening yet
      }
      if (proc.exitCode !== null) break;
      await sleep(100);
    }
    await server.stop();
    throw new Error(`Prometheus did not start: ${log}`);
  }

  private killTimer?: NodeJS.Timeout;

  private constructor(private readonly proc: ChildProcess, public readonly url: string, public readonly log: () => string) {}

  /** Names of the alerts firing now (with repeats for several instances). */
  public async firing(): Promise<string[]> {
    return (await this.firingAlerts()).map((a) => a.alertname).sort();
  }

  /** The labels of the alerts firing now. */
  public async firingAlerts(): Promise<Array<{ [label: string]: string }>> {
    const r = JSON.parse((await get(`${this.url}/api/v1/alerts`)).body);
    return r.data.alerts.filter((a: any) => a.state === 'firing').map((a: any) => a.labels);
  }

  /** Evaluates an instant query; returns the status, the error if any, and the result. */
  public async query(expr: string): Promise<{ status: string; error?: string; result: any[] }> {
    const r = JSON.parse((await get(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).body);
    return { status: r.status, error: r.error, result: r.data?.result ?? [] };
  }

  /** The scrape targets' health. */
  public async targets(): Promise<Array<{ job: string; health: string; lastError: string }>> {
    const r = JSON.parse((await get(`${this.url}/api/v1/targets`)).body);
    return r.data.activeTargets.map((t: any) => ({ job: t.labels.job, health: t.health, lastError: t.lastError }));
  }

  public async stop(): Promise<void> {
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { renderJaegerRuleGroup } from '../../src/tracing/alerts';
import { JAEGER_DEFAULT_VERSION, JAEGER_PORTS, JaegerStorage } from '../../src/tracing/facts';
import { Jaeger } from '../../src/tracing/jaeger';
import { JAEGER_METRIC_ACCEPTED_SPANS, JAEGER_METRIC_REFUSED_SPANS, JAEGER_METRIC_SEND_FAILED_SPANS, JAEGER_METRIC_SENT_SPANS } from '../../src/tracing/jaeger-alert-definitions';
import { PrometheusServer } from '../e2e/prometheus';
import { RealProcess, freePort, request, sleep } from '../support/processes';
import { tmpDir } from '../support/promtool';
import { prometheusBuilds, realTool } from '../support/real-tools';

/**
 * The real Jaeger v2 (built from its Go module by scripts/install-real-tools.sh, the release the
 * default image pins) started with the configuration the Jaeger construct renders, on loopback:
 * spans sent over each receiver with OpenTelemetry's own exporters come back through the query
 * API, the health endpoint answers, and the real Prometheus scraping Jaeger's telemetry with the
 * library's Jaeger rules finds every metric the alerts use and fires JaegerDown when Jaeger stops.
 */

jest.setTimeout(150_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const NAMESPACE = 'monitoring';

function renderedConfig(storage: JaegerStorage): { config: any; jaeger: Jaeger } {
  const app = Testing.app();
  const chart = new Chart(app, 'tracing', { namespace: NAMESPACE });
  const jaeger = new Jaeger(chart, 'jaeger', { storage });
  return { config: YAML.parse(jaeger.configYaml), jaeger };
}

/** The rendered file with every listener moved to a free loopback port and badger into `dir`. */
async function localise(config: any, dir: string): Promise<{ ports: { [k: string]: number }; text: string }> {
  const ports: { [k: string]: number } = {};
  const byDefault = new Map<number, string>(Object.entries(JAEGER_PORTS).map(([k, p]) => [p.port, k]));
  const text = JSON.stringify(config);
  const rewritten = JSON.parse(text, (_key, value) => value);
  const walk = async (node: any): Promise<void> => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'endpoint' && typeof v === 'string') {
        const m = /^0\.0\.0\.0:(\d+)$/.exec(v);
        if (!m) throw new Error(`unexpected endpoint ${v}`);
        const role = byDefault.get(Number(m[1]))!;
        ports[role] = await freePort();
        node[k] = `127.0.0.1:${ports[role]}`;
      } else if (k === 'prometheus' && typeof v === 'object') {
        ports.metrics = await freePort();
        node[k] = { ...v, host: '127.0.0.1', port: ports.metrics };
      } else if ((k === 'keys' || k === 'values') && typeof v === 'string') {
        node[k] = path.join(dir, path.basename(v));
      } else {
        await walk(v);
      }
    }
  };
  await walk(rewritten);
  return { ports, text: Yaml.stringify(rewritten) };
}

/** Sends one span per receiver with OpenTelemetry's exporters (support/send-spans.js); returns each result. */
function sendSpans(targets: Array<{ protocol: string; url: string; service: string }>): Array<{ protocol: string; code: number; error?: string }> {
  const script = path.join(__dirname, 'support', 'send-spans.js');
  return JSON.parse(execFileSync(process.execPath, [script, JSON.stringify(targets)], { encoding: 'utf8', timeout: 60_000 }));
}

async function tracesOf(queryPort: number, service: string): Promise<any[]> {
  const r = await request(`http://127.0.0.1:${queryPort}/api/traces?service=${encodeURIComponent(service)}&limit=10`);
  return r.status === 200 ? JSON.parse(r.body).data ?? [] : [];
}

describe.each([JaegerStorage.MEMORY, JaegerStorage.BADGER])('the real Jaeger with the rendered %s configuration', (storage) => {
  let jaeger: RealProcess;
  let prometheus: PrometheusServer | undefined;
  let ports: { [k: string]: number };
  const received = new Map<string, number>();
  let metricsText = '';
  let exportResults: Array<{ protocol: string; code: number; error?: string }> = [];

  beforeAll(async () => {
    const dir = tmpDir(`rmq-jaeger-${storage}-`);
    const { config } = renderedConfig(storage);
    const local = await localise(config, dir);
    ports = local.ports;
    const file = path.join(dir, 'config.yaml');
    fs.writeFileSync(file, local.text);
    jaeger = RealProcess.start(realTool('jaeger'), ['--config', file], 140_000);
    await jaeger.waitForHttp(`http://127.0.0.1:${ports.health}/status`);

    const base = 'http://127.0.0.1';
    const targets = [
      { protocol: 'otlp-grpc', url: `${base}:${ports.otlpGrpc}` },
      { protocol: 'otlp-http', url: `${base}:${ports.otlpHttp}/v1/traces` },
      { protocol: 'zipkin', url: `${base}:${ports.zipkin}/api/v2/spans` },
      { protocol: 'jaeger-thrift-http', url: `${base}:${ports.jaegerThriftHttp}/api/traces` },
    ].map((t) => ({ ...t, service: `rmq-test-${t.protocol}` }));
    exportResults = sendSpans(targets);
    for (let i = 0; i < 50 && received.size < targets.length; i++) {
      for (const { protocol: name } of targets) {
        const traces = await tracesOf(ports.query, `rmq-test-${name}`);
        if (traces.length > 0) received.set(name, traces[0].spans.length);
      }
      await sleep(200);
    }
    metricsText = (await request(`http://127.0.0.1:${ports.metrics}/metrics`)).body;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await jaeger?.stop();
  });

  test('the binary is the release the default image pins', async () => {
    const r = RealProcess.start(realTool('jaeger'), ['version'], 20_000);
    for (let i = 0; i < 100 && r.running; i++) await sleep(100);
    expect(r.log()).toContain(`"gitVersion":"v${JAEGER_DEFAULT_VERSION}"`);
  });

  test('spans over OTLP gRPC, OTLP HTTP, Zipkin and Jaeger thrift-HTTP come back through the query API', () => {
    expect(exportResults.filter((r) => r.code !== 0)).toEqual([]);
    expect(Object.fromEntries(received)).toEqual({ 'otlp-grpc': 1, 'otlp-http': 1, 'zipkin': 1, 'jaeger-thrift-http': 1 });
  });

  test('every Jaeger metric the alerts use is served, with the labels they aggregate by', () => {
    for (const name of [JAEGER_METRIC_ACCEPTED_SPANS, JAEGER_METRIC_REFUSED_SPANS]) {
      expect(metricsText).toMatch(new RegExp(`^${name}\\{[^}]*receiver="[^"]+"[^}]*transport="[^"]+"`, 'm'));
    }
    for (const name of [JAEGER_METRIC_SENT_SPANS, JAEGER_METRIC_SEND_FAILED_SPANS]) {
      expect(metricsText).toMatch(new RegExp(`^${name}\\{[^}]*exporter="jaeger_storage_exporter"`, 'm'));
    }
  });

  test('the real Prometheus with the library\'s Jaeger rules scrapes it, and JaegerDown fires when Jaeger stops', async () => {
    const build = prometheusBuilds()[1];
    const dir = tmpDir(`rmq-jaeger-prom-${storage}-`);
    const ruleFile = path.join(dir, 'rules.yaml');
    const ctx = { namespace: NAMESPACE, job: 'jaeger', clusterLabel: 'cluster', clusterName: 'jaeger' };
    const group = renderJaegerRuleGroup(ctx, { overrides: { JaegerDown: { for: '1s' } } });
    fs.writeFileSync(ruleFile, Yaml.stringify({ groups: [group] }));
    prometheus = await PrometheusServer.start(build.prometheus, path.join(dir, 'prometheus'), ruleFile, [{
      job: 'jaeger', address: `127.0.0.1:${ports.metrics}`, labels: { namespace: NAMESPACE, pod: 'jaeger-0', cluster: 'jaeger' },
    }]);
    let series: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await prometheus.query('count by (__name__) ({job="jaeger", __name__=~"otelcol_(receiver|exporter)_.*_spans_total"})');
      series = r.result.map((x: any) => x.metric.__name__).sort();
      if (series.length >= 4) break;
      await sleep(500);
    }
    const used = [JAEGER_METRIC_ACCEPTED_SPANS, JAEGER_METRIC_REFUSED_SPANS, JAEGER_METRIC_SEND_FAILED_SPANS, JAEGER_METRIC_SENT_SPANS];
    expect(series).toEqual(expect.arrayContaining(used));
    // Before its first scrape `up` is absent, so JaegerDown may fire for a moment; with Jaeger up it must clear.
    let quiet: string[] = ['not evaluated yet'];
    for (let i = 0; i < 30 && quiet.length > 0; i++) {
      await sleep(500);
      quiet = await prometheus.firing();
    }
    expect(quiet).toEqual([]);
    await jaeger.stop();
    let firing: string[] = [];
    for (let i = 0; i < 40 && !firing.includes('JaegerDown'); i++) {
      await sleep(500);
      firing = await prometheus.firing();
    }
    expect(firing).toEqual(['JaegerDown']);
  });
});

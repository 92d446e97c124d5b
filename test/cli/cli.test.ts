import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import * as YAML from 'yaml';
import { main, usage } from '../../src/cli';
import { SearchEngine } from '../../src/elasticsearch/connection';
import { buildStack } from '../../src/stack';
import { tmpDir } from '../support/promtool';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { status, out, err };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cli-'));
}

function readAll(dir: string): any[] {
  return fs.readdirSync(dir).sort().flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()));
}

describe('synth', () => {
  test('writes the default stack, one file per chart', () => {
    const dir = tmp();
    const r = run(['synth', '--out', dir]);
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(fs.readdirSync(dir)).toEqual(['robustmq-observability.k8s.yaml']);
    // The path as given.
    expect(r.out).toBe(`wrote ${path.join(dir, 'robustmq-observability.k8s.yaml')}\n`);
    const objs = readAll(dir);
    const sts = objs.find((o) => o.kind === 'StatefulSet');
    expect(sts.metadata).toMatchObject({ name: 'robustmq-cluster', namespace: 'robustmq' });
    expect(sts.spec.template.spec.containers[0].name).toBe('broker-server');
  });

  test('flags reach the stack (also in --flag=value form)', () => {
    const dir = tmp();
    const r = run(['synth', `--out=${dir}`, '--namespace', 'mq', '--cluster-name', 'edge', '--replicas', '5',
      '--robustmq-version', '0.4.12', '--image', 'registry.local/robustmq:dev']);
    expect(r.status).toBe(0);
    const objs = readAll(dir);
    const sts = objs.find((o) => o.kind === 'StatefulSet');
    expect(sts.metadata).toMatchObject({ name: 'edge', namespace: 'mq' });
    expect(sts.spec.replicas).toBe(5);
    expect(sts.spec.template.spec.containers[0].image).toBe('registry.local/robustmq:dev');
    expect(sts.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('0.4.12');
  });

  test('metrics flags reach the ServiceMonitor', () => {
    const dir = tmp();
    const r = run(['synth', '--out', dir, '--prometheus-release', 'kps', '--scrape-interval', '1m', '--scrape-timeout', '20s',
      '--monitoring-namespace', 'observability', '--keep-high-cardinality-metrics']);
    expect(r.status).toBe(0);
    const sm = readAll(dir).find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'robustmq-cluster');
    expect(sm.metadata).toMatchObject({ namespace: 'observability', labels: { release: 'kps' } });
    expect(sm.spec.endpoints[0]).toMatchObject({ interval: '1m', scrapeTimeout: '20s' });
    expect(sm.spec.endpoints[0].metricRelabelings).toBeUndefined();
  });

  test('--jaeger-storage elasticsearch stores spans in the logs\' Elasticsearch, credentials from the Secret', () => {
    const dir = tmp();
    expect(run(['synth', '--out', dir, '--jaeger-storage', 'elasticsearch', '--elasticsearch-secret', 'es-creds',
      '--elasticsearch-url', 'https://es.example.svc:9200']).status).toBe(0);
    const objs = readAll(dir);
    const config = YAML.parse(objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'jaeger-config').data['config.yaml']);
    expect(config.extensions.jaeger_storage.backends.trace_store.elasticsearch.server_urls).toEqual(['https://es.example.svc:9200']);
    const env = objs.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === 'jaeger').spec.template.spec.containers[0].env;
    const refs = env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef);
    expect(refs).toEqual(expect.arrayContaining([{ name: 'es-creds', key: 'username' }, { name: 'es-creds', key: 'password' }]));
    expect(JSON.stringify(objs)).not.toMatch(/"password":\s*"[^$]/);
  });

  test('the default image follows --robustmq-version', () => {
    const dir = tmp();
    expect(run(['synth', '--out', dir, '--robustmq-version', '0.4.12']).status).toBe(0);
    expect(readAll(dir).find((o) => o.kind === 'StatefulSet').spec.template.spec.containers[0].image).toBe('ghcr.io/robustmq/robustmq:v0.4.12');
  });

  test('writes the same YAML as the example app (buildStack in a cdk8s App)', () => {
    const a = tmp();
    const b = tmp();
    expect(run(['synth', '--out', a]).status).toBe(0);
    const app = new App({ outdir: b, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    buildStack(app);
    app.synth();
    for (const f of ['robustmq-observability.k8s.yaml']) {
      expect(fs.readFileSync(path.join(a, f), 'utf8')).toBe(fs.readFileSync(path.join(b, f), 'utf8'));
    }
  });

  test('two runs are byte-identical', () => {
    const a = tmp();
    const b = tmp();
    run(['synth', '--out', a]);
    run(['synth', '--out', b]);
    for (const f of ['robustmq-observability.k8s.yaml']) {
      expect(fs.readFileSync(path.join(a, f))).toEqual(fs.readFileSync(path.join(b, f)));
    }
  });

  test('--help prints every flag', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--out', '--namespace', '--cluster-name', '--replicas', '--robustmq-version', '--image',
      '--monitoring-namespace', '--prometheus-release', '--scrape-interval', '--scrape-timeout', '--keep-high-cardinality-metrics']) {
      expect(r.out).toContain(flag);
    }
    expect(r.out).toBe(usage());
  });
});

describe('bad flags exit 2 with one line naming the flag, and write nothing', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--namespace', 'Bad_NS'], /^cdk8s-robustmq-observability: --namespace 'Bad_NS' must be a DNS-1123 label/],
    [['--replicas', '0'], /--replicas '0' must be a whole number from 1 to 99/],
    [['--replicas', '-1'], /--replicas '-1' must be a whole number/],
    [['--replicas', '2.5'], /--replicas '2.5' must be a whole number/],
    [['--replicas', 'three'], /--replicas 'three' must be a whole number/],
    [['--cluster-name', 'My Cluster'], /--cluster-name 'My Cluster' must be a DNS-1035 label/],
    [['--robustmq-version', 'v0.4.11'], /--robustmq-version 'v0.4.11' must be a release version/],
    [['--image', 'not an image'], /--image 'not an image' must be a container image reference/],
    [['--replicas'], /--replicas needs a value N/],
    [['--colour', 'red'], /unknown flag '--colour': allowed are --out, --namespace/],
    [['--rules-file', 'x.yaml'], /--rules-file is only for 'rule-tests', not 'synth'/],
    [['--help=yes'], /--help takes no value/],
    [['--namespace', 'a', '--namespace', 'b'], /--namespace is given more than once/],
    [['--scrape-interval', '30s', '--scrape-timeout', '45s'], /^cdk8s-robustmq-observability: --scrape-timeout '45s' must not exceed --scrape-interval '30s'$/m],
    [['--scrape-interval', '5m30'], /--scrape-interval '5m30' must be a Prometheus duration/],
    [['--scrape-timeout', 'soon'], /--scrape-timeout 'soon' must be a Prometheus duration/],
    [['--scrape-interval', '5s'], /--scrape-timeout '10s' must not exceed --scrape-interval '5s'/],
    [['--prometheus-release', 'my release'], /--prometheus-release 'my release' must be a label value/],
    [['--prometheus-release', ''], /--prometheus-release '' must not be empty/],
    [['--monitoring-namespace', 'Monitoring'], /--monitoring-namespace 'Monitoring' must be a DNS-1123 label/],
    [['--keep-high-cardinality-metrics=yes'], /--keep-high-cardinality-metrics takes no value/],
  ];
  test.each(cases)('synth %j', (args, message) => {
    const dir = path.join(tmp(), 'out');
    const r = run(['synth', '--out', dir, ...args]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('an unknown command', () => {
    const r = run(['deploy']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/unknown command 'deploy': allowed are 'synth', 'rules', 'rule-tests'/);
  });

  test('no command prints the usage and exits 2', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.err).toBe(usage());
  });
});

describe('flags', () => {
  test('-h and --help print the usage, --version and -V the package version', () => {
    for (const flag of ['-h', '--help']) {
      const r = run([flag]);
      expect([r.status, r.out]).toEqual([0, usage()]);
    }
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-V']) {
      const r = run([flag]);
      expect([r.status, r.out, r.err]).toEqual([0, `${version}\n`, '']);
    }
    const bad = run(['synth', '-x']);
    expect([bad.status, bad.err]).toEqual([2, "cdk8s-robustmq-observability: unknown option '-x': allowed are -h, -V and the --flags of --help\n"]);
  });

  test.each([
    [['--no-logs', '--no-datasources', '--elasticsearch-secret', 'es'], '--elasticsearch-secret has no effect with --no-logs and Jaeger reads it only with --jaeger-storage elasticsearch'],
    [['--no-logs', '--elasticsearch-tls'], '--elasticsearch-tls has no effect with --no-logs'],
    [['--no-dashboards', '--grafana-folder', 'Brokers'], '--grafana-folder has no effect with --no-dashboards'],
    [['--no-tracing', '--jaeger-storage', 'badger'], '--jaeger-storage has no effect with --no-tracing'],
    [['--no-alerts', '--disable-alert', 'RobustMQNodeDown'], '--disable-alert has no effect with --no-alerts'],
    [['--no-alerts', '--no-dashboards', '--latency-p99-threshold', '2s'], '--latency-p99-threshold has no effect with --no-alerts and --no-dashboards'],
  ])('a flag another one makes pointless is refused naming both: %j', (args, message) => {
    const dir = path.join(tmpDir('rmq-cli-pointless-'), 'out');
    const r = run(['synth', '--out', dir, ...args]);
    expect([r.status, r.err]).toEqual([2, `cdk8s-robustmq-observability: ${message}: leave one of them out\n`]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('flags still read by another part are accepted: --no-logs with --elasticsearch-url feeds the datasource', () => {
    const r = run(['synth', '--out', tmpDir('rmq-cli-es-'), '--no-logs', '--elasticsearch-url', 'http://es.example.com:9200']);
    expect(r.status).toBe(0);
  });

  test.each([
    ['/proc/1/x', /^cdk8s-robustmq-observability: --out '\/proc\/1\/x' cannot be written: cannot create '\/proc\/1\/x' \(E[A-Z]+\)\n$/],
    ['/etc/hostname/x', /^cdk8s-robustmq-observability: --out '\/etc\/hostname\/x' cannot be written: '\/etc\/hostname' is a file, not a directory\n$/],
  ])('--out %s is refused at once, without a stack trace', (out, message) => {
    const started = Date.now();
    const r = run(['synth', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
    expect(Date.now() - started).toBeLessThan(30_000);
    const rules = run(['rules', '--out', `${out}/rules.yaml`]);
    expect(rules.status).toBe(2);
    expect(rules.err).toMatch(/cannot be written/);
  });

  test('a relative --out is printed as given', () => {
    const cwd = tmpDir('rmq-cli-rel-');
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const r = run(['synth', '--out', 'out/yaml']);
      expect([r.status, r.out]).toEqual([0, 'wrote out/yaml/robustmq-observability.k8s.yaml\n']);
      expect(fs.existsSync(path.join(cwd, 'out', 'yaml', 'robustmq-observability.k8s.yaml'))).toBe(true);
    } finally {
      process.chdir(before);
    }
  });

});

describe('as a process', () => {
  const cli = path.join(__dirname, '..', '..', 'src', 'cli.ts');
  function spawn(args: string[]) {
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], { encoding: 'utf8', env: { ...process.env, ROBUSTMQ_OBSERVABILITY_QUIET: '1' } });
  }

  test('synth --namespace Bad_NS exits 2 naming --namespace, without a stack trace', () => {
    const dir = path.join(tmp(), 'out');
    const r = spawn(['synth', '--out', dir, '--namespace', 'Bad_NS']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cdk8s-robustmq-observability: --namespace 'Bad_NS' must be a DNS-1123 label[^\n]*\n$/);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('synth --scrape-interval 30s --scrape-timeout 45s exits 2 naming the scrape timeout', () => {
    const r = spawn(['synth', '--out', path.join(tmp(), 'out'), '--scrape-interval', '30s', '--scrape-timeout', '45s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--scrape-timeout '45s'/);
  });

  test('synth --credentials-secret, --protocols and --no-network-policy reach the cluster', () => {
    const dir = tmpDir('rmq-cli-flags-');
    const status = main(['synth', '--out', dir, '--credentials-secret', 'mq-creds', '--protocols', 'mqtt-tls,kafka', '--no-network-policy'],
      { stdout: () => undefined, stderr: () => undefined });
    expect(status).toBe(0);
    const docs = fs.readFileSync(path.join(dir, 'robustmq-observability.k8s.yaml'), 'utf8').split(/^---$/m).map((d) => YAML.parse(d));
    const sts = docs.find((d: any) => d?.kind === 'StatefulSet');
    const secretRefs = sts.spec.template.spec.containers[0].env
      .filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name);
    expect(new Set(secretRefs)).toEqual(new Set(['mq-creds']));
    const client = docs.find((d: any) => d?.kind === 'Service' && d.metadata.name === 'robustmq-cluster');
    expect(client.spec.ports.map((p: any) => p.name)).toEqual(['mqtt-tls', 'kafka']);
    expect(docs.filter((d: any) => d?.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('synth --replicas 0 exits 2', () => {
    const r = spawn(['synth', '--out', path.join(tmp(), 'out'), '--replicas', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--replicas '0'/);
  });

  test('synth succeeds with status 0', () => {
    const dir = tmp();
    const r = spawn(['synth', '--out', dir]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'robustmq-observability.k8s.yaml'))).toBe(true);
  });

  test('an even --replicas warns on stderr but succeeds', () => {
    const dir = tmp();
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, 'synth', '--out', dir, '--replicas', '4'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning: robustmq-observability\/stack\/Cluster: replicas is 4/);
  });
});

describe('es-template', () => {
  test('prints the index template (and with daily indices the ILM policy), keyed by the path to PUT each to', () => {
    const r = run(['es-template']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.out);
    expect(Object.keys(out)).toEqual(['_index_template/robustmq-logs']);
    expect(out['_index_template/robustmq-logs']).toMatchObject({ index_patterns: ['robustmq-logs'], priority: 501 });
    expect(out['_index_template/robustmq-logs'].template.mappings.properties['@timestamp'].type).toBe('date_nanos');

    const daily = JSON.parse(run(['es-template', '--elasticsearch-daily-indices', '--log-retention-days', '30',
      '--index-template-priority', '300', '--elasticsearch-index', 'mq-logs']).out);
    expect(Object.keys(daily)).toEqual(['_ilm/policy/mq-logs-retention', '_index_template/mq-logs']);
    expect(daily['_ilm/policy/mq-logs-retention'].policy.phases.delete.min_age).toBe('30d');
    expect(daily['_index_template/mq-logs']).toMatchObject({ index_patterns: ['mq-logs-*'], priority: 300 });
  });

  test('the same JSON the stack\'s Job installs', () => {
    const { observability } = buildStack(new App(), { elasticsearchDailyIndices: true });
    const out = JSON.parse(run(['es-template', '--elasticsearch-daily-indices']).out);
    expect(out['_index_template/robustmq-logs']).toEqual(JSON.parse(observability.fluentBit!.indexTemplateJson));
    expect(out['_ilm/policy/robustmq-logs-retention']).toEqual(JSON.parse(observability.fluentBit!.ilmPolicyJson!));
  });

  test('--log-backend opensearch: the template in OpenSearch\'s dialect and the ISM policy, keyed by their OpenSearch paths', () => {
    const out = JSON.parse(run(['es-template', '--log-backend', 'opensearch', '--elasticsearch-daily-indices', '--log-retention-days', '30']).out);
    expect(Object.keys(out)).toEqual(['_plugins/_ism/policies/robustmq-logs-retention', '_index_template/robustmq-logs']);
    const policy = out['_plugins/_ism/policies/robustmq-logs-retention'].policy;
    expect(policy.states[0].transitions[0].conditions.min_index_age).toBe('30d');
    expect(policy.ism_template.index_patterns).toEqual(['robustmq-logs-*']);
    const t = out['_index_template/robustmq-logs'];
    expect(t.template.settings).toEqual({ 'index.mapping.ignore_malformed': true });
    expect(t.template.mappings.properties.fields.type).toBe('flat_object');
    const { observability } = buildStack(new App(), { elasticsearchDailyIndices: true, logBackend: SearchEngine.OPENSEARCH, logRetentionDays: 30 });
    expect(t).toEqual(JSON.parse(observability.fluentBit!.indexTemplateJson));
    expect(out['_plugins/_ism/policies/robustmq-logs-retention']).toEqual(JSON.parse(observability.fluentBit!.retentionPolicyJson!));
    // the single index of the default: the template only
    expect(Object.keys(JSON.parse(run(['es-template', '--log-backend', 'opensearch']).out))).toEqual(['_index_template/robustmq-logs']);
  });

  test('--log-backend opensearch synthesizes the opensearch output, the OpenSearch datasource and the ISM installer', () => {
    const dir = tmp();
    expect(run(['synth', '--out', dir, '--log-backend', 'opensearch', '--elasticsearch-daily-indices']).status).toBe(0);
    const objs = readAll(dir);
    const fbConfig = objs.find((o) => o.kind === 'ConfigMap' && o.data?.['fluent-bit.yaml']).data['fluent-bit.yaml'];
    expect(fbConfig).toMatch(/^ {4}- name: opensearch$/m);
    expect(objs.find((o) => o.kind === 'ConfigMap' && o.data?.['robustmq-datasources.yaml']).data['robustmq-datasources.yaml'])
      .toContain('type: grafana-opensearch-datasource');
    expect(objs.find((o) => o.kind === 'ConfigMap' && o.data?.['install.sh']).data['install.sh']).toContain('_plugins/_ism/policies');
  });

  test('--out writes a file', () => {
    const file = path.join(tmp(), 'template.json');
    const r = run(['es-template', '--out', file]);
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(JSON.parse(run(['es-template']).out));
  });

  test('--no-index-template-job leaves the Job out of synth', () => {
    const dir = tmp();
    expect(run(['synth', '--out', dir, '--no-index-template-job']).status).toBe(0);
    expect(readAll(dir).map((o) => o.kind)).not.toContain('Job');
    const withJob = tmp();
    expect(run(['synth', '--out', withJob]).status).toBe(0);
    expect(readAll(withJob).filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^robustmq-cluster-fluent-bit-es-template-[0-9a-f]{8}$/)]);
  });

  test.each([
    [['--log-retention-days', '0', '--elasticsearch-daily-indices'], "--log-retention-days '0' must be a whole number of days, at least 1"],
    [['--log-retention-days', '-2', '--elasticsearch-daily-indices'], "--log-retention-days '-2' must be a whole number of days, at least 1"],
    [['--log-retention-days', '7'], "--log-retention-days '7' needs elasticsearchDailyIndices"],
    [['--index-template-priority', '200'], "--index-template-priority '200' must be a whole number from 201"],
    [['--index-template-priority', 'high'], "--index-template-priority 'high' must be a whole number above 200"],
    [['--elasticsearch-index', 'Logs'], "--elasticsearch-index 'Logs' must be an Elasticsearch index name"],
    [['--elasticsearch-index', '_logs'], "--elasticsearch-index '_logs' must be an Elasticsearch index name"],
    [['--elasticsearch-index', 'logs*'], "--elasticsearch-index 'logs*' must be an Elasticsearch index name"],
    [['--no-logs'], "--no-logs leaves 'es-template' nothing to write"],
  ])('refuses %j', (args, message) => {
    const r = run(['es-template', ...args]);
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });
});

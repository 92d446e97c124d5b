import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { parseClassicSections, parseRendered, parseYamlConfig } from './support/fluent-bit-config';
import { ElasticsearchConnection, SearchEngine } from '../../src/elasticsearch/connection';
import {
  CONFIG_FILES, FluentBitConfigModel, classicKey, configModelProblem, renderClassic, renderConfig, renderYaml,
} from '../../src/logging/config';
import { ContainerLogFormat, FluentBit, FluentBitConfigFormat, FluentBitProps } from '../../src/logging/fluent-bit';
import { RobustMqPipelineOptions, levelsBelow, robustMqPipeline } from '../../src/logging/pipeline';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { parseElasticsearchUrl } from '../../src/validation/elasticsearch';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function fluentBit(props: FluentBitProps = {}): FluentBit {
  const app = Testing.app();
  const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(mq, 'cluster');
  const logs = new Chart(app, 'logs', { namespace: 'logging' });
  return new FluentBit(logs, 'fluent-bit', { cluster, ...props });
}

/** The options FluentBit resolves from its defaults, for the default cluster. */
const DEFAULT_OPTIONS: RobustMqPipelineOptions = {
  clusterName: 'robustmq-cluster',
  logPath: '/var/log/containers/robustmq-cluster-[0-9]*_robustmq_broker-server-*.log',
  tagPrefix: 'robustmq',
  containerLogFormat: 'cri',
  stateDir: '/var/lib/fluent-bit',
  agentLogLevel: 'info',
  logLevelMin: 'INFO',
  httpPort: 2020,
  memBufLimit: '50MB',
  storageBacklogMemLimit: '50MB',
  bufferMaxSize: '1MB',
  elasticsearch: {
    engine: SearchEngine.ELASTICSEARCH,
    endpoint: parseElasticsearchUrl('http://elasticsearch.monitoring.svc.cluster.local:9200')!,
    index: 'robustmq-logs',
    daily: false,
    tls: false,
    tlsVerify: true,
    credentials: false,
    storageTotalLimitSize: '2G',
  },
};

function parsedBoth(props: FluentBitProps = {}): { yaml: FluentBitConfigModel; classic: FluentBitConfigModel } {
  const y = fluentBit({ ...props, configFormat: FluentBitConfigFormat.YAML });
  const c = fluentBit({ ...props, configFormat: FluentBitConfigFormat.CLASSIC });
  return {
    yaml: parseRendered(y),
    classic: parseRendered(c),
  };
}

describe('the two renderings', () => {
  test('YAML and classic parse back to the same model, the one the pipeline built', () => {
    const { yaml, classic } = parsedBoth();
    expect(classic).toEqual(yaml);
    expect(yaml).toEqual(robustMqPipeline(DEFAULT_OPTIONS));
  });

  test.each<[string, FluentBitProps]>([
    ['daily indices, TLS, credentials, docker, debug', {
      elasticsearchUrl: 'https://es.example.com:9243/logs',
      elasticsearchDailyIndices: true,
      elasticsearchIndex: 'mq',
      elasticsearchSecret: 'es-creds',
      elasticsearchTlsVerify: false,
      containerLogFormat: ContainerLogFormat.DOCKER,
      logLevelMin: 'debug' as any,
      retryLimit: 10,
      elasticsearchCaSecret: { name: 'es-ca', key: 'ca.crt' },
    }],
    ['trace level: no level filter', { logLevelMin: 'trace' as any }],
  ])('they agree for other settings too: %s', (_, props) => {
    const { yaml, classic } = parsedBoth(props);
    expect(classic).toEqual(yaml);
  });

  test('YAML is Fluent Bit\'s standard layout: service, parsers, multiline_parsers, pipeline', () => {
    const doc = YAML.parse(fluentBit().configText);
    expect(Object.keys(doc)).toEqual(['service', 'parsers', 'multiline_parsers', 'pipeline']);
    expect(Object.keys(doc.pipeline)).toEqual(['inputs', 'filters', 'outputs']);
    // Every value is a string or a list of strings: Fluent Bit reads scalars as text.
    const scalars = JSON.stringify(doc).match(/:(true|false|null|[0-9.]+)[,}]/g);
    expect(scalars).toBeNull();
  });

  test('classic: the main file has SERVICE, INPUT, FILTER and OUTPUT; parsers live in the Parsers_File', () => {
    const fb = fluentBit({ configFormat: FluentBitConfigFormat.CLASSIC });
    expect(Object.keys(fb.configFiles).sort()).toEqual([CONFIG_FILES.classic, CONFIG_FILES.classicParsers]);
    expect(fb.configText).toBe(fb.configFiles[CONFIG_FILES.classic]);
    const main = parseClassicSections(fb.configText).map((s) => s.title);
    expect(main).toEqual(['SERVICE', 'INPUT', 'FILTER', 'FILTER', 'FILTER', 'FILTER', 'FILTER', 'FILTER', 'FILTER', 'FILTER', 'OUTPUT']);
    expect(fb.configText).toMatch(/^ {4}Parsers_File +\/fluent-bit\/etc\/robustmq\/parsers\.conf$/m);
    expect(parseClassicSections(fb.configFiles[CONFIG_FILES.classicParsers]).map((s) => s.title)).toEqual(['PARSER', 'PARSER', 'MULTILINE_PARSER']);
  });
});

describe('the rendered configuration', () => {
  for (const format of [FluentBitConfigFormat.YAML, FluentBitConfigFormat.CLASSIC]) {
    describe(format, () => {
      const fb = fluentBit({ configFormat: format });
      const text = Object.values(fb.configFiles).join('\n');
      const m = parseRendered(fb);
      const tail = m.inputs[0];
      const es = m.outputs[0];

      test('tail: offsets DB, filesystem buffering, cri, 50MB memory, refresh 5s, long lines skipped', () => {
        expect(m.inputs).toHaveLength(1);
        expect(tail).toMatchObject({
          'name': 'tail',
          'tag': 'robustmq.*',
          'db': '/var/lib/fluent-bit/tail.db',
          'storage.type': 'filesystem',
          'multiline.parser': 'cri',
          'mem_buf_limit': '50MB',
          'refresh_interval': '5',
          'skip_long_lines': 'On',
          'path': '/var/log/containers/robustmq-cluster-[0-9]*_robustmq_broker-server-*.log',
        });
        if (format === FluentBitConfigFormat.CLASSIC) {
          expect(text).toMatch(/^ {4}DB +\/var\/lib\/fluent-bit\/tail\.db$/m);
          expect(text).toMatch(/^ {4}storage\.type +filesystem$/m);
          expect(text).toMatch(/^ {4}multiline\.parser +cri$/m);
          expect(text).toMatch(/^ {4}Suppress_Type_Name +On$/m);
        } else {
          expect(text).toMatch(/^ {6}db: \/var\/lib\/fluent-bit\/tail\.db$/m);
          expect(text).toMatch(/^ {6}storage\.type: filesystem$/m);
          expect(text).toMatch(/^ {6}suppress_type_name: "On"$/m);
        }
      });

      test('service: flush 1, HTTP server on 2020, health check, storage path, sync normal, backlog limit', () => {
        expect(m.service).toMatchObject({
          'flush': '1',
          'log_level': 'info',
          'http_server': 'On',
          'http_port': '2020',
          'health_check': 'On',
          'storage.path': '/var/lib/fluent-bit/buffers',
          'storage.sync': 'normal',
          'storage.backlog.mem_limit': '50MB',
        });
      });

      test('kubernetes filter: in-cluster API, service account files, tag prefix matching the tail tag', () => {
        const k = m.filters.find((f) => f.name === 'kubernetes')!;
        expect(k).toMatchObject({
          'merge_log': 'On',
          'k8s-logging.parser': 'On',
          'kube_url': 'https://kubernetes.default.svc:443',
          'kube_ca_file': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
          'kube_token_file': '/var/run/secrets/kubernetes.io/serviceaccount/token',
          'kube_tag_prefix': 'robustmq.var.log.containers.',
        });
        // tail expands '*' in the tag to the file path with '/' turned into '.'.
        const tag = (tail.tag as string).replace('*', '/var/log/containers/robustmq-cluster-0_robustmq_broker-server-abc.log'.replace(/\//g, '.').slice(1));
        expect(tag.startsWith(k.kube_tag_prefix as string)).toBe(true);
      });

      test('filters in order; all match the tail tag', () => {
        expect(m.filters.map((f) => f.name)).toEqual(['multiline', 'parser', 'grep', 'kubernetes', 'nest', 'nest', 'modify', 'nest']);
        for (const f of m.filters) expect(f.match).toBe('robustmq.*');
        expect(m.filters.find((f) => f.name === 'grep')!.exclude).toBe('level ^(?:TRACE|DEBUG)$');
        expect(m.filters.find((f) => f.name === 'modify')!.add).toBe('robustmq_cluster robustmq-cluster');
        // issue 16: the runtime's time key removed; the multiline filter unbuffered, no emitter
        expect(m.filters.find((f) => f.name === 'modify')!.remove).toBe('time');
        const ml = m.filters.find((f) => f.name === 'multiline')!;
        expect(ml.buffer).toBe('off');
        expect(Object.keys(ml).filter((k) => k.startsWith('emitter') || k === 'flush_ms')).toEqual([]);
      });

      test('es output: host, port, index, Suppress_Type_Name, no Type, retries, Replace_Dots, Trace_Error, TLS off', () => {
        expect(es).toMatchObject({
          name: 'es',
          match: 'robustmq.*',
          host: 'elasticsearch.monitoring.svc.cluster.local',
          port: '9200',
          index: 'robustmq-logs',
          suppress_type_name: 'On',
          replace_dots: 'On',
          trace_error: 'On',
          retry_limit: 'no_limits',
          tls: 'Off',
          generate_id: 'On',
          write_operation: 'index',
          time_key_nanos: 'On',
        });
        expect(es).not.toHaveProperty('type');
        expect(text).not.toMatch(/^\s*type\s*:?\s*_doc/im);
        expect(es).not.toHaveProperty('http_user');
        expect(es).not.toHaveProperty('http_passwd');
      });
    });
  }

  test('credentials are environment references, never values', () => {
    const fb = fluentBit({ elasticsearchSecret: 'es-creds' });
    const es = parseYamlConfig(fb.configText).outputs[0];
    expect(es.http_user).toBe('${ES_USERNAME}');
    expect(es.http_passwd).toBe('${ES_PASSWORD}');
  });

  test('daily indices: Logstash_Format with the index as prefix', () => {
    const fb = fluentBit({ elasticsearchDailyIndices: true });
    const es = parseYamlConfig(fb.configText).outputs[0];
    expect(es).toMatchObject({ logstash_format: 'On', logstash_prefix: 'robustmq-logs', logstash_dateformat: '%Y.%m.%d' });
    expect(es).not.toHaveProperty('index');
    expect(fb.indexPattern).toBe('robustmq-logs-*');
  });

  test('https: TLS on, certificate verified, path prefix, CA file', () => {
    const fb = fluentBit({ elasticsearchUrl: 'https://es.example.com/elastic/', elasticsearchCaSecret: { name: 'es-ca', key: 'ca.pem' } });
    const es = parseYamlConfig(fb.configText).outputs[0];
    expect(es).toMatchObject({ 'host': 'es.example.com', 'port': '443', 'path': '/elastic', 'tls': 'On', 'tls.verify': 'On', 'tls.ca_file': '/fluent-bit/tls/ca.crt' });
  });

  test('docker runtime: the docker multiline parser', () => {
    expect(parseYamlConfig(fluentBit({ containerLogFormat: ContainerLogFormat.DOCKER }).configText).inputs[0]['multiline.parser']).toBe('docker');
  });

  test('levels below the minimum', () => {
    expect(levelsBelow('INFO')).toEqual(['TRACE', 'DEBUG']);
    expect(levelsBelow('error')).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN']);
    expect(levelsBelow('TRACE')).toEqual([]);
    expect(parseYamlConfig(fluentBit({ logLevelMin: 'trace' as any }).configText).filters.map((f) => f.name)).not.toContain('grep');
  });

  test('rendering is deterministic', () => {
    expect(fluentBit().configText).toBe(fluentBit().configText);
    const c1 = fluentBit({ configFormat: FluentBitConfigFormat.CLASSIC }).configFiles;
    expect(fluentBit({ configFormat: FluentBitConfigFormat.CLASSIC }).configFiles).toEqual(c1);
  });
});

describe('the model', () => {
  const base = robustMqPipeline(DEFAULT_OPTIONS);

  test('the pipeline\'s model is valid', () => {
    expect(configModelProblem(base)).toBeUndefined();
  });

  test.each<[string, FluentBitConfigModel, RegExp]>([
    ['a value with a newline', { ...base, service: { ...base.service, flush: '1\n2' } }, /single line/],
    ['an upper-case key', { ...base, service: { ...base.service, Flush: '1' } }, /lower-case/],
    ['a one-entry list', { ...base, inputs: [{ ...base.inputs[0], path: ['a'] }] }, /at least two/],
    ['a section without a name first', { ...base, outputs: [{ match: '*', name: 'es' }] }, /start with its name/],
    ['a parser defined twice', { ...base, parsers: [...base.parsers, base.parsers[0]] }, /defined twice/],
    ['a list in a parser', { ...base, parsers: [{ name: 'x', format: 'json', decode_field_as: ['a b', 'c d'] }] }, /parser properties take no lists/],
    ['a list in the service', { ...base, service: { ...base.service, parsers_file: ['a', 'b'] as any } }, /service section takes no lists/],
    ['a non-portable regex', { ...base, parsers: [{ name: 'x', format: 'regex', regex: '(?<=a)b' }] }, /lookbehind/],
    ['a rule with a quote', {
      ...base, multilineParsers: [{ name: 'm', properties: { type: 'regex' }, rules: [{ state: 'start_state', regex: 'a"b', nextState: 'cont' }] }],
    }, /without '"'/],
    ['no start_state', {
      ...base, multilineParsers: [{ name: 'm', properties: { type: 'regex' }, rules: [{ state: 'cont', regex: 'a', nextState: 'cont' }] }],
    }, /start_state/],
  ])('refuses %s', (_, model, problem) => {
    expect(configModelProblem(model)).toMatch(problem);
  });

  test('classic keys in their documented case', () => {
    expect(['db', 'mem_buf_limit', 'suppress_type_name', 'kube_url', 'kube_ca_file', 'k8s-logging.parser', 'storage.type', 'multiline.parser', 'http_passwd', 'generate_id', 'hc_period'].map(classicKey))
      .toEqual(['DB', 'Mem_Buf_Limit', 'Suppress_Type_Name', 'Kube_URL', 'Kube_CA_File', 'K8S-Logging.Parser', 'storage.type', 'multiline.parser', 'HTTP_Passwd', 'Generate_ID', 'HC_Period']);
  });

  test('renderConfig names the files', () => {
    expect(renderConfig(base, 'yaml', '/d').mainFile).toBe('fluent-bit.yaml');
    const classic = renderConfig(base, 'classic', '/d');
    expect(classic.mainFile).toBe('fluent-bit.conf');
    expect(classic.files['fluent-bit.conf']).toContain('Parsers_File              /d/parsers.conf');
    expect(renderYaml(base).startsWith('# Rendered by')).toBe(true);
    expect(renderClassic({ ...base, parsers: [], multilineParsers: [] }, '/p').main).not.toContain('Parsers_File');
  });
});

describe('the opensearch output (OpenSearch connection)', () => {
  const connection = (options = {}) => ElasticsearchConnection.fromUrl('https://opensearch.logging.svc:9200', {
    engine: SearchEngine.OPENSEARCH, credentials: { secretName: 'os-creds' }, tls: { caSecret: { name: 'os-ca', key: 'ca.crt' } }, ...options,
  });
  /**
   * The opensearch output's config map keys (plugins/out_opensearch/opensearch.c:1160-1360,
   * Fluent Bit v5.0.9) and the properties every output instance takes (src/flb_output.c: name,
   * alias, match, host, port, tls*, retry_limit, storage.total_limit_size).
   */
  const OPENSEARCH_KEYS = [
    'index', 'type', 'suppress_type_name', 'http_user', 'http_passwd', 'aws_auth', 'aws_region', 'aws_profile', 'aws_sts_endpoint',
    'aws_role_arn', 'aws_external_id', 'aws_service_name', 'logstash_format', 'logstash_prefix', 'logstash_prefix_separator',
    'logstash_prefix_key', 'logstash_dateformat', 'time_key', 'time_key_format', 'time_key_nanos', 'include_tag_key', 'tag_key',
    'buffer_size', 'path', 'pipeline', 'generate_id', 'write_operation', 'id_key', 'replace_dots', 'current_time_index',
    'trace_output', 'trace_error', 'compress',
  ];
  const INSTANCE_KEYS = ['name', 'alias', 'match', 'host', 'port', 'tls', 'tls.verify', 'tls.ca_file', 'retry_limit', 'storage.total_limit_size'];

  for (const format of [FluentBitConfigFormat.YAML, FluentBitConfigFormat.CLASSIC]) {
    test(`${format}: the same guarantees as the es output, under the opensearch plugin's own keys`, () => {
      const fb = fluentBit({ configFormat: format, elasticsearchConnection: connection(), elasticsearchDailyIndices: true });
      const m = parseRendered(fb);
      const out = m.outputs[0];
      expect(m.outputs).toHaveLength(1);
      expect(out).toMatchObject({
        'name': 'opensearch',
        'alias': 'robustmq_opensearch',
        'host': 'opensearch.logging.svc',
        'port': '9200',
        'logstash_format': 'On',
        'logstash_prefix': 'robustmq-logs',
        'time_key': '@timestamp',
        'time_key_nanos': 'On',
        'suppress_type_name': 'On',
        'generate_id': 'On',
        'write_operation': 'index',
        'replace_dots': 'On',
        'trace_error': 'On',
        'retry_limit': 'no_limits',
        'tls': 'On',
        'tls.verify': 'On',
        'tls.ca_file': '/fluent-bit/tls/ca.crt',
        'http_user': '${ES_USERNAME}',
        'http_passwd': '${ES_PASSWORD}',
        'storage.total_limit_size': '2G',
      });
      for (const k of Object.keys(out)) expect([...OPENSEARCH_KEYS, ...INSTANCE_KEYS]).toContain(k);
      expect(out).not.toHaveProperty('type');
      // everything but the output is the es pipeline's
      const es = fluentBit({
        configFormat: format,
        elasticsearchDailyIndices: true,
        elasticsearchConnection: connection({ engine: SearchEngine.ELASTICSEARCH }),
      });
      const esModel = parseRendered(es);
      expect({ ...m, outputs: [] }).toEqual({ ...esModel, outputs: [] });
      expect({ ...out, name: 'es', alias: 'robustmq_elasticsearch' }).toEqual(esModel.outputs[0]);
    });
  }

  test('YAML and classic parse back to the same model, the one the pipeline built', () => {
    const { yaml, classic } = parsedBoth({ elasticsearchConnection: connection() });
    expect(classic).toEqual(yaml);
    expect(yaml.outputs[0].name).toBe('opensearch');
  });

  test('the credentials come from the same Secret as every other engine', () => {
    const fb = fluentBit({ elasticsearchConnection: connection() });
    const env = Testing.synth(Chart.of(fb)).find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'os-creds', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'os-creds', key: 'password' } } },
    ]);
  });
});

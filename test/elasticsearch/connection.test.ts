import { Chart, Testing } from 'cdk8s';
import { ElasticsearchConnection, FluentBit, Jaeger, JaegerStorage, RobustMqCluster, SearchEngine } from '../../src';
import { buildStack } from '../../src/stack';
import { refuse } from '../support/refuse';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

describe('ElasticsearchConnection: one Elasticsearch for logs, spans and the datasource', () => {
  test('one default URL, credentials with their default keys, TLS from the scheme', () => {
    const c = ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL, { credentials: { secretName: 'es' } });
    expect(c).toMatchObject({ url: 'http://elasticsearch.monitoring.svc.cluster.local:9200', tls: false, tlsVerify: true });
    expect(c.credentials).toEqual({ secretName: 'es', usernameKey: 'username', passwordKey: 'password' });
    expect(ElasticsearchConnection.fromUrl('https://es.example.com').tls).toBe(true);
    expect(c.withIndex('x').index).toBe('x');
    expect(c.withIndex('x').withIndex(undefined).index).toBeUndefined();
  });

  test('the engine: Elasticsearch unless told OpenSearch, kept by withIndex', () => {
    expect(ElasticsearchConnection.fromUrl('http://es:9200').engine).toBe(SearchEngine.ELASTICSEARCH);
    const os = ElasticsearchConnection.fromUrl('https://os:9200', { engine: SearchEngine.OPENSEARCH, index: 'a' });
    expect(os.engine).toBe(SearchEngine.OPENSEARCH);
    expect(os.withIndex('b').engine).toBe(SearchEngine.OPENSEARCH);
    expect(os.withIndex(undefined).engine).toBe(SearchEngine.OPENSEARCH);
    expect(Object.values(SearchEngine)).toEqual(['elasticsearch', 'opensearch']);
  });

  test.each([
    ['ftp://es', {}, /ElasticsearchConnection: url 'ftp:\/\/es' must be an http:\/\/ or https:\/\/ URL/],
    ['https://u:p@es', {}, /url 'https:\/\/u:<hidden>@es' must not carry credentials/],
    ['https://es', { tls: { enabled: false } }, /tls.enabled 'false' must not be false when url 'https:\/\/es' is https/],
    ['http://es', { tls: { caSecret: { name: 'ca', key: 'ca.crt' } } }, /tls.caSecret 'ca' needs TLS/],
    ['http://es', { index: 'Logs' }, /index 'Logs' must be an Elasticsearch index name/],
    ['http://es', { credentials: { secretName: 'Bad' } }, /credentials.secretName 'Bad' must be a DNS-1123 subdomain/],
  ])('refuses %s %j', (url, options, message) => {
    refuse(() => ElasticsearchConnection.fromUrl(url, options), message);
  });

  test('Fluent Bit and Jaeger read the same connection; both name the credentials ES_USERNAME / ES_PASSWORD', () => {
    const app = Testing.app();
    const mq = new Chart(app, 'mq', { namespace: 'mq' });
    const cluster = new RobustMqCluster(mq, 'c');
    const mon = new Chart(app, 'mon', { namespace: 'monitoring' });
    const es = ElasticsearchConnection.fromUrl('https://es.example.com', { credentials: { secretName: 'es-creds' } });
    const fb = new FluentBit(mon, 'fb', { target: cluster, elasticsearchConnection: es.withIndex('logs') });
    const jaeger = new Jaeger(mon, 'j', { storage: JaegerStorage.ELASTICSEARCH, elasticsearchConnection: es.withIndex('traces') });
    expect(fb.elasticsearchConnection.index).toBe('logs');
    expect(fb.configText).toContain('http_user: ${ES_USERNAME}');
    expect(jaeger.configYaml).toContain('${env:ES_USERNAME}');
    expect(jaeger.configYaml).toContain('index_prefix: traces');
    const env = (c: { env: { variables: { [k: string]: unknown } } }) => Object.keys(c.env.variables).filter((k) => k.startsWith('ES_')).sort();
    expect(env(fb.container as never)).toEqual(['ES_PASSWORD', 'ES_USERNAME']);
    expect(env(jaeger.container as never)).toEqual(['ES_PASSWORD', 'ES_USERNAME']);
    refuse(() => new FluentBit(mon, 'fb2', { target: cluster, elasticsearchConnection: es, elasticsearchUrl: 'http://x' }),
      /elasticsearchUrl 'http:\/\/x' must not be set together with elasticsearchConnection/);
  });

  test('the default stack feeds one connection from the --elasticsearch-* options to every part', () => {
    const { observability } = buildStack(Testing.app(), {
      elasticsearchUrl: 'https://es.example.com', elasticsearchSecret: 'es-creds', jaegerStorage: JaegerStorage.ELASTICSEARCH,
    });
    expect(observability.fluentBit!.elasticsearchConnection.url).toBe('https://es.example.com');
    expect(observability.jaeger!.elasticsearchConnection!.url).toBe('https://es.example.com');
    expect(observability.jaeger!.elasticsearchConnection!.index).toBeUndefined();
    expect(observability.jaeger!.elasticsearchConnection!.credentials!.secretName).toBe('es-creds');
    const ds = JSON.stringify(observability.datasources!.datasources);
    expect(ds).toContain('"url":"https://es.example.com"');
  });
});

import { JAEGER_DEFAULT_IMAGE } from '../../src/tracing/facts';
import { elasticsearchIndex, elasticsearchUrl } from '../../src/validation/elasticsearch';
import {
  findPortCollision, goDuration, jaegerImage, jaegerNamespace, jaegerStorage, maxTraces,
  otelPropagators, otlpEndpoint, portCollisionProblem, splitImage,
} from '../../src/validation/tracing';

describe('the checks the CLI shares with the Jaeger construct', () => {
  test('--jaeger-storage', () => {
    for (const ok of ['memory', 'badger', 'elasticsearch']) expect(jaegerStorage(ok)).toBeUndefined();
    expect(jaegerStorage('cassandra')).toBe("must be one of 'memory', 'badger', 'elasticsearch': Jaeger's cassandra backend is not offered by this library");
    expect(jaegerStorage('es')).toBe("must be one of 'memory', 'badger', 'elasticsearch'");
    expect(jaegerStorage('Memory')).toBeDefined();
  });

  test('--jaeger-namespace', () => {
    expect(jaegerNamespace('monitoring')).toBeUndefined();
    expect(jaegerNamespace('Monitoring')).toContain('DNS-1123 label');
  });
});

describe('image', () => {
  test('the default is a pinned 2.x jaegertracing/jaeger image', () => {
    expect(JAEGER_DEFAULT_IMAGE).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(jaegerImage(JAEGER_DEFAULT_IMAGE)).toBeUndefined();
  });

  test('v1 images name the end of life', () => {
    for (const v1 of ['jaegertracing/all-in-one:1.50', 'jaegertracing/all-in-one:latest', 'jaegertracing/jaeger-collector:1.57.0', 'jaegertracing/jaeger:1.62.0']) {
      expect(jaegerImage(v1)).toContain('Jaeger v1 reached end of life on 2025-12-31');
    }
  });

  test('splitImage separates registry ports from tags', () => {
    expect(splitImage('localhost:5000/jaeger')).toEqual({ repository: 'localhost:5000/jaeger', digest: undefined });
    expect(splitImage('localhost:5000/jaeger:2.1.0')).toEqual({ repository: 'localhost:5000/jaeger', tag: '2.1.0', digest: undefined });
    expect(jaegerImage('localhost:5000/jaeger')).toContain('must be pinned');
    expect(jaegerImage('JaegerTracing/Jaeger:2.1.0')).toContain('must be a container image reference');
  });
});

describe('Elasticsearch (the one URL and index rule Jaeger shares with Fluent Bit)', () => {
  test('URLs', () => {
    // The port is optional: the scheme's, as for Fluent Bit (it was required for Jaeger alone).
    for (const ok of ['http://elasticsearch.monitoring.svc.cluster.local:9200', 'https://10.0.0.5:9243', 'https://[fd00::5]:9200',
      'https://es.example.com:443/proxy/es', 'https://es.example.com']) {
      expect(elasticsearchUrl(ok)).toBeUndefined();
    }
    for (const bad of ['', 'http://:9200', 'http://es:0', 'http://es:65536', 'http://es:9200?x=1', 'http://es:9200#f', 'http://u@es:9200']) {
      expect(elasticsearchUrl(bad)).toBeDefined();
    }
  });

  test('index prefixes', () => {
    const jaeger = { suffix: '-jaeger-dependencies-YYYY-MM-DD', appendedBy: 'Jaeger appends' };
    expect(elasticsearchIndex('robustmq-prod', jaeger)).toBeUndefined();
    for (const bad of ['', '-x', '_x', 'A', 'a b', 'a*', 'x'.repeat(230)]) expect(elasticsearchIndex(bad, jaeger)).toBeDefined();
  });
});

describe('memory and ports', () => {
  test('max_traces is a positive whole number', () => {
    expect(maxTraces(1)).toBeUndefined();
    expect(maxTraces(100000)).toBeUndefined();
    for (const bad of [0, -1, 1.5, NaN, Infinity]) expect(maxTraces(bad)).toBeDefined();
  });

  test('the first shared number is reported against the role that has it first', () => {
    expect(findPortCollision([['otlpGrpc', 4317], ['otlpHttp', 4318], ['zipkin', 4317]])).toEqual({ field: 'zipkin', port: 4317, other: 'otlpGrpc' });
    expect(findPortCollision([['a', 1], ['b', 2]])).toBeUndefined();
    expect(portCollisionProblem({ field: 'zipkin', port: 4317, other: 'otlpGrpc' })).toContain("must differ from otlpGrpc's port 4317");
  });

  test('Go durations for badger\'s TTL', () => {
    expect(goDuration(72 * 3600000)).toBe('72h');
    expect(goDuration(90 * 60000)).toBe('90m');
    expect(goDuration(45000)).toBe('45s');
    expect(goDuration(1500)).toBe('1500ms');
  });
});

describe('OpenTelemetry', () => {
  test('OTLP endpoints', () => {
    expect(otlpEndpoint('http://jaeger.monitoring.svc.cluster.local:4317')).toBeUndefined();
    expect(otlpEndpoint('https://otel.example.com:443')).toBeUndefined();
    for (const bad of ['jaeger:4317', 'http://jaeger', 'grpc://jaeger:4317', 'http://jaeger:99999']) expect(otlpEndpoint(bad)).toBeDefined();
  });

  test('propagators', () => {
    expect(otelPropagators(['tracecontext', 'baggage'])).toBeUndefined();
    expect(otelPropagators(['none'])).toBeUndefined();
    for (const bad of [[], ['w3c'], ['b3', 'b3'], ['none', 'b3']]) expect(otelPropagators(bad)).toBeDefined();
  });
});

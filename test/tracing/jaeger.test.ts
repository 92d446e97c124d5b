import { Chart, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Jaeger, JaegerStorage } from '../../src/tracing/jaeger';
import { ValidationError } from '../../src/validation/errors';
import { validateAll } from '../support/schema';
import { objects, one, testChart } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function monitoringChart(): Chart {
  return new Chart(Testing.app(), 'tracing', { namespace: 'monitoring' });
}

function jaegerObjects(props: ConstructorParameters<typeof Jaeger>[2] = {}): any[] {
  const chart = monitoringChart();
  new Jaeger(chart, 'jaeger', props);
  return objects(chart);
}

function container(objs: any[]): any {
  return one(objs, 'Deployment').spec.template.spec.containers[0];
}

function config(objs: any[]): any {
  return YAML.parse(one(objs, 'ConfigMap').data['config.yaml']);
}

function servicePorts(objs: any[]): Record<string, number> {
  return Object.fromEntries(one(objs, 'Service').spec.ports.map((p: any) => [p.name, p.port]));
}

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('default Jaeger', () => {
  const objs = jaegerObjects();

  test('its NetworkPolicy admits ingress on the ports the Service declares and nothing else', () => {
    const policy = objs.find((o) => o.kind === 'NetworkPolicy');
    const service = objs.find((o) => o.kind === 'Service');
    expect(policy.spec.podSelector.matchLabels).toEqual(service.spec.selector);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    expect(policy.spec.ingress[0].from).toBeUndefined();
    expect(policy.spec.ingress[0].ports.map((p: any) => p.port)).toEqual(service.spec.ports.map((p: any) => p.port));
  });

  test('a Deployment, a Service, a ConfigMap and a ServiceMonitor, all valid against their schemas', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'Service', 'ServiceMonitor']);
    expect(() => validateAll(objs)).not.toThrow();
    for (const o of objs) expect(o.metadata.namespace).toBe('monitoring');
  });

  test('pinned jaegertracing/jaeger 2.x image, started with --config on the mounted ConfigMap', () => {
    const c = container(objs);
    expect(c.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(c.args).toEqual(['--config', '/etc/jaeger/config.yaml']);
    const mount = c.volumeMounts.find((m: any) => m.mountPath === '/etc/jaeger');
    expect(mount.readOnly).toBe(true);
    const volume = one(objs, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.configMap.name).toBe(one(objs, 'ConfigMap').metadata.name);
    expect(Object.keys(one(objs, 'ConfigMap').data)).toEqual(['config.yaml']);
  });

  test('the Service has a named port per receiver plus query, health and metrics', () => {
    expect(servicePorts(objs)).toEqual({
      'otlp-grpc': 4317, 'otlp-http': 4318, 'thrift-http': 14268, 'zipkin': 9411, 'http-query': 16686, 'health': 13133, 'metrics': 8888,
    });
    const svc = one(objs, 'Service');
    expect(svc.metadata.name).toBe('jaeger');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger' });
    const podLabels = one(objs, 'Deployment').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
    expect(Object.fromEntries(container(objs).ports.map((p: any) => [p.name, p.containerPort]))).toEqual(servicePorts(objs));
  });

  test('the configuration parses as YAML: OTLP, Jaeger thrift HTTP and Zipkin receivers into memory storage', () => {
    const cfg = config(objs);
    expect(cfg.service.extensions).toEqual(['jaeger_storage', 'jaeger_query', 'healthcheckv2']);
    expect(cfg.service.pipelines.traces).toEqual({ receivers: ['otlp', 'jaeger', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
    expect(cfg.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      jaeger: { protocols: { thrift_http: { endpoint: '0.0.0.0:14268' } } },
      zipkin: { endpoint: '0.0.0.0:9411' },
    });
    expect(cfg.extensions.jaeger_storage.backends.trace_store).toEqual({ memory: { max_traces: 100000 } });
    expect(cfg.extensions.jaeger_query).toEqual({ storage: { traces: 'trace_store' }, http: { endpoint: '0.0.0.0:16686' } });
    expect(cfg.extensions.healthcheckv2).toEqual({ use_v2: true, http: { endpoint: '0.0.0.0:13133', status: { enabled: true, path: '/status' } } });
    expect(cfg.exporters).toEqual({ jaeger_storage_exporter: { trace_storage: 'trace_store' } });
    expect(cfg.processors).toEqual({ batch: {} });
    expect(cfg.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }]);
    expect(cfg.service.telemetry.logs).toEqual({ level: 'info', encoding: 'json' });
  });

  test('probes on the health-check extension; non-root, read-only root filesystem, all capabilities dropped', () => {
    const c = container(objs);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(c[probe].httpGet).toMatchObject({ path: '/status', port: 13133 });
    }
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/etc/jaeger', '/tmp']);
    expect(c.resources.limits).toBeDefined();
    expect(c.resources.requests).toBeDefined();
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
    expect(one(objs, 'Deployment').spec.replicas).toBe(1);
  });

  test('a ServiceMonitor scrapes Jaeger\'s metrics port at /metrics and keeps every family', () => {
    const sm = one(objs, 'ServiceMonitor');
    expect(sm.metadata).toMatchObject({ name: 'jaeger', namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } });
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger' });
    expect(sm.spec.endpoints).toHaveLength(1);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' });
    expect(sm.spec.endpoints[0].metricRelabelings).toBeUndefined();
  });

  test('the synthesized output is deterministic', () => {
    expect(jaegerObjects()).toEqual(objs);
  });
});

describe('endpoint for OpenTelemetry clients and Grafana', () => {
  test('DNS name, OTLP and query URLs and the stable datasource uid from one place', () => {
    const jaeger = new Jaeger(monitoringChart(), 'jaeger');
    expect(jaeger.endpoint).toEqual({
      serviceName: 'jaeger',
      namespace: 'monitoring',
      host: 'jaeger.monitoring.svc.cluster.local',
      queryPort: 16686,
      queryUrl: 'http://jaeger.monitoring.svc.cluster.local:16686',
      otlpGrpcPort: 4317,
      otlpGrpcUrl: 'http://jaeger.monitoring.svc.cluster.local:4317',
      otlpHttpPort: 4318,
      otlpHttpUrl: 'http://jaeger.monitoring.svc.cluster.local:4318',
      datasourceUid: 'robustmq-jaeger',
    });
  });

  test('name, namespace, cluster domain and ports shape the endpoint', () => {
    const jaeger = new Jaeger(testChart(null), 'j', {
      name: 'traces', namespace: 'obs', clusterDomain: 'corp.internal', ports: { query: 8080, otlpGrpc: 14317 }, receivers: { otlpHttp: false },
    });
    expect(jaeger.endpoint.queryUrl).toBe('http://traces.obs.svc.corp.internal:8080');
    expect(jaeger.endpoint.otlpGrpcUrl).toBe('http://traces.obs.svc.corp.internal:14317');
    expect(jaeger.endpoint.otlpHttpUrl).toBeUndefined();
  });
});

describe('receivers and ports', () => {
  test('turned-off receivers leave the pipeline, the container and the Service', () => {
    const objs = jaegerObjects({ receivers: { jaegerThriftHttp: false, zipkin: false } });
    expect(servicePorts(objs)).toEqual({ 'otlp-grpc': 4317, 'otlp-http': 4318, 'http-query': 16686, 'health': 13133, 'metrics': 8888 });
    const cfg = config(objs);
    expect(cfg.service.pipelines.traces.receivers).toEqual(['otlp']);
    expect(Object.keys(cfg.receivers)).toEqual(['otlp']);
    expect(container(objs).ports.map((p: any) => p.name)).not.toContain('zipkin');
  });

  test('only OTLP HTTP on', () => {
    const cfg = config(jaegerObjects({ receivers: { otlpGrpc: false, jaegerThriftHttp: false, zipkin: false } }));
    expect(cfg.receivers).toEqual({ otlp: { protocols: { http: { endpoint: '0.0.0.0:4318' } } } });
  });

  test('all receivers off is refused', () => {
    const e = refusal(() => jaegerObjects({ receivers: { otlpGrpc: false, otlpHttp: false, jaegerThriftHttp: false, zipkin: false } }));
    expect(e.message).toContain("Jaeger 'tracing/jaeger': receivers");
    expect(e.message).toContain('must leave at least one receiver on');
  });

  test('two receivers on the same number are refused, naming the construct, field, value and rule', () => {
    const e = refusal(() => jaegerObjects({ ports: { zipkin: 4317 } }));
    expect(e.message).toBe("Jaeger 'tracing/jaeger': ports.zipkin '4317' must differ from otlpGrpc's port 4317: "
      + 'every receiver on, and the query, health and metrics ports, need their own number');
  });

  test('a receiver on the UI, health or metrics port is refused', () => {
    expect(refusal(() => jaegerObjects({ ports: { otlpHttp: 16686 } })).message).toContain("ports.otlpHttp '16686' must differ from query's port 16686");
    expect(refusal(() => jaegerObjects({ ports: { metrics: 13133 } })).message).toContain("ports.metrics '13133' must differ from health's port 13133");
    expect(refusal(() => jaegerObjects({ ports: { health: 9411 } })).message).toContain('ports.health');
  });

  test('a number shared with a receiver that is off is fine; out-of-range numbers are refused', () => {
    expect(servicePorts(jaegerObjects({ receivers: { zipkin: false }, ports: { zipkin: 4317 } })).zipkin).toBeUndefined();
    expect(refusal(() => jaegerObjects({ ports: { query: 70000 } })).message).toContain("ports.query '70000' must be a whole number from 1 to 65535");
  });
});

describe('storage', () => {
  test('memory is bounded by max_traces', () => {
    expect(config(jaegerObjects({ maxTraces: 5000 })).extensions.jaeger_storage.backends.trace_store).toEqual({ memory: { max_traces: 5000 } });
  });

  test('max_traces 0 (or a fraction) is refused', () => {
    const e = refusal(() => jaegerObjects({ maxTraces: 0 }));
    expect(e.message).toContain("Jaeger 'tracing/jaeger': maxTraces '0' must be a whole number from 1 to 100000000");
    expect(e.field).toBe('maxTraces');
    expect(refusal(() => jaegerObjects({ maxTraces: 2.5 })).field).toBe('maxTraces');
  });

  test('badger keeps its files on a PersistentVolumeClaim, the only writable mount besides /tmp', () => {
    const objs = jaegerObjects({ storage: JaegerStorage.BADGER, badger: { storageSize: Size.gibibytes(20), storageClassName: 'fast-ssd', spanTtl: '7d' } });
    expect(() => validateAll(objs)).not.toThrow();
    const pvc = one(objs, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('jaeger-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } });
    const dep = one(objs, 'Deployment');
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    const mount = container(objs).volumeMounts.find((m: any) => m.mountPath === '/badger');
    const volume = dep.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe('jaeger-data');
    expect(container(objs).securityContext.readOnlyRootFilesystem).toBe(true);
    expect(config(objs).extensions.jaeger_storage.backends.trace_store).toEqual({
      badger: { directories: { keys: '/badger/keys', values: '/badger/values' }, ephemeral: false, ttl: { spans: '168h' } },
    });
  });

  test('badger: a too small claim and a bad TTL are refused; replicas stay 1', () => {
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.BADGER, badger: { storageSize: Size.mebibytes(10) } })).message)
      .toContain("badger.storageSize '10Mi' must be at least 64Mi");
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.BADGER, badger: { spanTtl: '3 days' } })).field).toBe('badger.spanTtl');
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.BADGER, replicas: 2 })).message)
      .toContain("replicas '2' must be 1 with storage 'badger'");
  });

  test('Elasticsearch: the seed URL by default, credentials from a Secret through env vars, never a literal password', () => {
    const objs = jaegerObjects({
      storage: JaegerStorage.ELASTICSEARCH,
      elasticsearch: { indexPrefix: 'robustmq', credentials: { secretName: 'es-credentials', passwordKey: 'elastic-password' } },
    });
    expect(() => validateAll(objs)).not.toThrow();
    expect(objs.map((o) => o.kind)).not.toContain('Secret');
    const es = config(objs).extensions.jaeger_storage.backends.trace_store.elasticsearch;
    expect(es).toEqual({
      server_urls: ['http://elasticsearch.monitoring.svc.cluster.local:9200'],
      auth: { basic: { username: '${env:ES_USERNAME}', password: '${env:ES_PASSWORD}' } },
      indices: { index_prefix: 'robustmq' },
    });
    const env = Object.fromEntries(container(objs).env.map((e: any) => [e.name, e]));
    expect(env.ES_USERNAME).toEqual({ name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'username' } } });
    expect(env.ES_PASSWORD).toEqual({ name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'elastic-password' } } });
    for (const e of container(objs).env) expect(e.value).toBeUndefined();
    expect(one(objs, 'Deployment').spec.strategy.type).toBe('RollingUpdate');
  });

  test('Elasticsearch without credentials or prefix; more replicas allowed', () => {
    const objs = jaegerObjects({ storage: JaegerStorage.ELASTICSEARCH, elasticsearch: { url: 'https://es.example.com:9243' }, replicas: 3 });
    expect(config(objs).extensions.jaeger_storage.backends.trace_store).toEqual({ elasticsearch: { server_urls: ['https://es.example.com:9243'] } });
    expect(container(objs).env).toBeUndefined();
    expect(one(objs, 'Deployment').spec.replicas).toBe(3);
  });

  test('bad Elasticsearch URLs are refused', () => {
    const bad = (url: string) => refusal(() => jaegerObjects({ storage: JaegerStorage.ELASTICSEARCH, elasticsearch: { url } })).message;
    // The one Elasticsearch URL rule, shared with Fluent Bit: the port is optional (the scheme's).
    const allowed = 'must be an http:// or https:// URL with a host and an optional port from 1 to 65535';
    expect(bad('ftp://es:9200')).toContain(`elasticsearch.url 'ftp://es:9200' ${allowed}`);
    expect(bad('http://elasticsearch:9200x')).toContain(allowed);
    expect(bad('http://elastic:changeme@es:9200')).toContain('must not carry credentials');
    expect(bad('http://Bad_Host:9200')).toContain(allowed);
    expect(bad('elasticsearch:9200')).toContain(allowed);
    expect(() => jaegerObjects({ storage: JaegerStorage.ELASTICSEARCH, elasticsearch: { url: 'https://es.example.com' } })).not.toThrow();
  });

  test('cassandra is refused with the words the CLI uses', () => {
    const e = refusal(() => jaegerObjects({ storage: 'cassandra' as JaegerStorage }));
    expect(e.message).toBe("Jaeger 'tracing/jaeger': storage 'cassandra' must be one of 'memory', 'badger', 'elasticsearch': "
      + "Jaeger's cassandra backend is not offered by this library");
  });

  test('options of another storage kind are refused', () => {
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.BADGER, maxTraces: 10 })).message)
      .toContain("maxTraces '10' only applies to storage 'memory', and storage is 'badger'");
    expect(refusal(() => jaegerObjects({ elasticsearch: { url: 'http://es:9200' } })).field).toBe('elasticsearch');
    expect(refusal(() => jaegerObjects({ badger: {} })).field).toBe('badger');
    expect(refusal(() => jaegerObjects({ replicas: 2 })).message).toContain("must be 1 with storage 'memory'");
  });

  test('bad index prefix and Secret names are refused', () => {
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.ELASTICSEARCH, elasticsearch: { indexPrefix: 'Robust MQ' } })).field)
      .toBe('elasticsearch.indexPrefix');
    expect(refusal(() => jaegerObjects({ storage: JaegerStorage.ELASTICSEARCH, elasticsearch: { credentials: { secretName: 'Bad_Name' } } })).field)
      .toBe('elasticsearch.credentials.secretName');
  });
});

describe('image', () => {
  test('jaegertracing/all-in-one:1.50 is refused, naming the end of life', () => {
    const e = refusal(() => jaegerObjects({ image: 'jaegertracing/all-in-one:1.50' }));
    expect(e.message).toContain("Jaeger 'tracing/jaeger': image 'jaegertracing/all-in-one:1.50' is the Jaeger v1 image 'all-in-one'");
    expect(e.message).toContain('Jaeger v1 reached end of life on 2025-12-31');
  });

  test('a 1.x jaeger tag, a moving tag, no tag and another image are refused', () => {
    expect(refusal(() => jaegerObjects({ image: 'jaegertracing/jaeger:1.62.0' })).message).toContain('end of life on 2025-12-31');
    expect(refusal(() => jaegerObjects({ image: 'jaegertracing/jaeger:latest' })).message).toContain('must be pinned to a 2.x release tag');
    expect(refusal(() => jaegerObjects({ image: 'jaegertracing/jaeger' })).message).toContain('must be pinned');
    expect(refusal(() => jaegerObjects({ image: 'otel/opentelemetry-collector:0.120.0' })).message).toContain("a repository named 'jaeger'");
    expect(refusal(() => jaegerObjects({ image: 'jaegertracing/jaeger:3.0.0' })).message).toContain('must be a Jaeger 2.x image');
  });

  test('mirrors and digests of a 2.x image are accepted', () => {
    expect(container(jaegerObjects({ image: 'registry.example.com:5000/mirror/jaeger:2.9.0' })).image).toBe('registry.example.com:5000/mirror/jaeger:2.9.0');
    const digest = `jaegertracing/jaeger@sha256:${'a'.repeat(64)}`;
    const objs = jaegerObjects({ image: digest });
    expect(container(objs).image).toBe(digest);
    expect(one(objs, 'Deployment').metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });
});

describe('other inputs', () => {
  test('a Jaeger without a namespace is refused', () => {
    expect(refusal(() => new Jaeger(testChart(null), 'jaeger')).message).toContain('namespace');
  });

  test('monitoring.enabled false emits no ServiceMonitor; monitor options then are refused', () => {
    const objs = jaegerObjects({ monitoring: { enabled: false } });
    expect(objs.map((o) => o.kind)).not.toContain('ServiceMonitor');
    const e = refusal(() => jaegerObjects({ monitoring: { enabled: false, discoveryLabels: { release: 'x' } } }));
    expect(e.field).toBe('monitoring.discoveryLabels');
    expect(e.message).toMatch(/^Jaeger '[^']+': monitoring.discoveryLabels '\{"release":"x"\}' must not be set when monitoring.enabled is false/);
  });

  test('discovery labels and scrape settings reach the ServiceMonitor', () => {
    const sm = one(jaegerObjects({ monitoring: { discoveryLabels: { release: 'monitoring' }, interval: '15s', scrapeTimeout: '5s' } }), 'ServiceMonitor');
    expect(sm.metadata.labels).toEqual({ release: 'monitoring' });
    expect(sm.spec.endpoints[0]).toMatchObject({ interval: '15s', scrapeTimeout: '5s' });
  });

  test('bad names and labels are refused', () => {
    expect(refusal(() => jaegerObjects({ name: 'Jaeger' })).field).toBe('name');
    expect(refusal(() => jaegerObjects({ labels: { team: 'a b' } })).field).toBe('labels.team');
  });
});

import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ComponentServiceMonitor, PodScrapeTarget, RobustMqCluster, RobustMqPodMonitor, RobustMqServiceMonitor, ServiceScrapeTarget,
} from '../../src';
import { highCardinalitySamples } from '../../src/metrics/scrape';
import { buildStack } from '../../src/stack';
import { refuse } from '../support/refuse';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function setup(monitorNamespace = 'monitoring') {
  const app = Testing.app();
  const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(mq, 'cluster');
  const mon = new Chart(app, 'mon', { namespace: monitorNamespace });
  return { app, mq, cluster, mon };
}


describe('default stack ServiceMonitor', () => {
  const app = Testing.app();
  buildStack(app);
  const all = app.charts.flatMap((c) => c.toJson());
  const sm = one(all, 'ServiceMonitor', 'robustmq-cluster');
  const service = one(all, 'Service', 'robustmq-cluster-metrics');

  test('validates against the Prometheus-Operator schema', () => {
    expect(() => validateAll([sm])).not.toThrow();
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
  });

  test('selects the RobustMQ metrics Service by its labels and its 58080 port by name', () => {
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(service.metadata.labels[k]).toBe(v);
    const port = service.spec.ports.find((p: any) => p.name === sm.spec.endpoints[0].port);
    expect(port.port).toBe(58080);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['robustmq'] });
  });

  test('exactly one Service of the stack matches the selector and has the port (no double scrape)', () => {
    const matching = all.filter((o) => o.kind === 'Service'
      && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v)
      && o.spec.ports.some((p: any) => p.name === sm.spec.endpoints[0].port));
    expect(matching.map((s) => s.metadata.name)).toEqual(['robustmq-cluster-metrics']);
    // The client Service carries no admin port at all.
    expect(one(all, 'Service', 'robustmq-cluster').spec.ports.map((p: any) => p.port)).not.toContain(58080);
  });

  test('path /metrics, interval 30s, timeout 10s, release label', () => {
    const ep = sm.spec.endpoints[0];
    expect(ep).toMatchObject({ path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http' });
    expect(sm.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(sm.metadata.namespace).toBe('monitoring');
  });

  test('relabelings yield pod, namespace, node, service and cluster labels', () => {
    const byTarget = Object.fromEntries(sm.spec.endpoints[0].relabelings.map((r: any) => [r.targetLabel, r]));
    expect(byTarget.pod.sourceLabels).toEqual(['__meta_kubernetes_pod_name']);
    expect(byTarget.namespace.sourceLabels).toEqual(['__meta_kubernetes_namespace']);
    expect(byTarget.node.sourceLabels).toEqual(['__meta_kubernetes_pod_node_name']);
    expect(byTarget.service.sourceLabels).toEqual(['__meta_kubernetes_service_name']);
    expect(byTarget.cluster).toEqual({ action: 'replace', replacement: 'robustmq-cluster', targetLabel: 'cluster' });
  });

  test('drops the high-cardinality families, and only those', () => {
    const drop = sm.spec.endpoints[0].metricRelabelings[0];
    expect(drop.action).toBe('drop');
    expect(drop.sourceLabels).toEqual(['__name__']);
    const re = new RegExp(`^${drop.regex}$`);
    for (const s of highCardinalitySamples()) expect(re.test(s)).toBe(true);
    for (const s of ['mqtt_connections_count', 'mqtt_packets_received_total', 'client_connections_totalx']) expect(re.test(s)).toBe(false);
  });
});

describe('RobustMqServiceMonitor options', () => {
  test('keepHighCardinalityMetrics removes the drop rule; discovery labels and durations are configurable', () => {
    const { cluster, mon } = setup();
    new RobustMqServiceMonitor(mon, 'sm', {
      target: ServiceScrapeTarget.fromCluster(cluster),
      keepHighCardinalityMetrics: true,
      discoveryLabels: { prometheus: 'main' },
      interval: '1m',
      scrapeTimeout: '1m',
      name: 'rmq',
    });
    const sm = one(Testing.synth(mon), 'ServiceMonitor');
    validateAll([sm]);
    expect(sm.spec.endpoints[0].metricRelabelings).toBeUndefined();
    expect(sm.metadata).toMatchObject({ name: 'rmq', labels: { prometheus: 'main' } });
    expect(sm.spec.endpoints[0]).toMatchObject({ interval: '1m', scrapeTimeout: '1m' });
  });

  test('in the target namespace it has no namespaceSelector', () => {
    const { cluster, mq } = setup();
    new RobustMqServiceMonitor(mq, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster) });
    const sm = one(Testing.synth(mq), 'ServiceMonitor');
    expect(sm.metadata.namespace).toBe('robustmq');
    expect(sm.spec.namespaceSelector).toBeUndefined();
  });

  test('HTTPS with a CA and bearer authorization from Secrets', () => {
    const { cluster, mon } = setup();
    new RobustMqServiceMonitor(mon, 'sm', {
      target: ServiceScrapeTarget.fromCluster(cluster),
      tls: { caSecret: { name: 'robustmq-ca', key: 'ca.crt' }, serverName: 'robustmq-cluster.robustmq.svc' },
      bearerTokenSecret: { name: 'robustmq-scrape', key: 'token' },
    });
    const sm = one(Testing.synth(mon), 'ServiceMonitor');
    validateAll([sm]);
    const ep = sm.spec.endpoints[0];
    expect(ep.scheme).toBe('https');
    expect(ep.tlsConfig).toEqual({ ca: { secret: { name: 'robustmq-ca', key: 'ca.crt' } }, serverName: 'robustmq-cluster.robustmq.svc' });
    expect(ep.authorization).toEqual({ type: 'Bearer', credentials: { name: 'robustmq-scrape', key: 'token' } });
    expect(JSON.stringify(sm)).not.toMatch(/password|bearerToken"/);
  });

  test('bring your own Service from the same app', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const dep = new kplus.Deployment(chart, 'broker', { containers: [{ image: 'example.com/robustmq:custom', ports: [{ number: 58080, name: 'metrics' }] }] });
    const svc = new kplus.Service(chart, 'svc', {
      metadata: { name: 'my-robustmq', labels: { app: 'my-robustmq' } },
      selector: dep,
      ports: [{ port: 58080, name: 'metrics' }],
    });
    new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics', clusterName: 'edge' }) });
    const sm = one(Testing.synth(chart), 'ServiceMonitor');
    validateAll([sm]);
    expect(sm.spec.selector.matchLabels).toEqual({ app: 'my-robustmq' });
    expect(sm.spec.endpoints[0].port).toBe('metrics');
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({ action: 'replace', replacement: 'edge', targetLabel: 'cluster' });
  });

  test('bring your own Service outside the app, by labels and port name', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mon', { namespace: 'monitoring' });
    new RobustMqServiceMonitor(chart, 'sm', {
      target: ServiceScrapeTarget.fromLabels({ namespace: 'legacy', serviceLabels: { 'app.kubernetes.io/instance': 'old-mq' }, portName: 'admin' }),
    });
    const sm = one(Testing.synth(chart), 'ServiceMonitor');
    expect(sm.metadata.name).toBe('old-mq');
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['legacy'] });
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'old-mq' });
  });
});

describe('RobustMqServiceMonitor refuses', () => {
  test('a selector that does not match the Service, naming both sides', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const svc = new kplus.Service(chart, 'svc', { metadata: { name: 'mq', labels: { app: 'mq', tier: 'x' } }, ports: [{ port: 58080, name: 'metrics' }] });
    new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics', selectorLabels: { app: 'mqtt' } }) });
    refuse(() => Testing.synth(chart),
      /^RobustMqServiceMonitor 'own\/sm': selector.matchLabels '\{"app":"mqtt"\}' must match labels of Service 'mq', which has \{"app":"mq","tier":"x"\}; not matched: app=mqtt$/);
  });

  test('labels added to the Service after the target was made are still checked at synth time', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const svc = new kplus.Service(chart, 'svc', { metadata: { name: 'mq', labels: { app: 'mq' } }, ports: [{ port: 58080, name: 'metrics' }] });
    new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics', selectorLabels: { app: 'mq', tier: 'x' } }) });
    refuse(() => Testing.synth(chart), /not matched: tier=x/);
    svc.metadata.addLabel('tier', 'x');
    expect(one(Testing.synth(chart), 'ServiceMonitor').spec.selector.matchLabels).toEqual({ app: 'mq', tier: 'x' });
  });

  test('a port name the Service does not have, listing its ports', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const svc = new kplus.Service(chart, 'svc', { metadata: { name: 'mq', labels: { app: 'mq' } }, ports: [{ port: 1883, name: 'mqtt' }, { port: 58080, name: 'http' }] });
    new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics' }) });
    refuse(() => Testing.synth(chart), /endpoints\[0\].port 'metrics' must name a port of Service 'mq', which has 'mqtt', 'http'/);
  });

  test('a selector that also matches another Service with the port', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const a = new kplus.Service(chart, 'a', { metadata: { name: 'mq', labels: { app: 'mq' } }, ports: [{ port: 58080, name: 'metrics' }] });
    new kplus.Service(chart, 'b', { metadata: { name: 'mq-peers', labels: { app: 'mq' } }, ports: [{ port: 58080, name: 'metrics' }] });
    new RobustMqServiceMonitor(chart, 'sm', { target: ServiceScrapeTarget.fromService(a, { portName: 'metrics' }) });
    refuse(() => Testing.synth(chart), /also selects Service 'mq-peers' with port 'metrics', so its pods would be scraped twice/);
  });

  test('scrapeTimeout longer than interval', () => {
    const { cluster, mon } = setup();
    refuse(() => new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster), interval: '30s', scrapeTimeout: '45s' }),
      /^RobustMqServiceMonitor 'mon\/sm': scrapeTimeout '45s' must not exceed interval '30s'$/);
  });

  test('interval: at most half the 5m rate window (Prometheus 3 ranges are left-open: two samples at 2m30s, one above)', () => {
    const { cluster, mon } = setup();
    const target = ServiceScrapeTarget.fromCluster(cluster);
    expect(new RobustMqServiceMonitor(mon, 'ok', { target, interval: '2m30s', scrapeTimeout: '10s' }).interval).toBe('2m30s');
    refuse(() => new RobustMqServiceMonitor(mon, 'sm', { target, interval: '2m31s', scrapeTimeout: '10s' }),
      /^RobustMqServiceMonitor 'mon\/sm': interval '2m31s' must be at most half of the 5m rate window the alerts and dashboards use: Prometheus 3 would find fewer than two samples in it/);
  });

  test.each([['5m30'], ['30'], ['1m1h'], ['-5s'], ['0s']])('interval %s', (interval) => {
    const { cluster, mon } = setup();
    refuse(() => new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster), interval }),
      new RegExp(`interval '${interval}' must be a (Prometheus|positive) duration`));
  });

  test('bad discovery labels, cluster label, secret refs and port names', () => {
    const { cluster, mon } = setup();
    const target = ServiceScrapeTarget.fromCluster(cluster);
    refuse(() => new RobustMqServiceMonitor(mon, 'a', { target, discoveryLabels: { release: 'kube prometheus' } }), /discoveryLabels.release 'kube prometheus' must be a label value/);
    refuse(() => new RobustMqServiceMonitor(mon, 'b', { target, clusterLabel: 'robustmq-cluster' }), /clusterLabel 'robustmq-cluster' must be a Prometheus label name/);
    refuse(() => new RobustMqServiceMonitor(mon, 'c', { target, bearerTokenSecret: { name: 'Bad Name', key: 'token' } }), /bearerTokenSecret.name 'Bad Name' must be a DNS-1123 subdomain/);
    refuse(() => new RobustMqServiceMonitor(mon, 'd', { target: ServiceScrapeTarget.fromLabels({ namespace: 'x', serviceLabels: { app: 'x' }, portName: 'Metrics_Port' }) }),
      /target port name 'Metrics_Port' must be a port name/);
    refuse(() => new RobustMqServiceMonitor(mon, 'e', { target: ServiceScrapeTarget.fromLabels({ namespace: 'x', serviceLabels: {}, portName: 'm' }) }),
      /target labels '\{\}' must not be empty/);
    refuse(() => new RobustMqServiceMonitor(mon, 'f', { target: ServiceScrapeTarget.fromLabels({ namespace: 'Bad', serviceLabels: { a: 'b' }, portName: 'm' }) }),
      /target namespace 'Bad' must be a DNS-1123 label/);
    // A query or a newline in the path would reach the scrape URL.
    for (const path of ['/metrics?format=prometheus', '/metrics\n', 'metrics']) {
      refuse(() => new RobustMqServiceMonitor(mon, `p${path.length}`, { target: ServiceScrapeTarget.fromLabels({ namespace: 'x', serviceLabels: { a: 'b' }, portName: 'm', path }) }),
        /target path '[^]*' must be an HTTP path starting with '\/'/);
    }
  });
});

describe('RobustMqPodMonitor', () => {
  test('scrapes a RobustMqCluster pods with the same labels, and a stable job', () => {
    const { cluster, mon } = setup();
    new RobustMqPodMonitor(mon, 'pm', { target: PodScrapeTarget.fromCluster(cluster) });
    const pm = one(Testing.synth(mon), 'PodMonitor');
    validateAll([pm]);
    expect(pm.spec.selector.matchLabels).toEqual(cluster.selectorLabels);
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['robustmq'] });
    const ep = pm.spec.podMetricsEndpoints[0];
    expect(ep).toMatchObject({ port: 'http-admin', path: '/metrics', interval: '30s', scrapeTimeout: '10s' });
    const targets = ep.relabelings.map((r: any) => r.targetLabel);
    expect(targets).toEqual(['pod', 'namespace', 'node', 'cluster', 'job']);
    expect(ep.relabelings.find((r: any) => r.targetLabel === 'job').replacement).toBe('robustmq-cluster');
    expect(ep.metricRelabelings[0].action).toBe('drop');
  });

  test('bring your own workload; its port must exist', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own', { namespace: 'brokers' });
    const dep = new kplus.Deployment(chart, 'broker', { containers: [{ image: 'example.com/robustmq:custom', ports: [{ number: 58080, name: 'metrics' }] }] });
    new RobustMqPodMonitor(chart, 'pm', { target: PodScrapeTarget.fromWorkload(dep, { portName: 'metrics' }) });
    const pm = one(Testing.synth(chart), 'PodMonitor');
    validateAll([pm]);
    expect(pm.spec.selector.matchLabels).toEqual(dep.matchLabels);

    const app2 = Testing.app();
    const chart2 = new Chart(app2, 'own', { namespace: 'brokers' });
    const dep2 = new kplus.Deployment(chart2, 'broker', { containers: [{ image: 'example.com/robustmq:custom', ports: [{ number: 58080, name: 'http' }] }] });
    new RobustMqPodMonitor(chart2, 'pm', { target: PodScrapeTarget.fromWorkload(dep2, { portName: 'metrics' }) });
    refuse(() => Testing.synth(chart2), /podMetricsEndpoints\[0\].port 'metrics' must name a container port of '.*broker.*', which has 'http'/);

    const app3 = Testing.app();
    const chart3 = new Chart(app3, 'own', { namespace: 'brokers' });
    const dep3 = new kplus.Deployment(chart3, 'broker', { containers: [{ image: 'example.com/robustmq:custom', ports: [{ number: 58080, name: 'metrics' }] }] });
    new RobustMqPodMonitor(chart3, 'pm', { target: PodScrapeTarget.fromWorkload(dep3, { portName: 'metrics', selectorLabels: { app: 'broker' } }) });
    refuse(() => Testing.synth(chart3), /selector.matchLabels '\{"app":"broker"\}' must match the pod labels of .*not matched: app=broker/);
  });

  test('pods outside the app by labels', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mon', { namespace: 'monitoring' });
    new RobustMqPodMonitor(chart, 'pm', { target: PodScrapeTarget.fromLabels({ namespace: 'legacy', podLabels: { app: 'mq' }, portName: 'admin', clusterName: 'legacy-mq' }) });
    const pm = one(Testing.synth(chart), 'PodMonitor');
    expect(pm.metadata.name).toBe('legacy-mq');
    expect(pm.spec.selector.matchLabels).toEqual({ app: 'mq' });
  });

  test('refuses a bad timeout like the ServiceMonitor', () => {
    const { cluster, mon } = setup();
    refuse(() => new RobustMqPodMonitor(mon, 'pm', { target: PodScrapeTarget.fromCluster(cluster), scrapeTimeout: '2m' }),
      /^RobustMqPodMonitor 'mon\/pm': scrapeTimeout '2m' must not exceed interval '30s'$/);
  });
});

describe('ComponentServiceMonitor', () => {
  test('any Service\'s metrics, RobustMQ\'s drop rule only where asked for; dropMetrics must be metric names', () => {
    const { mq, cluster, mon } = setup();
    const target = ServiceScrapeTarget.fromCluster(cluster);
    const generic = new ComponentServiceMonitor(mon, 'generic', { target, name: 'generic' });
    const dropping = new ComponentServiceMonitor(mon, 'dropping', {
      target: ServiceScrapeTarget.fromService(cluster.metricsService, {
        portName: target.portName, path: target.path, clusterName: 'other', selectorLabels: target.selectorLabels,
      }),
      name: 'dropping',
      dropMetrics: ['b_total', 'a_total'],
    });
    expect(generic).not.toBeInstanceOf(RobustMqServiceMonitor);
    expect(new RobustMqServiceMonitor(new Chart(mq.node.scope as any, 'mon2', { namespace: 'monitoring' }), 'sm', { target }))
      .toBeInstanceOf(ComponentServiceMonitor);
    const objs = Testing.synth(mon);
    expect(one(objs, 'ServiceMonitor', 'generic').spec.endpoints[0].metricRelabelings).toBeUndefined();
    expect(one(objs, 'ServiceMonitor', 'dropping').spec.endpoints[0].metricRelabelings)
      .toEqual([{ action: 'drop', sourceLabels: ['__name__'], regex: '(a_total|b_total)' }]);
    expect(dropping.job).toBe(generic.job);
    refuse(() => new ComponentServiceMonitor(mon, 'bad', { target, dropMetrics: ['1bad'] }),
      /^ComponentServiceMonitor 'mon\/bad': dropMetrics '1bad' must be a Prometheus metric name/);
  });
});

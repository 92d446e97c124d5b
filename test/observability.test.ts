import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ElasticsearchConnection, RobustMqObservability, ServiceScrapeTarget } from '../src';
import { validateAll } from './support/schema';
import { warningsOf } from '../src/validation/warnings';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function keys(objs: any[]): string[] {
  return objs.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
}

describe('RobustMqObservability', () => {
  test('composes every part and exposes each as a property', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack');
    for (const part of [o.cluster, o.serviceMonitor, o.alerts, o.dashboards, o.datasources, o.fluentBit, o.jaeger, o.jaegerAlerts]) {
      expect(part).toBeDefined();
    }
    const objs = Testing.synth(chart);
    validateAll(objs);
    expect(new Set(objs.map((x) => x.kind))).toEqual(new Set(['ConfigMap', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor',
      'PrometheusRule', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'Deployment', 'Job']));
  });

  test('every part can be turned off', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack', {
      alerts: { enabled: false },
      dashboards: { enabled: false },
      datasources: { enabled: false },
      logs: { enabled: false },
      tracing: { enabled: false },
      probe: { enabled: false },
    });
    const parts = [o.alerts, o.slos, o.dashboards, o.datasources, o.fluentBit, o.jaeger, o.jaegerAlerts, o.probe, o.probeAlerts];
    for (const part of parts) expect(part).toBeUndefined();
    expect(new Set(Testing.synth(chart).map((x) => x.kind))).toEqual(new Set(['ConfigMap', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor']));
    const env = Testing.synth(chart).find((x) => x.kind === 'StatefulSet').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  test('the components\' own monitors take the stack\'s scrape settings, and one turned off takes its alerts with it', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const on = new RobustMqObservability(chart, 'stack', { metrics: { interval: '15s', scrapeTimeout: '5s', discoveryLabels: { release: 'kps' } } });
    for (const monitor of [on.fluentBit!.serviceMonitor!, on.jaeger!.serviceMonitor!]) {
      expect([monitor.interval, monitor.scrapeTimeout, monitor.discoveryLabels]).toEqual(['15s', '5s', { release: 'kps' }]);
    }
    expect(on.alerts!.alertNames).toContain('RobustMQLogAgentDown');
    expect(on.jaegerAlerts).toBeDefined();

    const chart2 = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const off = new RobustMqObservability(chart2, 'stack', {
      metrics: { interval: '15s' },
      logs: { monitoring: { enabled: false } },
      tracing: { monitoring: { enabled: false } },
      probe: { monitoring: { enabled: false } },
    });
    expect(off.fluentBit!.serviceMonitor).toBeUndefined();
    expect(off.jaeger!.serviceMonitor).toBeUndefined();
    expect(off.probe!.serviceMonitor).toBeUndefined();
    expect(off.jaegerAlerts).toBeUndefined();
    expect(off.probeAlerts).toBeUndefined();
    expect(off.alerts!.alertNames.filter((n) => n.startsWith('RobustMQLog'))).toEqual([]);
    expect(Testing.synth(chart2).filter((x) => x.kind === 'ServiceMonitor').map((x) => x.metadata.name)).toEqual(['robustmq-cluster']);
  });

  test('parts are configured from the one props object', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    new RobustMqObservability(chart, 'stack', {
      cluster: { clusterName: 'edge', replicas: 5 },
      monitoringNamespace: 'observability',
      metrics: { interval: '15s', discoveryLabels: { release: 'kps' } },
      alerts: { errorRateThreshold: 0.1 },
      dashboards: { folder: 'Edge' },
      logs: { elasticsearchIndex: 'edge-logs' },
    });
    const objs = Testing.synth(chart);
    const sm = objs.find((x) => x.kind === 'ServiceMonitor' && x.metadata.name === 'edge');
    expect(sm.metadata).toMatchObject({ namespace: 'observability', labels: { release: 'kps' } });
    expect(sm.spec.endpoints[0].interval).toBe('15s');
    const rule = objs.find((x) => x.kind === 'PrometheusRule' && x.metadata.name === 'edge-alerts');
    expect(rule.metadata.labels).toEqual({ release: 'kps' });
    expect(JSON.stringify(rule)).toContain('> 0.1');
    expect(objs.filter((x) => x.metadata.annotations?.grafana_folder === 'Edge')).toHaveLength(6);
    const slos = objs.find((x) => x.kind === 'PrometheusRule' && x.metadata.name === 'edge-slos');
    expect(slos.metadata).toEqual({ name: 'edge-slos', namespace: 'observability', labels: { release: 'kps' } });
    // The probe is a client of the cluster and runs beside it; everything else of the monitoring here.
    const probe = objs.find((x) => x.kind === 'Deployment' && x.metadata.name === 'edge-mqtt-probe');
    expect(probe.metadata.namespace).toBe('robustmq');
    for (const x of objs.filter((y) => ['ServiceMonitor', 'PrometheusRule', 'DaemonSet', 'Deployment'].includes(y.kind) && y !== probe)) {
      expect(x.metadata.namespace).toBe('observability');
    }
  });

  test('two clusters in two namespaces in one app synthesize without name clashes, sharing Jaeger and Grafana', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'mq-a' });
    const b = new Chart(app, 'b', { namespace: 'mq-b' });
    const first = new RobustMqObservability(a, 'stack', { cluster: { clusterName: 'alpha' } });
    new RobustMqObservability(b, 'stack', {
      cluster: { clusterName: 'beta' },
      tracing: { existingJaeger: first.jaeger },
      dashboards: { enabled: false },
      datasources: { enabled: false },
    });
    const objs = [...Testing.synth(a), ...Testing.synth(b)];
    validateAll(objs);
    const k = keys(objs);
    expect(new Set(k).size).toBe(k.length);
    const betaEnv = Testing.synth(b).find((x) => x.kind === 'StatefulSet').spec.template.spec.containers[0].env;
    expect(betaEnv.find((e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value).toBe('http://jaeger.monitoring.svc.cluster.local:4317');
    expect(k.filter((x) => x.startsWith('DaemonSet/'))).toEqual(['DaemonSet/monitoring/alpha-fluent-bit', 'DaemonSet/monitoring/beta-fluent-bit']);
  });

  test('observes your own RobustMQ workload by its Service', () => {
    const chart = new Chart(Testing.app(), 'own', { namespace: 'brokers' });
    const dep = new kplus.StatefulSet(chart, 'broker', {
      containers: [{ image: 'example.com/robustmq:custom', ports: [{ number: 58080, name: 'metrics' }], securityContext: { user: 1000 } }],
    });
    const svc = new kplus.Service(chart, 'svc', { metadata: { name: 'own-mq', labels: { app: 'own-mq' } }, selector: dep, ports: [{ port: 58080, name: 'metrics' }] });
    const o = new RobustMqObservability(chart, 'stack', {
      target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics', clusterName: 'own-mq' }),
      replicas: 5,
      tracing: { enabled: false },
    });
    expect(o.cluster).toBeUndefined();
    const objs = Testing.synth(chart);
    expect(objs.find((x) => x.kind === 'ServiceMonitor' && x.metadata.name === 'own-mq').spec.selector.matchLabels).toEqual({ app: 'own-mq' });
    const rule = objs.find((x) => x.kind === 'PrometheusRule');
    expect(JSON.stringify(rule)).toContain('(sum(up{cluster=\\"own-mq\\", namespace=\\"brokers\\", job=\\"own-mq\\"}) or vector(0)) < 3');
    expect(objs.find((x) => x.kind === 'ConfigMap' && x.metadata.name === 'own-mq-fluent-bit-config')).toBeDefined();
  });

  test('rule groups and tests cover RobustMQ and Jaeger', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack');
    expect(o.ruleGroups().groups.map((g: any) => g.name)).toContain('jaeger');
    expect(o.ruleTests('rules.yaml').tests.length).toBeGreaterThan(40);
  });

  test("Jaeger's alerts get the stack's extra labels, annotations and Grafana links, like RobustMQ's", () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'robustmq' });
    const o = new RobustMqObservability(chart, 'stack', {
      alerts: { extraLabels: { team: 'messaging' }, extraAnnotations: { owner: 'mq' }, grafanaUrl: 'https://grafana.example.com' },
    });
    const jaeger = o.jaegerAlerts!.ruleGroups().groups[0].rules;
    expect(jaeger.length).toBe(3);
    for (const r of jaeger) {
      expect(r.labels).toMatchObject({ team: 'messaging' });
      expect(r.annotations).toMatchObject({ owner: 'mq' });
      expect(r.annotations!.dashboard_url).toMatch(/^https:\/\/grafana\.example\.com\/explore\?/);
    }
  });

  describe('inputs once accepted without a word', () => {
    const stack = (props: ConstructorParameters<typeof RobustMqObservability>[2]) =>
      new RobustMqObservability(new Chart(Testing.app(), 'mq', { namespace: 'robustmq' }), 'stack', props);
    const esWarnings = (o: RobustMqObservability) => warningsOf(o).filter((w) => /Grafana datasource reads/.test(w));

    test('a datasource Elasticsearch other than the logs\' is accepted with a warning naming both URLs', () => {
      const logs = 'http://elasticsearch.logging.svc:9200';
      const other = stack({ elasticsearchConnection: ElasticsearchConnection.fromUrl(logs), datasources: { elasticsearchUrl: 'http://es-proxy.monitoring.svc:9200' } });
      expect(esWarnings(other)).toEqual([
        "mq/stack: the logs are shipped to 'http://elasticsearch.logging.svc:9200' and the Grafana datasource reads 'http://es-proxy.monitoring.svc:9200': "
        + 'right if they are one Elasticsearch reached two ways, else the logs dashboard shows none of these logs',
      ]);
      const viaConnection = stack({
        elasticsearchConnection: ElasticsearchConnection.fromUrl(logs),
        datasources: { elasticsearchConnection: ElasticsearchConnection.fromUrl('http://elasticsearch.logging.svc:9201') },
      });
      expect(esWarnings(viaConnection)).toHaveLength(1);
      // The same endpoint written another way, no datasource URL, or no datasources: nothing to say.
      expect(esWarnings(stack({ elasticsearchConnection: ElasticsearchConnection.fromUrl(logs), datasources: { elasticsearchUrl: `${logs}/` } }))).toEqual([]);
      expect(esWarnings(stack({ elasticsearchConnection: ElasticsearchConnection.fromUrl(logs) }))).toEqual([]);
      expect(esWarnings(stack({
        elasticsearchConnection: ElasticsearchConnection.fromUrl(logs),
        datasources: { enabled: false, elasticsearchUrl: 'http://es-proxy.monitoring.svc:9200' },
      }))).toEqual([]);
    });

    test('user labels of other keys sit beside the library\'s on every object and pod', () => {
      const o = stack({ cluster: { labels: { team: 'messaging' } }, tracing: { labels: { team: 'tracing' } } });
      const objs = Testing.synth(Chart.of(o));
      const sts = objs.find((x) => x.kind === 'StatefulSet');
      expect(sts.metadata.labels).toMatchObject({ 'team': 'messaging', 'app.kubernetes.io/name': 'robustmq' });
      expect(sts.spec.template.metadata.labels).toMatchObject({ 'team': 'messaging', 'app.kubernetes.io/name': 'robustmq' });
      const jaeger = objs.find((x) => x.kind === 'Deployment' && x.metadata.labels['app.kubernetes.io/name'] === 'jaeger');
      expect(jaeger.metadata.labels).toMatchObject({ 'team': 'tracing', 'app.kubernetes.io/instance': o.jaeger!.name });
    });

    test('the switches take booleans: false turns a part off, true leaves it on', () => {
      const o = stack({
        tracing: { enabled: false },
        alerts: { enabled: true, overrides: { RobustMQHighCpu: { disabled: false }, RobustMQMessagesDropped: { disabled: true } } },
      });
      expect(o.jaeger).toBeUndefined();
      expect(o.alerts!.alertNames).toContain('RobustMQHighCpu');
      expect(o.alerts!.alertNames).not.toContain('RobustMQMessagesDropped');
    });
  });
});

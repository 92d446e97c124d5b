import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse as parseToml } from 'smol-toml';
import { fakeServer, PodSandbox, TEST_CREDENTIALS } from './support/pod-script';
import { ClientProtocol, PodSpreadPolicy, RobustMqCluster, RobustMqLogLevel, RobustMqRole } from '../../src';
import { MEMBER_MARKER, renderServerToml } from '../../src/robustmq/config';
import { buildStack } from '../../src/stack';
import { ValidationError } from '../../src/validation/errors';
import { validateAll } from '../support/schema';
import { objects, one, testChart } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

/**
 * The objects of the default stack's RobustMQ cluster: those in its namespace, less the synthetic
 * probe's (test/probe/probe.test.ts checks them, and its NetworkPolicy admitting it to the pods).
 */
function defaultStack(): any[] {
  const app = Testing.app();
  const { chart } = buildStack(app);
  return chart.toJson().filter((o: any) => o.metadata.namespace === 'robustmq' && o.metadata.labels?.['app.kubernetes.io/component'] !== 'probe');
}

function container(objs: any[]): any {
  return one(objs, 'StatefulSet').spec.template.spec.containers[0];
}

function envOf(c: any): Record<string, any> {
  return Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('default stack', () => {
  const objs = defaultStack();

  test('every object validates against its Kubernetes schema', () => {
    expect(() => validateAll(objs)).not.toThrow();
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'Service', 'Service', 'StatefulSet']);
  });

  test('every object is in the robustmq namespace', () => {
    for (const o of objs) expect(o.metadata.namespace).toBe('robustmq');
  });

  test('broker-server container with downward-API identity and value env', () => {
    const c = container(objs);
    expect(c.name).toBe('broker-server');
    expect(c.image).toBe('ghcr.io/robustmq/robustmq:v0.4.11');
    const env = envOf(c);
    expect(env.POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(env.POD_NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env.NODE_NAME).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
    expect(env.POD_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(env.SERVICE_NAME).toBe('robustmq');
    expect(env.CLUSTER_NAME).toBe('robustmq-cluster');
    expect(env.APP_VERSION).toBe('0.4.11');
    expect(env.OTEL_SERVICE_NAME).toBe('robustmq');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.pod.name=$(POD_NAME)');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('service.version=0.4.11');
    expect(env.HOSTNAME).toBeUndefined();
  });

  test('$(VAR) references in env only point at variables defined earlier', () => {
    const c = container(objs);
    const seen = new Set<string>();
    for (const e of c.env) {
      for (const m of String(e.value ?? '').matchAll(/\$\(([A-Z_]+)\)/g)) {
        expect(seen.has(m[1])).toBe(true);
      }
      seen.add(e.name);
    }
  });

  test('recommended labels on the pod template; selector uses only stable ones', () => {
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'robustmq',
      'app.kubernetes.io/instance': 'robustmq-cluster',
      'app.kubernetes.io/version': '0.4.11',
      'app.kubernetes.io/component': 'broker',
      'app.kubernetes.io/part-of': 'robustmq',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(sts.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'robustmq', 'app.kubernetes.io/instance': 'robustmq-cluster' } });
  });

  test('client Service exposes the default client protocols only: no admin port, no gRPC', () => {
    const svc = one(objs, 'Service', 'robustmq-cluster');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.protocol])).toEqual([['mqtt', 1883, 'TCP'], ['mqtt-ws', 8083, 'TCP']]);
    const podLabels = one(objs, 'StatefulSet').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
  });

  test('the metrics Service is headless, serves 58080 only, lists not-ready pods and is the only one labelled component=metrics', () => {
    const svc = one(objs, 'Service', 'robustmq-cluster-metrics');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports).toEqual([{ name: 'http-admin', port: 58080, targetPort: 58080, protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(one(objs, 'StatefulSet').spec.selector.matchLabels);
    const labelled = objs.filter((o) => o.kind === 'Service' && o.metadata.labels['app.kubernetes.io/component'] === 'metrics');
    expect(labelled.map((o) => o.metadata.name)).toEqual(['robustmq-cluster-metrics']);
  });

  test('every port RobustMQ v0.4.11 listens on with all three roles is declared by name on the container', () => {
    const ports = container(objs).ports.map((p: any) => `${p.name}:${p.containerPort}/${p.protocol}`);
    expect(ports.sort()).toEqual([
      'amqp:5672/TCP', 'engine:1778/TCP', 'grpc:1228/TCP', 'http-admin:58080/TCP', 'kafka:9092/TCP',
      'mqtt-quic:9083/UDP', 'mqtt-tls:1885/TCP', 'mqtt-ws:8083/TCP', 'mqtt-wss:8085/TCP', 'mqtt:1883/TCP',
      'nats-tls:4223/TCP', 'nats-ws:4080/TCP', 'nats-wss:4443/TCP', 'nats:4222/TCP',
    ]);
    // Every Service port names a declared container port.
    const declared = container(objs).ports.map((p: any) => p.name);
    for (const svc of objs.filter((o) => o.kind === 'Service')) {
      for (const p of svc.spec.ports) expect(declared).toContain(p.name);
    }
  });

  test('headless Service publishes not-ready pods so peers resolve before the Raft group forms', () => {
    const sts = one(objs, 'StatefulSet');
    const headless = one(objs, 'Service', 'robustmq-cluster-headless');
    expect(sts.spec.serviceName).toBe('robustmq-cluster-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(headless.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['grpc', 1228], ['engine', 1778]]);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
  });

  test('logger.toml sets JSON lines without ANSI codes', () => {
    const cm = one(objs, 'ConfigMap');
    expect(cm.data['logger.toml']).toMatch(/^formatter = "json"$/m);
    expect(cm.data['logger.toml']).toMatch(/^ansi = false$/m);
  });

  test('rendered config per pod: distinct broker_id, meta_addrs naming every pod through the headless Service', () => {
    const app = Testing.app();
    const cluster = buildStack(app).observability.cluster!;
    const ids = new Set<number>();
    for (let ordinal = 0; ordinal < cluster.replicas; ordinal++) {
      const cfg: any = parseToml(renderServerToml(cluster._serverConfig, ordinal, '10.0.0.1'));
      ids.add(cfg.broker_id);
      expect(Object.values(cfg.meta_addrs)).toEqual([0, 1, 2].map((i) =>
        `robustmq-cluster-${i}.robustmq-cluster-headless.robustmq.svc.cluster.local:1228`));
    }
    expect([...ids]).toEqual(cluster.brokerIds());
    expect(ids.size).toBe(3);
  });

  test('Parallel pod management, anti-affinity, and a PodDisruptionBudget keeping a majority', () => {
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    const preferred = sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(preferred).toEqual([{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: sts.spec.selector.matchLabels } } }]);
    const pdb = one(objs, 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.selector).toEqual(sts.spec.selector);
  });

  test('data volume claim template mounted at /robustmq/data, 10Gi', () => {
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(container(objs).volumeMounts).toContainEqual({ name: 'data', mountPath: '/robustmq/data' });
  });

  test('non-root, read-only root filesystem, writable mounts only where RobustMQ writes', () => {
    const sts = one(objs, 'StatefulSet');
    const c = container(objs);
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    const writable = c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath).sort();
    expect(writable).toEqual(['/robustmq/data', '/tmp', '/var/run/robustmq']);
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('readiness runs the pod script\'s check; liveness and start-up stay TCP checks of gRPC; requests and limits set', () => {
    const c = container(objs);
    expect(c.readinessProbe.exec.command).toEqual(['/bin/sh', '/etc/robustmq/robustmq.sh', 'ready']);
    expect(c.readinessProbe.timeoutSeconds).toBe(5);
    expect(c.livenessProbe.tcpSocket.port).toBe(1228);
    expect(c.startupProbe.tcpSocket.port).toBe(1228);
    // The start-up budget covers the longest wait for ordinal 0 (300 s) with time to spare.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300 + 60);
    expect(c.resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(c.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
    // The canonical form the API server stores (test/real/apiserver.test.ts reads it back).
  });

  test('the pods run the pod script from the ConfigMap, and a config change rolls them', () => {
    const c = container(objs);
    expect(c.command).toEqual(['/bin/sh', '/etc/robustmq/robustmq.sh', 'start']);
    expect(c.workingDir).toBe('/robustmq');
    expect(one(objs, 'ConfigMap').data['robustmq.sh']).toContain('exec "$binary" --conf="$rendered"');
    const changed = Testing.app();
    const other = buildStack(changed, { replicas: 5 }).chart.toJson().find((o: any) => o.kind === 'StatefulSet');
    const key = 'robustmq.io/config-sha256';
    expect(one(objs, 'StatefulSet').spec.template.metadata.annotations[key]).toMatch(/^[0-9a-f]{64}$/);
    expect(other.spec.template.metadata.annotations[key]).not.toBe(one(objs, 'StatefulSet').spec.template.metadata.annotations[key]);
  });

  test('credentials come from the Secret <cluster>-credentials by secretKeyRef, never from a value', () => {
    const env = envOf(container(objs));
    expect(env.ROBUSTMQ_ADMIN_USERNAME).toEqual({ secretKeyRef: { name: 'robustmq-cluster-credentials', key: 'admin-username' } });
    expect(env.ROBUSTMQ_ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'robustmq-cluster-credentials', key: 'admin-password' } });
    expect(env.ROBUSTMQ_ADMIN_JWT_SECRET).toEqual({ secretKeyRef: { name: 'robustmq-cluster-credentials', key: 'jwt-secret' } });
    expect(env.ROBUSTMQ_MQTT_USERNAME).toEqual({ secretKeyRef: { name: 'robustmq-cluster-credentials', key: 'mqtt-username' } });
    expect(env.ROBUSTMQ_MQTT_PASSWORD).toEqual({ secretKeyRef: { name: 'robustmq-cluster-credentials', key: 'mqtt-password' } });
    // Not optional: without the Secret the pods do not start.
    for (const e of container(objs).env.filter((x: any) => x.valueFrom?.secretKeyRef)) expect(e.valueFrom.secretKeyRef.optional).toBeUndefined();
  });

  test('no RobustMQ default credential appears anywhere in the synthesized stack', () => {
    const yaml = Testing.app();
    buildStack(yaml);
    const text = yaml.synthYaml();
    expect(text).not.toContain('robustmq-change-me-in-production');
    expect(text).not.toMatch(/password\s*=\s*"(admin|robustmq)"/);
    const config = Object.values(one(objs, 'ConfigMap').data).join('\n');
    expect(config).not.toMatch(/^\s*(username|password|jwt_secret|default_user|default_password)\s*=/m);
    expect(config).not.toMatch(/^\[(admin|mqtt_runtime\.auth)\]/m);
  });

  test('every path RobustMQ writes, in every pod\'s config as the real script renders it, is inside a writable mount', () => {
    const c = container(objs);
    const cm = one(objs, 'ConfigMap');
    const writable = c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath as string);
    const box = new PodSandbox();
    try {
      fs.writeFileSync(box.path('etc', 'server.toml'), cm.data['server.toml']);
      const script = box.localize(cm.data['robustmq.sh'], { '/etc/robustmq': 'etc', '/var/run/robustmq': 'run', '/robustmq/data': 'data' })
        .replace('binary=/robustmq/libs/broker-server', `binary='${fakeServer(box)}'`);
      fs.writeFileSync(box.path('data', MEMBER_MARKER), '');
      for (let ordinal = 0; ordinal < 3; ordinal++) {
        const r = box.run(script, 'start', { HOSTNAME: `robustmq-cluster-${ordinal}`, POD_IP: '10.0.0.1', ...TEST_CREDENTIALS });
        expect(r.status).toBe(0);
        const cfg: any = parseToml(r.stdout.split('\n').slice(2).join('\n'));
        const resolve = (p: string) => path.posix.resolve(c.workingDir, p);
        const written = [cfg.data_path, `${cfg.data_path}/_rocksdb`, `${cfg.data_path}/_snapshot`, cfg.log.log_path, ...cfg.storage_runtime.data_path]
          .map(resolve);
        expect(cfg.storage_runtime.data_path.length).toBeGreaterThan(0);
        for (const p of [...written, '/var/run/robustmq/server.toml', `/robustmq/data/${MEMBER_MARKER}`]) {
          expect([p, writable.some((m: string) => p === m || p.startsWith(`${m}/`))]).toEqual([p, true]);
        }
        // The log config the server reads is the mounted one.
        expect(cfg.log.log_config).toBe('/etc/robustmq/logger.toml');
      }
    } finally {
      box.dispose();
    }
  });

  test('the NetworkPolicy selects the real pods and admits each port only from whom it should', () => {
    const np = one(objs, 'NetworkPolicy');
    const podLabels = one(objs, 'StatefulSet').spec.template.metadata.labels;
    const matches = (sel: any, labels: Record<string, string>) => Object.entries(sel.matchLabels).every(([k, v]) => labels[k] === v);
    expect(matches(np.spec.podSelector, podLabels)).toBe(true);
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    const rule = (port: number) => np.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === port));
    // Clients from anywhere on the client ports.
    expect(rule(1883)).toEqual([{ ports: [{ port: 1883, protocol: 'TCP' }, { port: 8083, protocol: 'TCP' }] }]);
    // gRPC and the engine from the cluster's own pods only.
    for (const port of [1228, 1778]) {
      const [r] = rule(port);
      expect(r.from).toHaveLength(1);
      expect(r.from[0].namespaceSelector).toBeUndefined();
      expect(matches(r.from[0].podSelector, podLabels)).toBe(true);
    }
    // 58080 from the cluster's pods and the monitoring namespace, by its metadata.name label.
    const [admin] = rule(58080);
    expect(admin.ports).toEqual([{ port: 58080, protocol: 'TCP' }]);
    expect(admin.from).toHaveLength(2);
    expect(matches(admin.from[0].podSelector, podLabels)).toBe(true);
    const monitoringNs = { metadata: { name: 'monitoring', labels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
    expect(matches(admin.from[1].namespaceSelector, monitoringNs.metadata.labels)).toBe(true);
    expect(matches(admin.from[1].namespaceSelector, { 'kubernetes.io/metadata.name': 'robustmq' })).toBe(false);
    // Prometheus's ServiceMonitor lives in that namespace.
    const sm = buildStack(Testing.app()).observability.serviceMonitor;
    expect(sm.namespace).toBe('monitoring');
    // No other port of the pods is reachable.
    const admitted = np.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort();
    expect(admitted).toEqual([1228, 1778, 1883, 58080, 8083].sort());
  });
});

describe('RobustMqCluster options', () => {
  test('protocols choose the client Service ports; the NetworkPolicy follows', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'rmq', { protocols: [ClientProtocol.MQTT_TLS, ClientProtocol.QUIC, ClientProtocol.KAFKA, ClientProtocol.AMQP, ClientProtocol.NATS, ClientProtocol.WEBSOCKET_TLS] });
    const objs = objects(chart);
    validateAll(objs);
    expect(one(objs, 'Service', 'robustmq-cluster').spec.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      'mqtt-tls:1885/TCP', 'mqtt-quic:9083/UDP', 'kafka:9092/TCP', 'amqp:5672/TCP', 'nats:4222/TCP', 'mqtt-wss:8085/TCP',
    ]);
    const clientRule = one(objs, 'NetworkPolicy').spec.ingress[0];
    expect(clientRule.ports).toContainEqual({ port: 9083, protocol: 'UDP' });
    expect(clientRule.from).toBeUndefined();
  });

  test('credentials Secret name and keys, client and metrics namespaces, and turning the policy off', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'rmq', {
      credentials: { secretName: 'mq-admin', adminPasswordKey: 'pw', mqttPasswordKey: 'mqtt-pw' },
      networkPolicy: { clientNamespaces: ['apps', 'iot'], metricsNamespaces: ['prom'] },
    });
    const objs = objects(chart);
    const env = envOf(one(objs, 'StatefulSet').spec.template.spec.containers[0]);
    expect(env.ROBUSTMQ_ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'mq-admin', key: 'pw' } });
    expect(env.ROBUSTMQ_MQTT_PASSWORD).toEqual({ secretKeyRef: { name: 'mq-admin', key: 'mqtt-pw' } });
    expect(env.ROBUSTMQ_ADMIN_USERNAME).toEqual({ secretKeyRef: { name: 'mq-admin', key: 'admin-username' } });
    expect(one(objs, 'ConfigMap').data['robustmq.sh']).toContain('secret=mq-admin');
    const np = one(objs, 'NetworkPolicy');
    expect(np.spec.ingress[0].from.map((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'])).toEqual([undefined, 'apps', 'iot']);
    expect(np.spec.ingress[2].from[1].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'prom' });
    const off = testChart();
    const cluster = new RobustMqCluster(off, 'rmq', { networkPolicy: { enabled: false } });
    expect(cluster.networkPolicy).toBeUndefined();
    expect(objects(off).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('without the engine role: no engine port, no storage folder; the stack lets its monitoring namespace reach 58080', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'rmq', { roles: [RobustMqRole.META, RobustMqRole.BROKER] });
    const objs = objects(chart);
    expect(container(objs).ports.map((p: any) => p.name)).not.toContain('engine');
    expect(one(objs, 'ConfigMap').data['server.toml']).not.toContain('[storage_runtime]');
    const stack = Testing.app();
    const { chart: c } = buildStack(stack, { monitoringNamespace: 'observability' });
    const np = c.toJson().find((o: any) => o.kind === 'NetworkPolicy');
    expect(np.spec.ingress[2].from[1].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'observability' });
  });

  test('exposes its parts and what monitoring needs', () => {
    const chart = testChart();
    const cluster = new RobustMqCluster(chart, 'rmq', { clusterName: 'prod', replicas: 5 });
    expect(cluster.statefulSet).toBeInstanceOf(kplus.StatefulSet);
    expect(cluster.service.name).toBe('prod');
    expect(cluster.headlessService.name).toBe('prod-headless');
    expect(cluster.configMap.name).toBe('prod-config');
    expect(cluster.podDisruptionBudget.name).toBe('prod');
    expect(cluster.metricsPortName).toBe('http-admin');
    expect(cluster.metricsPort).toBe(58080);
    expect(cluster.metricsPath).toBe('/metrics');
    expect(cluster.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'robustmq', 'app.kubernetes.io/instance': 'prod' });
    expect(cluster.quorum).toBe(3);
    expect(cluster.namespace).toBe('test-ns');
    expect(one(objects(chart), 'PodDisruptionBudget').spec.minAvailable).toBe(3);
  });

  test('replicas, storage, roles, log level, spread policy and image are configurable', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'rmq', {
      replicas: 1,
      storageSize: Size.gibibytes(50),
      storageClassName: 'fast-ssd',
      roles: [RobustMqRole.META, RobustMqRole.BROKER],
      logLevel: RobustMqLogLevel.DEBUG,
      spreadPolicy: PodSpreadPolicy.REQUIRED,
      image: 'registry.example.com/mirror/robustmq:v0.4.11',
      env: { EXTRA: 'yes' },
    });
    const objs = objects(chart);
    validateAll(objs);
    const sts = one(objs, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } });
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(sts.spec.template.spec.containers[0].image).toBe('registry.example.com/mirror/robustmq:v0.4.11');
    expect(envOf(sts.spec.template.spec.containers[0]).EXTRA).toBe('yes');
    const cm = one(objs, 'ConfigMap');
    expect(cm.data['server.toml']).toContain('roles = ["meta", "broker"]');
    expect(cm.data['logger.toml']).toContain('level = "debug"');
    expect(one(objs, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
  });

  test('spread policy none leaves scheduling to Kubernetes', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'rmq', { spreadPolicy: PodSpreadPolicy.NONE });
    expect(one(objects(chart), 'StatefulSet').spec.template.spec.affinity).toBeUndefined();
  });

  test('an even replica count warns that it adds no fault tolerance', () => {
    const chart = testChart();
    const cluster = new RobustMqCluster(chart, 'rmq', { replicas: 4 });
    const warnings = cluster.node.metadata.filter((m) => m.type === 'robustmq-observability:warning').map((m) => m.data);
    expect(warnings).toEqual([expect.stringMatching(/replicas is 4: an even number of Raft members tolerates no more failures than 3/)]);
    const odd = new RobustMqCluster(testChart(), 'rmq', { replicas: 3 });
    expect(odd.node.metadata.filter((m) => m.type === 'robustmq-observability:warning')).toHaveLength(0);
  });

  test('the namespace comes from the Chart when not given', () => {
    const chart = testChart('brokers');
    const cluster = new RobustMqCluster(chart, 'rmq');
    expect(cluster.podDnsNames[0]).toBe('robustmq-cluster-0.robustmq-cluster-headless.brokers.svc.cluster.local');
  });

  test('two clusters in one chart do not clash', () => {
    const chart = testChart();
    new RobustMqCluster(chart, 'a', { clusterName: 'alpha' });
    new RobustMqCluster(chart, 'b', { clusterName: 'beta' });
    const objs = objects(chart);
    const names = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('RobustMqCluster refuses bad input', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['replicas 0', () => new RobustMqCluster(testChart(), 'c', { replicas: 0 }),
      /^RobustMqCluster 'test\/c': replicas '0' must be a whole number from 1 to 99$/],
    ['negative replicas', () => new RobustMqCluster(testChart(), 'c', { replicas: -3 }), /replicas '-3' must be a whole number/],
    ['fractional replicas', () => new RobustMqCluster(testChart(), 'c', { replicas: 1.5 }), /replicas '1.5' must be a whole number/],
    ['bad cluster name', () => new RobustMqCluster(testChart(), 'c', { clusterName: 'Bad_Name' }),
      /clusterName 'Bad_Name' must be a DNS-1035 label \(it names Services\): at most 52 characters/],
    ['cluster name too long for pod names', () => new RobustMqCluster(testChart(), 'c', { clusterName: 'a'.repeat(53) }),
      /clusterName 'a{53}' must be a DNS-1035 label \(it names Services\): at most 52/],
    ['bad namespace', () => new RobustMqCluster(testChart(), 'c', { namespace: 'Bad_NS' }), /namespace 'Bad_NS' must be a DNS-1123 label/],
    ['no namespace anywhere', () => new RobustMqCluster(testChart(null), 'c'),
      /namespace 'undefined' must be set, on the construct or its Chart: the peers' DNS names in meta_addrs include it/],
    ['version with a v', () => new RobustMqCluster(testChart(), 'c', { version: 'v0.4.11' }),
      /version 'v0.4.11' must be a release version MAJOR.MINOR.PATCH/],
    ['version not semver', () => new RobustMqCluster(testChart(), 'c', { version: 'latest' }), /version 'latest' must be a release version/],
    ['bad image', () => new RobustMqCluster(testChart(), 'c', { image: 'GHCR.io/Robust MQ' }), /image 'GHCR.io\/Robust MQ' must be a container image reference/],
    ['unknown role', () => new RobustMqCluster(testChart(), 'c', { roles: ['journal' as RobustMqRole] }),
      /roles 'journal' must be one of 'meta', 'broker', 'engine'/],
    ['roles without meta', () => new RobustMqCluster(testChart(), 'c', { roles: [RobustMqRole.BROKER] }), /roles '\["broker"\]' must include 'meta'/],
    ['repeated role', () => new RobustMqCluster(testChart(), 'c', { roles: [RobustMqRole.META, RobustMqRole.META] }), /must not repeat a role/],
    ['zero storage', () => new RobustMqCluster(testChart(), 'c', { storageSize: Size.kibibytes(1) }), /storageSize '1Mi' must be at least 1Mi|storageSize .* must be at least 1Mi/],
    ['bad storage class', () => new RobustMqCluster(testChart(), 'c', { storageClassName: 'Fast SSD' }), /storageClassName 'Fast SSD' must be a DNS-1123 subdomain/],
    ['root user', () => new RobustMqCluster(testChart(), 'c', { runAsUser: 0 }), /runAsUser '0' must be a whole number from 1/],
    ['HOSTNAME override', () => new RobustMqCluster(testChart(), 'c', { env: { HOSTNAME: 'x' } }), /env.HOSTNAME 'x' must not be set: Kubernetes sets HOSTNAME to the pod name/],
    ['conflicting env var', () => new RobustMqCluster(testChart(), 'c', { env: { POD_NAME: 'fixed' } }),
      /WorkloadIdentity 'test\/c\/StatefulSet': container 'broker-server' env POD_NAME 'fixed' conflicts with the identity's value 'fieldRef metadata.name'/],
    ['bad env name', () => new RobustMqCluster(testChart(), 'c', { env: { '1BAD': 'x' } }), /env.1BAD '1BAD' must be an environment variable name/],
    ['bad label value', () => new RobustMqCluster(testChart(), 'c', { labels: { team: 'a b' } }), /labels.team 'a b' must be a label value/],
    ['bad log level', () => new RobustMqCluster(testChart(), 'c', { logLevel: 'verbose' as RobustMqLogLevel }), /logLevel 'verbose' must be one of 'trace'/],
    ['unknown protocol', () => new RobustMqCluster(testChart(), 'c', { protocols: ['mqtts' as ClientProtocol] }),
      /protocols 'mqtts' must be one of 'mqtt', 'mqtt-tls', 'websocket', 'websocket-tls', 'quic', 'kafka', 'amqp', 'nats'/],
    ['no protocol', () => new RobustMqCluster(testChart(), 'c', { protocols: [] }), /protocols '\[\]' must name at least one of/],
    ['repeated protocol', () => new RobustMqCluster(testChart(), 'c', { protocols: [ClientProtocol.MQTT, ClientProtocol.MQTT] }), /protocols .* must not repeat a protocol/],
    ['protocols without the broker role', () => new RobustMqCluster(testChart(), 'c', { roles: [RobustMqRole.META, RobustMqRole.ENGINE] }),
      /protocols '\["mqtt","websocket"\]' must be served by the 'broker' role/],
    ['Secret name not a DNS subdomain', () => new RobustMqCluster(testChart(), 'c', { credentials: { secretName: 'Admin_Creds' } }),
      /credentials.secretName 'Admin_Creds' must be a DNS-1123 subdomain/],
    ['empty key name', () => new RobustMqCluster(testChart(), 'c', { credentials: { jwtSecretKey: '' } }), /credentials.jwtSecretKey '' must/],
    ['bad client namespace', () => new RobustMqCluster(testChart(), 'c', { networkPolicy: { clientNamespaces: ['Apps'] } }),
      /networkPolicy.clientNamespaces 'Apps' must be a DNS-1123 label/],
    ['bad metrics namespace', () => new RobustMqCluster(testChart(), 'c', { networkPolicy: { metricsNamespaces: ['mon.itoring'] } }),
      /networkPolicy.metricsNamespaces 'mon.itoring' must be a DNS-1123 label/],
    ['peer wait too short', () => new RobustMqCluster(testChart(), 'c', { peerWait: Duration.seconds(1) }), /peerWait '1s' must be a whole number of seconds from 10s to 1h/],
    ['bad spread policy', () => new RobustMqCluster(testChart(), 'c', { spreadPolicy: 'sometimes' as PodSpreadPolicy }), /spreadPolicy 'sometimes' must be one of 'preferred', 'required', 'none'/],
  ];
  test.each(cases)('%s', (_name, make, message) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^(RobustMqCluster|WorkloadIdentity) '[^']+': /);
  });
});

// The example app and the CLI share buildStack; this keeps the App import used for type checks.
export type { App, Chart };

import { App, Chart, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RobustMqAlerts } from '../../src/alerts/alerts';
import { ContainerLogFormat, FluentBit, FluentBitConfigFormat, FluentBitProps } from '../../src/logging/fluent-bit';
import { ComponentServiceMonitor, RobustMqServiceMonitor } from '../../src/metrics/service-monitor';
import { ServiceScrapeTarget } from '../../src/metrics/target';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { ValidationError } from '../../src/validation/errors';
import { warningsOf } from '../../src/validation/warnings';
import { refuse } from '../support/refuse';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function setup(props: FluentBitProps = {}, withCluster = true) {
  const app = Testing.app();
  const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(mq, 'cluster', { clusterName: 'prod-mq' });
  const logs = new Chart(app, 'logs', { namespace: 'logging' });
  const fb = new FluentBit(logs, 'fluent-bit', withCluster ? { cluster, ...props } : props);
  return { app, mq, cluster, logs, fb };
}


describe('FluentBit objects', () => {
  const { logs, fb } = setup({ elasticsearchSecret: 'es-creds' });
  const objs = Testing.synth(logs);
  const ds = one(objs, 'DaemonSet');
  const pod = ds.spec.template.spec;
  const container = pod.containers[0];

  test('DaemonSet, ServiceAccount, ClusterRole, ClusterRoleBinding, ConfigMap, Service, ServiceMonitor, and the index template Job with its ConfigMap', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'ConfigMap', 'DaemonSet', 'Job',
      'NetworkPolicy', 'NetworkPolicy', 'Service', 'ServiceAccount', 'ServiceMonitor']);
  });

  test('NetworkPolicies: the agent takes ingress on its metrics port only, the installer none; both can be turned off', () => {
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    const job = objs.find((o) => o.kind === 'Job');
    const agent = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'fluent-bit');
    const installer = policies.find((p) => p !== agent);
    for (const [k, v] of Object.entries(agent.spec.podSelector.matchLabels)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
    for (const [k, v] of Object.entries(installer.spec.podSelector.matchLabels)) expect(job.spec.template.metadata.labels[k]).toBe(v);
    expect(agent.spec).toEqual({ podSelector: agent.spec.podSelector, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 2020, protocol: 'TCP' }] }] });
    expect(installer.spec).toEqual({ podSelector: installer.spec.podSelector, policyTypes: ['Ingress'] });
    expect(Testing.synth(setup({ networkPolicy: { enabled: false } }).logs).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('every object validates against its schema', () => {
    expect(() => validateAll(objs)).not.toThrow();
  });

  test('the children are reachable', () => {
    expect(fb.daemonSet).toBeInstanceOf(kplus.DaemonSet);
    expect(fb.serviceAccount).toBeInstanceOf(kplus.ServiceAccount);
    expect(fb.configMap).toBeInstanceOf(kplus.ConfigMap);
    expect(fb.service).toBeInstanceOf(kplus.Service);
    expect(fb.serviceMonitor).toBeInstanceOf(ComponentServiceMonitor);
    expect(fb.serviceMonitor).not.toBeInstanceOf(RobustMqServiceMonitor);
    expect(fb.clusterRole.kind).toBe('ClusterRole');
    expect(fb.clusterRoleBinding.kind).toBe('ClusterRoleBinding');
    expect(fb.container.name).toBe('fluent-bit');
    expect(fb.configText).toContain('pipeline:');
    expect(fb.namespace).toBe('logging');
    expect(fb.clusterName).toBe('prod-mq');
    expect(fb.indexPattern).toBe('robustmq-logs');
  });

  test('the ClusterRole allows only get, list and watch on pods and namespaces', () => {
    const role = one(objs, 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.aggregationRule).toBeUndefined();
  });

  test('the binding gives it to the ServiceAccount the pods run as', () => {
    const binding = one(objs, 'ClusterRoleBinding');
    const sa = one(objs, 'ServiceAccount');
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: one(objs, 'ClusterRole').metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'logging' }]);
    expect(pod.serviceAccountName).toBe(sa.metadata.name);
  });

  test('the service account token is mounted (the kubernetes filter needs it)', () => {
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('reads /var/log read-only and writes only its host state directory', () => {
    const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
    expect(volumes.varlog.hostPath).toEqual({ path: '/var/log', type: 'Directory' });
    expect(mounts.varlog).toEqual({ name: 'varlog', mountPath: '/var/log', readOnly: true });
    expect(volumes.state.hostPath).toEqual({ path: '/var/lib/fluent-bit/logging.fluent-bit', type: 'DirectoryOrCreate' });
    expect(mounts.state).toEqual({ name: 'state', mountPath: '/var/lib/fluent-bit' });
    expect(mounts.config.readOnly).toBe(true);
    const writable = container.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath);
    expect(writable).toEqual(['/var/lib/fluent-bit']);
  });

  test('root only to read host logs: read-only root filesystem, no capabilities, no escalation', () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false });
    expect(container.securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.hostNetwork).toBe(false);
  });

  test('tolerates every taint, so every node is covered', () => {
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('pinned image, started with the rendered configuration', () => {
    expect(container.image).toBe('cr.fluentbit.io/fluent/fluent-bit:5.0.9');
    expect(container.image).toMatch(/:(3\.[2-9]|[4-9])\.[0-9]+\.[0-9]+$/);
    expect(container.args).toEqual(['--config=/fluent-bit/etc/robustmq/fluent-bit.yaml']);
    expect(one(objs, 'ConfigMap', 'fluent-bit-config').data['fluent-bit.yaml']).toBe(fb.configText);
    expect(ds.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('liveness / and readiness /api/v2/health over HTTP on 2020; resources set', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 2020, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/api/v2/health', port: 2020, scheme: 'HTTP' });
    expect(container.ports).toEqual([{ name: 'http-metrics', containerPort: 2020, protocol: 'TCP' }]);
    expect(container.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
  });

  test('credentials come from the Secret through environment variables', () => {
    expect(container.env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'es-creds', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-creds', key: 'password' } } },
    ]);
  });

  test('no literal password anywhere in the synthesized output', () => {
    const text = Yaml.stringify(...objs);
    expect(text).not.toMatch(/passw(?:or)?d\s*[=:]\s*(?!\$\{ES_PASSWORD\})\S/i);
    expect(text).not.toMatch(/HTTP_Passwd\s+(?!\$\{ES_PASSWORD\})\S/i);
    expect(text).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]*@/);
    for (const e of container.env) expect(e.value).toBeUndefined();
    expect(objs.find((o) => o.kind === 'Secret')).toBeUndefined();
  });

  test('a named port 2020 on the Service selects the pods', () => {
    const svc = one(objs, 'Service');
    expect(svc.spec.ports).toEqual([{ name: 'http-metrics', port: 2020, targetPort: 2020, protocol: 'TCP' }]);
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
    expect(ds.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(Object.keys(ds.spec.template.metadata.labels).some((k) => k.startsWith('cdk8s.io'))).toBe(false);
  });

  test('the ServiceMonitor scrapes /api/v2/metrics/prometheus on the named port and keeps every family', () => {
    const sm = one(objs, 'ServiceMonitor');
    const svc = one(objs, 'Service');
    expect(sm.spec.endpoints).toHaveLength(1);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http-metrics', path: '/api/v2/metrics/prometheus' });
    expect(sm.spec.endpoints[0].metricRelabelings).toBeUndefined();
    // The agent's own series carry its own name as cluster label, so RobustMQ selectors never count it.
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({ action: 'replace', replacement: 'fluent-bit', targetLabel: 'cluster' });
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    expect(sm.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(sm.metadata.name).toBe('fluent-bit');
  });
});

describe('FluentBit options', () => {
  test('monitoring options: namespace, discovery labels, interval', () => {
    const { app, fb } = setup({ monitoring: { namespace: 'monitoring', discoveryLabels: { release: 'prom' }, interval: '15s' } });
    const sm = Testing.synth(Chart.of(fb)).find((o) => o.kind === 'ServiceMonitor');
    expect(sm.metadata).toMatchObject({ namespace: 'monitoring', labels: { release: 'prom' } });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['logging'] });
    expect(sm.spec.endpoints[0].interval).toBe('15s');
    expect(app).toBeDefined();
  });

  test('monitoring.enabled false: no ServiceMonitor, and alerts that would read it refuse this agent', () => {
    const { app, cluster, logs, fb } = setup({ monitoring: { enabled: false } });
    expect(fb.serviceMonitor).toBeUndefined();
    expect(Testing.synth(logs).map((o) => o.kind)).not.toContain('ServiceMonitor');
    const alertsChart = new Chart(app, 'alerts-off', { namespace: 'monitoring' });
    const monitor = new RobustMqServiceMonitor(alertsChart, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster) });
    refuse(() => new RobustMqAlerts(alertsChart, 'alerts', { monitor, target: cluster, fluentBit: fb }),
      /^RobustMqAlerts 'alerts-off\/alerts': fluentBit '[^']+' must scrape its own metrics \(monitoring.enabled true\)/);
  });

  test('classic format: two files, started with the .conf', () => {
    const { logs, fb } = setup({ configFormat: FluentBitConfigFormat.CLASSIC });
    const objs = Testing.synth(logs);
    expect(Object.keys(one(objs, 'ConfigMap', 'fluent-bit-config').data).sort()).toEqual(['fluent-bit.conf', 'parsers.conf']);
    expect(one(objs, 'DaemonSet').spec.template.spec.containers[0].args).toEqual(['--config=/fluent-bit/etc/robustmq/fluent-bit.conf']);
    expect(fb.configFormat).toBe(FluentBitConfigFormat.CLASSIC);
  });

  test('docker runtime mounts /var/lib/docker/containers read-only', () => {
    const { logs } = setup({ containerLogFormat: ContainerLogFormat.DOCKER });
    const c = one(Testing.synth(logs), 'DaemonSet').spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'docker-containers', mountPath: '/var/lib/docker/containers', readOnly: true });
  });

  test('configurable tolerations', () => {
    const { logs } = setup({ tolerations: [kplus.NodeTaintQuery.exists('dedicated', { effect: kplus.TaintEffect.NO_SCHEDULE })] });
    expect(one(Testing.synth(logs), 'DaemonSet').spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('a CA Secret is mounted and used', () => {
    const { logs } = setup({ elasticsearchUrl: 'https://es:9200', elasticsearchCaSecret: { name: 'es-ca', key: 'ca.pem' } });
    const spec = one(Testing.synth(logs), 'DaemonSet').spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'elasticsearch-ca', secret: { secretName: 'es-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'elasticsearch-ca', mountPath: '/fluent-bit/tls', readOnly: true });
  });

  test('bring your own RobustMQ: namespace and pod name prefix', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'logs', { namespace: 'logging' });
    const fb = new FluentBit(chart, 'fb', { sourceNamespace: 'mq', podNamePrefix: 'my-robustmq-', containerName: 'robustmq' });
    // The pods are <prefix>-<ordinal>, as the alerts' pod regex has it.
    expect(fb.logPath).toBe('/var/log/containers/my-robustmq-[0-9]*_mq_robustmq-*.log');
    expect(fb.clusterName).toBe('my-robustmq');
    expect(fb.configText).toContain('add: robustmq_cluster my-robustmq');
    expect(() => validateAll(Testing.synth(chart))).not.toThrow();
  });

  test('credentials over plain HTTP are accepted with a warning', () => {
    const { fb } = setup({ elasticsearchSecret: 'es-creds' });
    expect(warningsOf(fb).join('\n')).toMatch(/plain HTTP/);
    expect(warningsOf(setup({ elasticsearchSecret: 'es-creds', elasticsearchUrl: 'https://es:9200' }).fb)).toEqual([]);
  });

  test('synthesis is deterministic', () => {
    const a = Yaml.stringify(...Testing.synth(setup().logs));
    const b = Yaml.stringify(...Testing.synth(setup().logs));
    expect(a).toBe(b);
  });

  test('a namespace-less chart with an explicit namespace', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
    const cluster = new RobustMqCluster(mq, 'cluster');
    new FluentBit(chart, 'fb', { cluster, namespace: 'logging' });
    const objs = chart.toJson();
    expect(one(objs, 'DaemonSet').metadata.namespace).toBe('logging');
    expect(one(objs, 'ClusterRole').metadata.namespace).toBeUndefined();
  });
});

describe('FluentBit refuses bad input, naming the field', () => {
  test.each<[string, FluentBitProps, RegExp]>([
    ['ftp URL', { elasticsearchUrl: 'ftp://x' }, /^FluentBit 'logs\/fluent-bit': elasticsearchUrl 'ftp:\/\/x' must be an http:\/\/ or https:\/\/ URL/],
    ['port out of range', { elasticsearchUrl: 'http://es:70000' }, /elasticsearchUrl 'http:\/\/es:70000' must be .*port from 1 to 65535/],
    ['port 0', { elasticsearchUrl: 'http://es:0' }, /elasticsearchUrl 'http:\/\/es:0'/],
    ['no host', { elasticsearchUrl: 'http://' }, /elasticsearchUrl/],
    ['query string', { elasticsearchUrl: 'http://es:9200/?x=1' }, /elasticsearchUrl/],
    ['config format xml', { configFormat: 'xml' as any }, /configFormat 'xml' must be one of 'yaml', 'classic'/],
    ['upper-case index', { elasticsearchIndex: 'RobustMQ' }, /elasticsearchIndex 'RobustMQ' must be an Elasticsearch index name/],
    ['index with a space', { elasticsearchIndex: 'robust mq' }, /elasticsearchIndex/],
    ['index with *', { elasticsearchIndex: 'logs*' }, /elasticsearchIndex/],
    ['index starting with _', { elasticsearchIndex: '_logs' }, /elasticsearchIndex/],
    ['index ..', { elasticsearchIndex: '..' }, /elasticsearchIndex/],
    ['index too long', { elasticsearchIndex: 'a'.repeat(256) }, /elasticsearchIndex/],
    ['daily prefix too long', { elasticsearchIndex: 'a'.repeat(250), elasticsearchDailyIndices: true }, /elasticsearchIndex .* '-YYYY.MM.DD'/],
    ['buffer size with a space', { memBufLimit: '50 MB' }, /memBufLimit '50 MB' must be a Fluent Bit size/],
    ['buffer size unit', { memBufLimit: '50XB' }, /memBufLimit/],
    ['zero buffer size', { storageBacklogMemLimit: '0MB' }, /storageBacklogMemLimit/],
    ['tiny line limit', { bufferMaxSize: '1K' }, /bufferMaxSize '1K' must be at least 64KB/],
    ['bad level', { logLevelMin: 'fatal' as any }, /logLevelMin 'fatal' must be a log level/],
    ['bad agent level', { agentLogLevel: 'verbose' }, /agentLogLevel 'verbose' must be one of/],
    ['bad retry limit', { retryLimit: 0 }, /retryLimit '0' must be a whole number/],
    ['tls false with https', { elasticsearchUrl: 'https://es:9200', elasticsearchTls: false }, /elasticsearchTls 'false' must not be false/],
    ['CA without TLS', { elasticsearchCaSecret: { name: 'ca', key: 'ca.crt' } }, /elasticsearchCaSecret 'ca' needs TLS/],
    ['bad secret name', { elasticsearchSecret: 'Es_Creds' }, /elasticsearchSecret 'Es_Creds' must be a DNS-1123 subdomain/],
    ['keys without secret', { elasticsearchSecretKeys: { username: 'u' } }, /elasticsearchSecretKeys .* needs elasticsearchSecret/],
    ['bad tag prefix', { tagPrefix: 'robust.mq' }, /tagPrefix 'robust.mq'/],
    ['state dir under /var/log', { hostStateDir: '/var/log/fb' }, /hostStateDir '\/var\/log\/fb'/],
    ['relative state dir', { hostStateDir: 'state' }, /hostStateDir 'state'/],
    ['monitoring options with the monitor off', { monitoring: { enabled: false, interval: '15s' } },
      /^FluentBit 'logs\/fluent-bit': monitoring.interval '15s' must not be set when monitoring.enabled is false: there is no ServiceMonitor$/],
    ['sourceNamespace with cluster', { sourceNamespace: 'x' }, /sourceNamespace 'x' must not be set together with cluster/],
    ['another cluster name', { clusterName: 'other' }, /clusterName 'other' must be the cluster's own name 'prod-mq'/],
  ])('%s', (_, props, message) => {
    refuse(() => setup(props), message);
  });

  test('no source', () => {
    refuse(() => setup({}, false), /sourceNamespace 'undefined' must be set when no target is given/);
  });

  test('no namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    refuse(() => new FluentBit(chart, 'fb', { sourceNamespace: 'mq', podNamePrefix: 'mq-' }), /namespace 'undefined' must be set/);
  });

  describe('a literal password', () => {
    test.each<[string, FluentBitProps, RegExp]>([
      ['in the URL', { elasticsearchUrl: 'https://elastic:hunter2@es:9200' }, /elasticsearchUrl 'https:\/\/elastic:<hidden>@es:9200' must not carry a password/],
      ['password= in a value', { elasticsearchIndex: 'password=hunter2' }, /elasticsearchIndex 'password=<hidden>' must not carry a password/],
      ['http_passwd in a value', { elasticsearchSecret: 'http_passwd hunter2' }, /elasticsearchSecret 'http_passwd <hidden>' must not carry a password/],
      ['as a prop', { elasticsearchPassword: 'hunter2' } as any, /elasticsearchPassword '\(hidden\)' must not be set: credentials come only from a Secret/],
      ['http_passwd as a prop', { http_passwd: 'hunter2' } as any, /http_passwd/],
      ['in monitoring labels', { monitoring: { discoveryLabels: { release: 'password=hunter2' } } }, /monitoring.discoveryLabels.release/],
    ])('%s', (_, props, message) => {
      const e = refuse(() => setup(props), message);
      expect(e.message).not.toContain('hunter2');
    });

    test('the Secret key named "password" is fine', () => {
      expect(() => setup({ elasticsearchSecret: 'es', elasticsearchSecretKeys: { password: 'password', username: 'user' } })).not.toThrow();
    });
  });
});

describe('the index template Job', () => {
  const { logs, fb } = setup({ elasticsearchSecret: 'es-creds', elasticsearchDailyIndices: true, logRetentionDays: 30 });
  const objs = Testing.synth(logs);
  const job = one(objs, 'Job');
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const files = one(objs, 'ConfigMap', 'fluent-bit-es-template');

  test('installs the rendered template and ILM policy, named by their content', () => {
    expect(JSON.parse(files.data['template.json'])).toEqual(JSON.parse(fb.indexTemplateJson));
    expect(JSON.parse(files.data['policy.json'])).toEqual(JSON.parse(fb.ilmPolicyJson!));
    expect(JSON.parse(fb.ilmPolicyJson!).policy.phases.delete.min_age).toBe('30d');
    expect(job.metadata.name).toMatch(/^fluent-bit-es-template-[0-9a-f]{8}$/);
    expect(fb.indexTemplateJob).toBeInstanceOf(kplus.Job);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      ES_URL: 'http://elasticsearch.monitoring.svc.cluster.local:9200', TEMPLATE_NAME: 'robustmq-logs', POLICY_NAME: 'robustmq-logs-retention', ES_TLS_OPTIONS: '',
    });
  });

  test('credentials from the same Secret as Fluent Bit, passed to curl on stdin, never on its command line', () => {
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.valueFrom]));
    expect(env.ES_USERNAME).toEqual({ secretKeyRef: { name: 'es-creds', key: 'username' } });
    expect(env.ES_PASSWORD).toEqual({ secretKeyRef: { name: 'es-creds', key: 'password' } });
    const ds = one(objs, 'DaemonSet').spec.template.spec.containers[0];
    expect(ds.env.find((e: any) => e.name === 'ES_PASSWORD').valueFrom).toEqual(env.ES_PASSWORD);
    expect(files.data['install.sh']).toContain('curl --config -');
    expect(files.data['install.sh']).not.toMatch(/-u |--user /);
  });

  test('idempotent PUTs, retried by curl and by the Job\'s backoffLimit', () => {
    const script: string = files.data['install.sh'];
    expect(script.match(/-X PUT/g)).toHaveLength(1);
    expect(script).toContain('put "_ilm/policy/$POLICY_NAME" policy.json');
    expect(script).toContain('put "_index_template/$TEMPLATE_NAME" template.json');
    expect(script).toContain('--retry 5');
    expect(job.spec.backoffLimit).toBe(6);
    expect(pod.restartPolicy).toBe('Never');
  });

  test('its pod is not selected by Fluent Bit\'s Service, and carries no construct-address label', () => {
    const selector = one(objs, 'Service').spec.selector;
    const podLabels = job.spec.template.metadata.labels;
    expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(false);
    expect(podLabels).toEqual({
      'app.kubernetes.io/name': 'elasticsearch-index-template',
      'app.kubernetes.io/instance': 'fluent-bit',
      'app.kubernetes.io/component': 'elasticsearch-setup',
      'app.kubernetes.io/part-of': 'robustmq',
    });
  });

  test('non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp, no token', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('every object validates against its schema', () => {
    expect(() => validateAll(objs)).not.toThrow();
  });

  test('a changed template is a new Job; the same template the same Job', () => {
    const again = one(Testing.synth(setup({ elasticsearchSecret: 'es-creds', elasticsearchDailyIndices: true, logRetentionDays: 30 }).logs), 'Job');
    const other = one(Testing.synth(setup({ elasticsearchSecret: 'es-creds', elasticsearchDailyIndices: true, logRetentionDays: 31 }).logs), 'Job');
    expect(again.metadata.name).toBe(job.metadata.name);
    expect(other.metadata.name).not.toBe(job.metadata.name);
  });

  test('TLS: the same CA Secret, or --insecure when verification is off', () => {
    const withCa = setup({ elasticsearchUrl: 'https://es:9200', elasticsearchCaSecret: { name: 'es-ca', key: 'ca.crt' } });
    const c = one(Testing.synth(withCa.logs), 'Job').spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'ES_TLS_OPTIONS').value).toBe('--cacert /es-template-tls/ca.crt');
    const noVerify = setup({ elasticsearchUrl: 'https://es:9200', elasticsearchTlsVerify: false });
    const n = one(Testing.synth(noVerify.logs), 'Job').spec.template.spec.containers[0];
    expect(n.env.find((e: any) => e.name === 'ES_TLS_OPTIONS').value).toBe('--insecure');
  });

  test('a single index: the template, no policy; indexTemplateJob false: no Job', () => {
    const single = setup();
    expect(single.fb.ilmPolicyJson).toBeUndefined();
    expect(one(Testing.synth(single.logs), 'ConfigMap', 'fluent-bit-es-template').data['policy.json']).toBeUndefined();
    const none = setup({ indexTemplateJob: false });
    expect(Testing.synth(none.logs).map((o) => o.kind)).not.toContain('Job');
    expect(none.fb.indexTemplateJob).toBeUndefined();
    expect(JSON.parse(none.fb.indexTemplateJson).priority).toBe(501);
  });

  test.each([
    [{ elasticsearchDailyIndices: true, logRetentionDays: 0 }, 'logRetentionDays', /at least 1/],
    [{ elasticsearchDailyIndices: true, logRetentionDays: -3 }, 'logRetentionDays', /at least 1/],
    [{ logRetentionDays: 7 }, 'logRetentionDays', /needs elasticsearchDailyIndices/],
    [{ indexTemplatePriority: 200 }, 'indexTemplatePriority', /from 201/],
    [{ indexTemplatePriority: 1.5 }, 'indexTemplatePriority', /from 201/],
    [{ indexTemplateImage: 'Curl:latest' }, 'indexTemplateImage', /container image reference/],
  ] as Array<[FluentBitProps, string, RegExp]>)('refuses %p', (props, field, problem) => {
    let err: unknown;
    try {
      setup(props);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    expect((err as ValidationError).message).toMatch(problem);
    expect((err as ValidationError).message).toContain("FluentBit 'logs/fluent-bit'");
  });
});

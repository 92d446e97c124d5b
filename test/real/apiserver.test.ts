import * as fs from 'fs';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as checks from '../../src/validation/checks';
import { tmpDir } from '../support/promtool';
import { appObjects } from '../support/synth';
import { KubeControlPlane, KubectlResult } from './support/kube';
import { VARIANTS } from './support/variants';

/**
 * Every synthesized variant applied to a real kube-apiserver (with etcd) on loopback: server-side
 * dry run, then for real, into namespaces with the Pod Security labels the README asks for. No
 * error; no warning except the documented ones (the log agent's host access); a second apply
 * changes nothing; what is stored reads back equal to what was sent, defaults aside; and a Pod
 * made from each workload's template is admitted by Pod Security as a controller's would be.
 */

jest.setTimeout(240_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

// The pinned Prometheus-Operator CRDs the constructs are generated from (cdk8s import).
const CRD_DIR = path.resolve(__dirname, '..', '..', 'imports', 'crds');
const FIELD_MANAGER = 'robustmq-observability';

/** The Pod Security labels of every namespace; the log agent's namespace enforces `privileged` (docs/logging.md). */
const POD_SECURITY = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' };
const LOG_AGENT_POD_SECURITY = { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' };

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'];

function warnings(r: KubectlResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('Warning:'));
}

/**
 * The one documented warning (README, docs/logging.md): Pod Security `restricted` on the log agent,
 * which reads the host's log files as root. Word for word, so any other finding on it is new.
 */
const LOG_AGENT_WARNING = 'Warning: would violate PodSecurity "restricted:latest": restricted volume types (volumes "varlog", "state" use restricted volume type "hostPath"), '
  + 'runAsNonRoot != true (pod and container "fluent-bit" must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod and container "fluent-bit" must not set runAsUser=0)';

function documented(warning: string): boolean {
  return warning === LOG_AGENT_WARNING;
}

/**
 * A value the API server drops because it is its type's zero value and the field is `omitempty`
 * (cdk8s-plus writes `hostNetwork: false`, `minReadySeconds: 0`, `externalIPs: []`): a default,
 * not a change.
 */
function zeroValue(v: unknown): boolean {
  return v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Paths where `stored` differs from `sent`; fields the server added (defaults, status, metadata) are not compared. */
function differences(sent: any, stored: any, at = ''): string[] {
  if (stored === undefined && zeroValue(sent)) return [];
  if (Array.isArray(sent)) {
    if (!Array.isArray(stored) || stored.length !== sent.length) return [`${at}: sent ${JSON.stringify(sent)}, stored ${JSON.stringify(stored)}`];
    return sent.flatMap((v, i) => differences(v, stored[i], `${at}[${i}]`));
  }
  if (sent !== null && typeof sent === 'object') {
    if (stored === null || typeof stored !== 'object') return [`${at}: sent an object, stored ${JSON.stringify(stored)}`];
    return Object.keys(sent).flatMap((k) => differences(sent[k], stored[k], `${at}.${k}`));
  }
  return sent === stored ? [] : [`${at}: sent ${JSON.stringify(sent)}, stored ${JSON.stringify(stored)}`];
}

/** A Pod as a workload controller would create it from the template (claims of a StatefulSet's ordinal 0 attached). */
function podFromTemplate(w: any): any {
  const spec = JSON.parse(JSON.stringify(w.spec.template.spec));
  for (const claim of w.spec.volumeClaimTemplates ?? []) {
    spec.volumes = [...(spec.volumes ?? []), { name: claim.metadata.name, persistentVolumeClaim: { claimName: `${claim.metadata.name}-${w.metadata.name}-0` } }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${w.metadata.name}-0`.slice(0, 63), namespace: w.metadata.namespace, labels: w.spec.template.metadata?.labels },
    spec,
  };
}

describe('the synthesized YAML on a real kube-apiserver', () => {
  let plane: KubeControlPlane;
  let dir: string;

  beforeAll(async () => {
    dir = tmpDir('rmq-apiserver-');
    plane = await KubeControlPlane.start(path.join(dir, 'plane'), 230_000);
    const crds = fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).map((f) => path.join(CRD_DIR, f));
    const r = plane.kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...crds.flatMap((f) => ['-f', f])]);
    if (r.status !== 0) throw new Error(`CRDs: ${r.stderr}`);
    const established = plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.flatMap((f) => ['-f', f])]);
    if (established.status !== 0) throw new Error(`CRDs not established: ${established.stderr}`);
  });

  afterAll(async () => {
    await plane?.stop();
  });

  test('the API server is the release the tests pin, and so is kubectl', () => {
    const v = JSON.parse(plane.kubectl(['version', '-o', 'json']).stdout);
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.3[4-7]\.\d+$/);
    expect(v.clientVersion.gitVersion).toBe(v.serverVersion.gitVersion);
  });

  test.each(VARIANTS)('%s: applies with no error or undocumented warning, a second apply changes nothing, it reads back as sent, its pods are admitted', (name, build) => {
    const app = Testing.app();
    build(app);
    const objs = appObjects(app);
    const slug = name.replace(/\W+/g, '-');
    const file = path.join(dir, `${slug}.yaml`);
    fs.writeFileSync(file, Yaml.stringify(...objs));
    const logAgents = objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name as string);
    const logAgentNamespaces = new Set(objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.namespace as string));
    const namespaces = [...new Set(objs.map((o) => o.metadata.namespace).filter((n): n is string => !!n))].sort();
    expect(namespaces.length).toBeGreaterThan(0);

    // What a cluster admin does first (the README): the namespaces with their Pod Security labels.
    const setup = namespaces.flatMap((ns) => [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: logAgentNamespaces.has(ns) ? LOG_AGENT_POD_SECURITY : POD_SECURITY } },
      // What the service-account controller would make in each namespace.
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
    ]);
    const ns = plane.kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], Yaml.stringify(...setup));
    expect({ status: ns.status, stderr: ns.stderr }).toEqual({ status: 0, stderr: '' });

    const apply = (extra: string[]) => plane.kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...extra, '-f', file]);
    for (const [phase, r] of [['dry run', apply(['--dry-run=server'])], ['apply', apply([])]] as const) {
      const errors = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Warning:'));
      const undocumented = warnings(r).filter((w) => !documented(w));
      expect({ phase, status: r.status, errors, undocumented }).toEqual({ phase, status: 0, errors: [], undocumented: [] });
      expect(r.stdout.trim().split('\n')).toHaveLength(objs.length);
    }

    const again = plane.kubectl(['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', file]);
    const stderr = again.stderr.split('\n').filter((l) => l.trim() && !documented(l));
    expect({ status: again.status, diff: again.stdout, stderr }).toEqual({ status: 0, diff: '', stderr: [] });

    const stored = JSON.parse(plane.kubectl(['get', '-f', file, '-o', 'json']).stdout).items;
    expect(stored).toHaveLength(objs.length);
    const drift = objs.flatMap((o, i) => differences(o, stored[i]).map((d) => `${o.kind}/${o.metadata.name}${d}`));
    expect(drift).toEqual([]);

    for (const w of objs.filter((o) => WORKLOADS.includes(o.kind))) {
      const pod = podFromTemplate(w);
      const r = plane.kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], JSON.stringify(pod));
      const undocumented = warnings(r).filter((x) => !logAgents.includes(w.metadata.name) || !documented(x));
      expect({ pod: pod.metadata.name, status: r.status, stderr: r.status === 0 ? '' : r.stderr, undocumented })
        .toEqual({ pod: pod.metadata.name, status: 0, stderr: '', undocumented: [] });
    }
  });

  test("YAML as cdk8s writes it and kubectl reads it: every YAML 1.1 non-string is quoted but '0o17', which the checks refuse", () => {
    const readBack = (value: string) => {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'yaml-probe', namespace: 'default', labels: { v: value } } };
      const r = plane.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], Yaml.stringify(cm));
      return r.status === 0 ? JSON.parse(r.stdout).metadata.labels.v : r.stderr.trim();
    };
    for (const v of ['yes', 'on', 'y', 'null', '017', '0x1F', '1_000', '1e3', '0b101', '0o8']) expect(readBack(v)).toBe(v);
    expect(readBack('0o17')).toMatch(/cannot unmarshal number into Go struct field .*labels of type string/);
    expect(checks.labelValue('0o17')).toMatch(/must not read as a YAML octal number like '0o17'/);
    expect(checks.dnsLabel('0o17')).toMatch(/YAML octal/);
    expect(checks.labelValue('0o8')).toBeUndefined();
  });

  test('the test can fail: a pod that runs as root with host access is refused where baseline is enforced', () => {
    plane.kubectl(['create', 'namespace', 'canary']);
    plane.kubectl(['label', 'namespace', 'canary', 'pod-security.kubernetes.io/enforce=baseline']);
    plane.kubectl(['create', 'serviceaccount', 'default', '-n', 'canary']);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'host', namespace: 'canary' },
      spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }], automountServiceAccountToken: false },
    };
    const r = plane.kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('violates PodSecurity "baseline:latest"');
  });
});

import { Testing } from 'cdk8s';
import { buildStack } from '../src/stack';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

/**
 * Security checks over the whole default output. Exceptions are named with their reason:
 * the log agent reads host log files and so runs as root (docs/logging.md).
 */
const ROOT_ALLOWED: { [appName: string]: string } = {
  'fluent-bit': 'reads the container log files on the host, which are readable by root only',
};

function objects(): any[] {
  const app = Testing.app();
  buildStack(app);
  return app.charts.flatMap((c) => c.toJson());
}

function podSpecs(objs: any[]): Array<{ name: string; app: string; kind: string; spec: any }> {
  return objs.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => ({ name: o.metadata.name, app: o.metadata.labels?.['app.kubernetes.io/name'], kind: o.kind, spec: o.spec.template.spec }));
}

describe('security of the default output', () => {
  const objs = objects();
  const pods = podSpecs(objs);

  test('there are workloads to check', () => {
    expect(pods.map((p) => p.kind).sort()).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet']));
  });

  test('every container has resource requests and limits for CPU and memory', () => {
    for (const p of pods) {
      for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
        expect({ pod: p.name, container: c.name, resources: c.resources }).toEqual({
          pod: p.name,
          container: c.name,
          resources: expect.objectContaining({
            requests: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
            limits: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
          }),
        });
      }
    }
  });

  test('every container runs without privilege escalation, with all capabilities dropped and a read-only root filesystem', () => {
    for (const p of pods) {
      for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
        const sc = c.securityContext ?? {};
        expect({ pod: p.name, c: c.name, sc }).toEqual({
          pod: p.name,
          c: c.name,
          sc: expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: expect.objectContaining({ drop: ['ALL'] }) }),
        });
        expect(sc.privileged ?? false).toBe(false);
      }
    }
  });

  test('every container runs as non-root, except where a documented need says otherwise', () => {
    for (const p of pods) {
      if (ROOT_ALLOWED[p.app]) continue;
      for (const c of p.spec.containers) {
        const runAsNonRoot = c.securityContext?.runAsNonRoot ?? p.spec.securityContext?.runAsNonRoot;
        const runAsUser = c.securityContext?.runAsUser ?? p.spec.securityContext?.runAsUser;
        expect({ pod: p.name, c: c.name, runAsNonRoot }).toEqual({ pod: p.name, c: c.name, runAsNonRoot: true });
        expect(runAsUser).not.toBe(0);
      }
    }
  });

  test('no host namespaces; host paths only for the log agent', () => {
    for (const p of pods) {
      expect(p.spec.hostNetwork ?? false).toBe(false);
      expect(p.spec.hostPID ?? false).toBe(false);
      expect(p.spec.hostIPC ?? false).toBe(false);
      const hostPaths = (p.spec.volumes ?? []).filter((v: any) => v.hostPath);
      if (!ROOT_ALLOWED[p.app]) expect({ pod: p.name, hostPaths }).toEqual({ pod: p.name, hostPaths: [] });
    }
  });

  test('service-account tokens are mounted only where the pod talks to the API server', () => {
    const bound = new Set(objs.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')
      .flatMap((b) => (b.subjects ?? []).map((s: any) => s.name)));
    for (const p of pods) {
      const automount = p.spec.automountServiceAccountToken ?? true;
      if (automount) {
        expect({ pod: p.name, serviceAccount: p.spec.serviceAccountName, bound: bound.has(p.spec.serviceAccountName) })
          .toEqual({ pod: p.name, serviceAccount: p.spec.serviceAccountName, bound: true });
      }
    }
  });

  test('RBAC has no wildcard and no access to Secrets', () => {
    for (const role of objs.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      for (const rule of role.rules ?? []) {
        for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field] ?? []).not.toContain('*');
        expect(rule.resources ?? []).not.toContain('secrets');
      }
    }
  });

  test('no credential appears literally anywhere', () => {
    const text = JSON.stringify(objs);
    expect(text).not.toMatch(/"(password|passwd|http_passwd|HTTP_Passwd|token|secret|apiKey|api_key)"\s*:\s*"(?!\$\{)[^"]+"/i);
    expect(text).not.toMatch(/(password|passwd)\s*[:= ]\s*(?!\$\{)[A-Za-z0-9!@#%^&*]{4,}/i);
    for (const p of pods) {
      for (const c of p.spec.containers) {
        for (const e of c.env ?? []) {
          if (/PASS|TOKEN|SECRET|KEY/i.test(e.name)) {
            expect({ pod: p.name, env: e.name, value: e.value }).toEqual({ pod: p.name, env: e.name, value: undefined });
            expect(e.valueFrom?.secretKeyRef).toBeDefined();
          }
        }
      }
    }
  });
});

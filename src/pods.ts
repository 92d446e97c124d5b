import { ApiObject, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalid } from './validation/errors';

/**
 * The container security context every workload of this library runs with (the log agent,
 * which reads host files as root, is the documented exception): a numeric non-root user,
 * read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp.
 */
export function restrictedSecurityContext(user: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group: user,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * The pod security context of the non-root workloads: numeric user and group, the volumes'
 * group, and an ownership change only when the volume's root does not match.
 */
export function nonRootPodSecurityContext(user: number): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group: user,
    fsGroup: user,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/** A Size as a Kubernetes quantity in the largest whole binary unit: `10Gi`, `512Mi`. */
export function quantity(size: Size): string {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (mib >= 1024 && Number.isInteger(mib / 1024)) return `${mib / 1024}Gi`;
  return `${Math.ceil(mib)}Mi`;
}

/** The JSON-patch path segment of cdk8s-plus's construct-address label. */
export const ADDRESS_LABEL_PATH = '/' + kplus.Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * cdk8s-plus always labels pods with its construct-address label; this library selects on the
 * stable `app.kubernetes.io` labels only, so the label is dropped from the pod template.
 */
export function removeAddressLabelFromPods(workload: kplus.Workload): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels${ADDRESS_LABEL_PATH}`));
}

/**
 * cdk8s-plus writes memory in mebibytes (`2048Mi`); the API server stores a quantity in its
 * canonical form (`2Gi`), so the stored object would never read back as sent and `kubectl diff`
 * or a GitOps tool would show a change forever. Rewrites each container's memory request and
 * limit with quantity(), which gives the canonical form. Found by test/real/apiserver.test.ts.
 * The value is a Quantity: the generated KubeX.toJson() maps the patched tree through the
 * Quantity converter, which turns a plain string into nothing (and the API server then stores 0).
 */
export function canonicalMemoryQuantities(workload: kplus.Workload): void {
  const api = ApiObject.of(workload);
  workload.containers.forEach((c, i) => {
    const memory = c.resources?.memory;
    const set = (path: string, size: Size) => api.addJsonPatch(JsonPatch.replace(path, kplus.k8s.Quantity.fromString(quantity(size))));
    if (memory?.request) set(`/spec/template/spec/containers/${i}/resources/requests/memory`, memory.request);
    if (memory?.limit) set(`/spec/template/spec/containers/${i}/resources/limits/memory`, memory.limit);
  });
}

/** CPU cores of a cdk8s-plus Cpu amount (`500m`, `2`, `0.5`). */
function cpuCores(cpu: kplus.Cpu): number {
  return cpu.amount.endsWith('m') ? Number(cpu.amount.slice(0, -1)) / 1000 : Number(cpu.amount);
}

/** Refuses requests and limits Kubernetes would not accept: each finite and positive, each request at most its limit. */
export function checkResources(scope: IConstruct, kind: string, r: kplus.ContainerResources): void {
  const cpu = { request: r.cpu?.request && cpuCores(r.cpu.request), limit: r.cpu?.limit && cpuCores(r.cpu.limit) };
  const mem = {
    request: r.memory?.request?.toMebibytes({ rounding: SizeRoundingBehavior.NONE }),
    limit: r.memory?.limit?.toMebibytes({ rounding: SizeRoundingBehavior.NONE }),
  };
  for (const [field, v, unit] of [['cpu.request', cpu.request, ''], ['cpu.limit', cpu.limit, ''],
    ['memory.request', mem.request, 'Mi'], ['memory.limit', mem.limit, 'Mi']] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      invalid(scope, kind, `resources.${field}`, `${v}${unit}`, 'must be a finite, positive amount');
    }
  }
  if (cpu.request !== undefined && cpu.limit !== undefined && cpu.request > cpu.limit) {
    invalid(scope, kind, 'resources.cpu.request', r.cpu!.request!.amount, `must not exceed the limit '${r.cpu!.limit!.amount}': Kubernetes refuses the pod`);
  }
  if (mem.request !== undefined && mem.limit !== undefined && mem.request > mem.limit) {
    invalid(scope, kind, 'resources.memory.request', `${mem.request}Mi`, `must not exceed the limit '${mem.limit}Mi': Kubernetes refuses the pod`);
  }
}

/**
 * Refuses a storage size that is not finite or below `minMib` MiB (a `Size.gibibytes(Infinity)`
 * would render as `InfinityMi`, which the API server refuses).
 */
export function checkStorageSize(scope: IConstruct, kind: string, field: string, size: Size, minMib: number, why = ''): void {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isFinite(mib)) invalid(scope, kind, field, `${mib} MiB`, `must be a finite size of at least ${quantity(Size.mebibytes(minMib))}`);
  if (!(mib >= minMib)) invalid(scope, kind, field, quantity(size), `must be at least ${quantity(Size.mebibytes(minMib))}${why}`);
}

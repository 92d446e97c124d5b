import { ApiObject, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

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

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

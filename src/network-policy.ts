import * as kplus from 'cdk8s-plus-28';

/**
 * The NetworkPolicy of the observability pods (Jaeger, Fluent Bit, the index-template Job):
 * ingress only on the ports they declare, from any pod; a pod that declares none takes no
 * ingress at all. Egress is not restricted. (RobustMQ's own policy, with peer-only and
 * monitoring-only ports, is in src/robustmq/network-policy.ts.)
 */

/** Whether to emit a pod's NetworkPolicy. */
export interface NetworkPolicyOptions {
  /**
   * Emit a NetworkPolicy that admits ingress on the declared ports only.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** A port a pod declares. */
export interface DeclaredPort {
  readonly port: number;
  readonly protocol?: string;
}

/**
 * The spec: ingress on `ports` from anywhere, nothing else. With no ports there is no `ingress`
 * key at all (policy type Ingress alone admits nothing): an empty list is dropped by the API
 * server, so every server-side apply of it would change the stored object again
 * (test/real/apiserver.test.ts saw its generation rise on each apply).
 */
export function renderDeclaredPortsPolicy(podLabels: { readonly [key: string]: string },
  ports: readonly DeclaredPort[]): kplus.k8s.NetworkPolicySpec {
  const spec: kplus.k8s.NetworkPolicySpec = { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ['Ingress'] };
  if (ports.length === 0) return spec;
  return {
    ...spec,
    ingress: [{ ports: ports.map((p) => ({ port: kplus.k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' })) }],
  };
}

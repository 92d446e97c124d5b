import * as kplus from 'cdk8s-plus-28';
import { RobustMqPortSpec } from './facts';

/** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** What the cluster's NetworkPolicy is rendered from. */
export interface NetworkPolicyModel {
  /** The labels of the cluster's pods. */
  readonly podLabels: { readonly [key: string]: string };
  /** The client listeners the client Service exposes. */
  readonly clientPorts: readonly RobustMqPortSpec[];
  /** The ports only the cluster's own pods may reach (gRPC, storage engine). */
  readonly peerPorts: readonly RobustMqPortSpec[];
  /** The admin port (metrics, admin API, MCP). */
  readonly adminPort: RobustMqPortSpec;
  /** Namespaces whose pods may reach the client ports; undefined for anyone. */
  readonly clientNamespaces?: readonly string[];
  /** Namespaces whose pods may reach the admin port (where Prometheus runs). */
  readonly metricsNamespaces: readonly string[];
}

/**
 * The ingress rules of a RobustMQ cluster's pods: client ports from anywhere (or the given
 * namespaces), peer ports from the cluster's own pods, the admin port from the monitoring
 * namespaces and the cluster's own pods (the pod script asks ordinal 0's admin API). Nothing
 * else reaches the pods; egress is not restricted.
 */
export function renderNetworkPolicy(m: NetworkPolicyModel): kplus.k8s.NetworkPolicySpec {
  const ports = (specs: readonly RobustMqPortSpec[]): kplus.k8s.NetworkPolicyPort[] => specs.map((p) => ({
    port: kplus.k8s.IntOrString.fromNumber(p.port),
    protocol: p.protocol ?? 'TCP',
  }));
  const ownPods: kplus.k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { ...m.podLabels } } };
  const namespaces = (names: readonly string[]): kplus.k8s.NetworkPolicyPeer[] => names.map((n) => ({
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: n } },
  }));
  return {
    podSelector: { matchLabels: { ...m.podLabels } },
    policyTypes: ['Ingress'],
    ingress: [
      m.clientNamespaces === undefined
        ? { ports: ports(m.clientPorts) }
        : { ports: ports(m.clientPorts), from: [ownPods, ...namespaces(m.clientNamespaces)] },
      { ports: ports(m.peerPorts), from: [ownPods] },
      { ports: ports([m.adminPort]), from: [ownPods, ...namespaces(m.metricsNamespaces)] },
    ],
  };
}

import * as kplus from 'cdk8s-plus-28';
import { ROBUSTMQ_METRICS_PATH, ROBUSTMQ_PORTS, ROBUSTMQ_SERVICE_NAME } from './facts';
import * as checks from '../validation/checks';
import { ValidationError, showValue } from '../validation/errors';

/**
 * The RobustMQ being observed: what monitors, alerts, the log agent, dashboards and the stack
 * need to know of a RobustMQ cluster, whether this app deploys it (RobustMqCluster) or it runs
 * elsewhere (`RobustMqCluster.fromClusterAttributes`). The one home of the facts every pillar
 * shares about it: the replica default, the Raft majority, the pod, container and data claim
 * names.
 */

/** The number of RobustMQ pods when nothing says otherwise. */
export const DEFAULT_REPLICAS = 3;

/** The name of the RobustMQ container in the pods this library deploys (after the server binary). */
export const ROBUSTMQ_CONTAINER_NAME = 'broker-server';

/** The name of the data volume claim template: each pod's claim is `data-<pod name>`. */
export const DATA_VOLUME_NAME = 'data';

/** The cluster name when nothing says otherwise: `cluster_name`, instance label, base of object names. */
export const DEFAULT_CLUSTER_NAME = 'robustmq-cluster';

/** The smallest Raft majority of `replicas` members. */
export function raftMajority(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

/** The labels that select a RobustMQ cluster's pods (stable across upgrades). */
export function robustMqSelectorLabels(clusterName: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': ROBUSTMQ_SERVICE_NAME, 'app.kubernetes.io/instance': clusterName };
}

/**
 * A RobustMQ cluster as the observing pillars see it. Implemented by RobustMqCluster; for a
 * RobustMQ deployed some other way, `RobustMqCluster.fromClusterAttributes()`.
 */
export interface IRobustMqTarget {
  /** The namespace of the RobustMQ pods. */
  readonly namespace: string;
  /** RobustMQ's cluster name: the `cluster` label on its series and the field on its log records. */
  readonly clusterName: string;
  /** Number of pods (Raft members). */
  readonly replicas: number;
  /** The smallest number of pods that forms a Raft majority. */
  readonly quorum: number;
  /** The pods are named `<podNamePrefix>-<ordinal>` (the StatefulSet's name). */
  readonly podNamePrefix: string;
  /** The name of the RobustMQ container in the pods. */
  readonly containerName: string;
  /** The data PersistentVolumeClaims are named `<dataClaimPrefix>-<ordinal>`. */
  readonly dataClaimPrefix: string;
  /** Labels that select the RobustMQ pods. */
  readonly selectorLabels: { [key: string]: string };
  /** Labels that select the Service serving the metrics (and no other Service). */
  readonly metricsServiceLabels: { [key: string]: string };
  /** The name of the Service serving the metrics: the `job` label of the scraped series. */
  readonly metricsServiceName: string;
  /** The name of the port (on the Service and the container) serving Prometheus metrics. */
  readonly metricsPortName: string;
  /** The number of that port. */
  readonly metricsPort: number;
  /** The HTTP path of the Prometheus metrics. */
  readonly metricsPath: string;
  /**
   * The Service serving the metrics, when it is part of the app (monitors cross-check it).
   *
   * @default - none: the Service is outside the app
   */
  readonly appMetricsService?: kplus.Service;
  /**
   * The workload running the pods, when it is part of the app (pod monitors cross-check it).
   *
   * @default - none: the workload is outside the app
   */
  readonly appWorkload?: kplus.Workload;
}

/** A RobustMQ cluster deployed outside this app (Helm, an operator, hand-written manifests). */
export interface RobustMqClusterAttributes {
  /** The namespace of the RobustMQ pods. */
  readonly namespace: string;
  /**
   * RobustMQ's cluster name (the `cluster` label on its series).
   *
   * @default 'robustmq-cluster'
   */
  readonly clusterName?: string;
  /**
   * Number of pods (for RobustMQClusterDown's majority and the dashboards' thresholds).
   *
   * @default 3
   */
  readonly replicas?: number;
  /**
   * The pods are named `<podNamePrefix>-<ordinal>` (the StatefulSet's name).
   *
   * @default - the cluster name
   */
  readonly podNamePrefix?: string;
  /**
   * The name of the RobustMQ container in the pods.
   *
   * @default 'broker-server'
   */
  readonly containerName?: string;
  /**
   * The data PersistentVolumeClaims are named `<dataClaimPrefix>-<ordinal>`.
   *
   * @default 'data-<podNamePrefix>'
   */
  readonly dataClaimPrefix?: string;
  /**
   * Labels that select the RobustMQ pods.
   *
   * @default - app.kubernetes.io/name 'robustmq' and app.kubernetes.io/instance '<clusterName>'
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Labels of the Service that serves the metrics (what a ServiceMonitor selects on).
   *
   * @default - the selector labels
   */
  readonly metricsServiceLabels?: { [key: string]: string };
  /**
   * The name of that Service (the `job` label of the scraped series).
   *
   * @default - its `app.kubernetes.io/instance` label, else the cluster name
   */
  readonly metricsServiceName?: string;
  /**
   * The name of the port serving metrics.
   *
   * @default 'http-admin'
   */
  readonly metricsPortName?: string;
  /**
   * The number of the port serving metrics.
   *
   * @default 58080
   */
  readonly metricsPort?: number;
  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * The Service serving the metrics, if it is part of the app.
   *
   * @default - outside the app
   */
  readonly metricsService?: kplus.Service;
  /**
   * The workload running the pods, if it is part of the app.
   *
   * @default - outside the app
   */
  readonly workload?: kplus.Workload;
}

const FACTORY = 'RobustMqCluster.fromClusterAttributes';

/** A refused attribute: `field` and `value` are named by the caller's error. */
export type TargetFail = (field: string, value: unknown, problem: string) => never;

/** How a refusal names each attribute, when older props are mapped onto the factory. */
export type TargetFieldNames = { readonly [attr in keyof RobustMqClusterAttributes]?: string };

function refuse(field: string, value: unknown, problem: string): never {
  throw new ValidationError(FACTORY, field, `${FACTORY}: ${field} '${showValue(value)}' ${problem}`, showValue(value), problem);
}

/**
 * The attributes validated and filled in with their defaults. `fail` and `names` let older
 * props mapped onto the factory be named in its errors.
 */
export function importRobustMqTarget(attrs: RobustMqClusterAttributes, fail: TargetFail = refuse,
  names: TargetFieldNames = {}): IRobustMqTarget {
  const checkField = (attr: keyof RobustMqClusterAttributes, value: unknown, problem: string | undefined, suffix = '') => {
    if (problem !== undefined) fail(`${names[attr] ?? attr}${suffix}`, value, problem);
  };
  const checkLabels = (attr: 'selectorLabels' | 'metricsServiceLabels', labels: { [key: string]: string }) => {
    for (const [k, v] of Object.entries(labels)) {
      checkField(attr, k, checks.labelKey(k), ' key');
      checkField(attr, v, checks.labelValue(v), `.${k}`);
    }
  };
  checkField('namespace', attrs.namespace, checks.dnsLabel(attrs.namespace));
  const clusterName = attrs.clusterName ?? DEFAULT_CLUSTER_NAME;
  checkField('clusterName', clusterName, clusterName === '' ? 'must not be empty' : checks.labelValue(clusterName));
  const replicas = attrs.replicas ?? DEFAULT_REPLICAS;
  checkField('replicas', replicas, checks.integer(replicas, 1, 99));
  const podNamePrefix = attrs.podNamePrefix ?? clusterName;
  checkField('podNamePrefix', podNamePrefix, checks.podNamePrefix(podNamePrefix));
  const containerName = attrs.containerName ?? ROBUSTMQ_CONTAINER_NAME;
  checkField('containerName', containerName, checks.dnsLabel(containerName));
  const dataClaimPrefix = attrs.dataClaimPrefix ?? `${DATA_VOLUME_NAME}-${podNamePrefix}`;
  checkField('dataClaimPrefix', dataClaimPrefix, checks.dnsSubdomain(dataClaimPrefix));
  const selectorLabels = { ...(attrs.selectorLabels ?? robustMqSelectorLabels(clusterName)) };
  checkLabels('selectorLabels', selectorLabels);
  const metricsServiceLabels = { ...(attrs.metricsServiceLabels ?? selectorLabels) };
  checkLabels('metricsServiceLabels', metricsServiceLabels);
  const metricsServiceName = attrs.metricsServiceName ?? attrs.metricsService?.name
    ?? metricsServiceLabels['app.kubernetes.io/instance'] ?? clusterName;
  checkField('metricsServiceName', metricsServiceName, checks.dnsLabel(metricsServiceName));
  const metricsPortName = attrs.metricsPortName ?? ROBUSTMQ_PORTS.http.name;
  checkField('metricsPortName', metricsPortName, checks.portName(metricsPortName));
  const metricsPort = attrs.metricsPort ?? ROBUSTMQ_PORTS.http.port;
  checkField('metricsPort', metricsPort, checks.integer(metricsPort, 1, 65535));
  const metricsPath = attrs.metricsPath ?? ROBUSTMQ_METRICS_PATH;
  checkField('metricsPath', metricsPath, checks.httpPath(metricsPath));
  return {
    namespace: attrs.namespace,
    clusterName,
    replicas,
    quorum: raftMajority(replicas),
    podNamePrefix,
    containerName,
    dataClaimPrefix,
    selectorLabels,
    metricsServiceLabels,
    metricsServiceName,
    metricsPortName,
    metricsPort,
    metricsPath,
    appMetricsService: attrs.metricsService,
    appWorkload: attrs.workload,
  };
}

/** The pods' names, ordinal 0 first. */
export function podNames(target: IRobustMqTarget): string[] {
  return Array.from({ length: target.replicas }, (_, i) => `${target.podNamePrefix}-${i}`);
}

/** A regular expression matching the pods' names. */
export function podNameRegex(target: IRobustMqTarget): string {
  return `${target.podNamePrefix}-[0-9]+`;
}

/** A regular expression matching the data claims' names. */
export function dataClaimRegex(target: IRobustMqTarget): string {
  return `${target.dataClaimPrefix}-[0-9]+`;
}

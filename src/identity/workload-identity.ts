import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { byCodePoint } from '../order';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

/**
 * The downward-API field paths a container can read about its own pod
 * (Kubernetes `fieldRef`). Everything else, in particular node labels and namespace labels,
 * is out of the downward API's reach.
 */
const DOWNWARD_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const DOWNWARD_MAP_FIELD = /^metadata\.(labels|annotations)\['[^']+'\]$/;
const NODE_OR_NAMESPACE_LABELS = /(^|\.)(node|nodes|spec\.nodeName|namespace|namespaces|metadata\.namespace)(\.metadata)?\.(labels|annotations)\b/i;

/** Names of the environment variables WorkloadIdentity sets. */
export enum IdentityEnv {
  /** The pod's name (downward API `metadata.name`). */
  POD_NAME = 'POD_NAME',
  /** The pod's namespace (downward API `metadata.namespace`). */
  POD_NAMESPACE = 'POD_NAMESPACE',
  /** The node the pod runs on (downward API `spec.nodeName`). */
  NODE_NAME = 'NODE_NAME',
  /** The pod's IP address (downward API `status.podIP`). */
  POD_IP = 'POD_IP',
  /** The logical service name. */
  SERVICE_NAME = 'SERVICE_NAME',
  /** The name of the cluster (of the application) the pod belongs to. */
  CLUSTER_NAME = 'CLUSTER_NAME',
  /** The application's version. */
  APP_VERSION = 'APP_VERSION',
  /** OpenTelemetry service name. */
  OTEL_SERVICE_NAME = 'OTEL_SERVICE_NAME',
  /** OpenTelemetry resource attributes. */
  OTEL_RESOURCE_ATTRIBUTES = 'OTEL_RESOURCE_ATTRIBUTES',
}

/**
 * Properties of a WorkloadIdentity.
 */
export interface WorkloadIdentityProps {
  /**
   * The logical service name: `SERVICE_NAME`, `OTEL_SERVICE_NAME`, and the
   * `app.kubernetes.io/name` label.
   */
  readonly serviceName: string;

  /**
   * The name of the application cluster the workload belongs to: `CLUSTER_NAME` and
   * the `app.kubernetes.io/instance` label.
   */
  readonly clusterName: string;

  /**
   * The application version: `APP_VERSION`, `service.version` and the
   * `app.kubernetes.io/version` label.
   */
  readonly version: string;

  /**
   * The `app.kubernetes.io/component` label, e.g. `broker`.
   *
   * @default - no component label
   */
  readonly component?: string;

  /**
   * The `app.kubernetes.io/part-of` label.
   *
   * @default - the service name
   */
  readonly partOf?: string;

  /**
   * The `app.kubernetes.io/managed-by` label.
   *
   * @default 'cdk8s'
   */
  readonly managedBy?: string;

  /**
   * Further downward-API variables, by environment variable name, as field paths such as
   * `metadata.uid` or `metadata.labels['team']`. Node labels and namespace labels are not
   * available through the downward API and are refused.
   *
   * @default - none
   */
  readonly fieldRefs?: { [envName: string]: string };

  /**
   * Further static OpenTelemetry resource attributes, appended to `OTEL_RESOURCE_ATTRIBUTES`.
   *
   * @default - none
   */
  readonly resourceAttributes?: { [key: string]: string };
}

/**
 * Kubernetes-aware identity for a workload: downward-API environment variables, OpenTelemetry
 * resource attributes and the recommended `app.kubernetes.io/*` labels.
 *
 * Apply it to any cdk8s-plus workload (and its containers) with `applyTo()`.
 *
 * `HOSTNAME` is deliberately left alone: Kubernetes sets it to the pod name, and software that
 * reads the pod name from `HOSTNAME` (RobustMQ among it) depends on that. An identity refuses
 * to set `HOSTNAME`.
 */
export class WorkloadIdentity {
  /** The recommended `app.kubernetes.io/*` labels this identity puts on the pod template. */
  public readonly labels: { [key: string]: string };
  /** The service name. */
  public readonly serviceName: string;
  /** The application cluster name. */
  public readonly clusterName: string;
  /** The application version. */
  public readonly version: string;

  private readonly props: WorkloadIdentityProps;

  constructor(props: WorkloadIdentityProps) {
    this.props = props;
    this.serviceName = props.serviceName;
    this.clusterName = props.clusterName;
    this.version = props.version;
    const labels: { [key: string]: string } = {
      'app.kubernetes.io/name': props.serviceName,
      'app.kubernetes.io/instance': props.clusterName,
      'app.kubernetes.io/version': props.version,
    };
    if (props.component !== undefined) labels['app.kubernetes.io/component'] = props.component;
    labels['app.kubernetes.io/part-of'] = props.partOf ?? props.serviceName;
    labels['app.kubernetes.io/managed-by'] = props.managedBy ?? 'cdk8s';
    this.labels = labels;
  }

  /**
   * The environment variables, in the order they are set (later ones refer to earlier ones
   * with `$(NAME)`).
   */
  public environment(): kplus.EnvValue[] {
    return this.entries().map(([, v]) => v);
  }

  /**
   * The environment variable names, in the order they are set.
   */
  public environmentNames(): string[] {
    return this.entries().map(([n]) => n);
  }

  /**
   * Puts the identity on a workload: labels on its pod template and the environment on the
   * given containers (all of the workload's containers if none are given).
   *
   * Throws a ValidationError if a container already sets one of the variables to a different
   * value, or if the identity's own inputs are invalid.
   */
  public applyTo(workload: kplus.AbstractPod, containers?: kplus.Container[]): void {
    this.validate(workload);
    const meta = workload instanceof kplus.Workload ? workload.podMetadata : workload.metadata;
    for (const [k, v] of Object.entries(this.labels)) {
      meta.addLabel(k, v);
    }
    const targets = containers ?? workload.containers;
    const entries = this.entries();
    for (const container of targets) {
      const existing = container.env.variables;
      for (const [name, value] of entries) {
        const current = existing[name];
        if (current !== undefined) {
          if (sameEnv(current, value)) continue;
          invalid(workload, 'WorkloadIdentity', `container '${container.name}' env ${name}`, describeEnv(current),
            `conflicts with the identity's value '${describeEnv(value)}': remove the container's own ${name} or let the identity set it`);
        }
        container.env.addVariable(name, value);
      }
    }
  }

  private validate(scope: IConstruct): void {
    const p = this.props;
    check(scope, 'WorkloadIdentity', 'serviceName', p.serviceName, checks.labelValue(p.serviceName) ?? nonEmpty(p.serviceName));
    check(scope, 'WorkloadIdentity', 'clusterName', p.clusterName, checks.labelValue(p.clusterName) ?? nonEmpty(p.clusterName));
    check(scope, 'WorkloadIdentity', 'version', p.version, checks.labelValue(p.version) ?? nonEmpty(p.version));
    for (const [k, v] of Object.entries(this.labels)) {
      check(scope, 'WorkloadIdentity', `label ${k}`, v, checks.labelValue(v));
    }
    for (const [name, path] of Object.entries(p.fieldRefs ?? {})) {
      check(scope, 'WorkloadIdentity', `fieldRefs.${name}`, name, checks.envName(name));
      if (name === 'HOSTNAME') {
        invalid(scope, 'WorkloadIdentity', `fieldRefs.${name}`, path,
          'must not set HOSTNAME: Kubernetes sets it to the pod name, and RobustMQ reads the pod name from it');
      }
      if ((Object.values(IdentityEnv) as string[]).includes(name)) {
        invalid(scope, 'WorkloadIdentity', `fieldRefs.${name}`, path, `must not redefine ${name}, which the identity sets itself`);
      }
      check(scope, 'WorkloadIdentity', `fieldRefs.${name}`, path, downwardField(path));
    }
    for (const [k, v] of Object.entries(p.resourceAttributes ?? {})) {
      if (!/^[A-Za-z0-9_.-]+$/.test(k) || /[,=]/.test(v)) {
        invalid(scope, 'WorkloadIdentity', `resourceAttributes.${k}`, v,
          "must have a key of letters, digits, '_', '-' and '.', and a value without ',' or '='");
      }
    }
  }

  private entries(): Array<[string, kplus.EnvValue]> {
    const p = this.props;
    const out: Array<[string, kplus.EnvValue]> = [
      [IdentityEnv.POD_NAME, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME)],
      [IdentityEnv.POD_NAMESPACE, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE)],
      [IdentityEnv.NODE_NAME, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME)],
      [IdentityEnv.POD_IP, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP)],
    ];
    for (const [name, path] of Object.entries(p.fieldRefs ?? {}).sort(([a], [b]) => byCodePoint(a, b))) {
      out.push([name, kplus.EnvValue.fromFieldRef(path as kplus.EnvFieldPaths)]);
    }
    out.push(
      [IdentityEnv.SERVICE_NAME, kplus.EnvValue.fromValue(p.serviceName)],
      [IdentityEnv.CLUSTER_NAME, kplus.EnvValue.fromValue(p.clusterName)],
      [IdentityEnv.APP_VERSION, kplus.EnvValue.fromValue(p.version)],
      [IdentityEnv.OTEL_SERVICE_NAME, kplus.EnvValue.fromValue(p.serviceName)],
      [IdentityEnv.OTEL_RESOURCE_ATTRIBUTES, kplus.EnvValue.fromValue(this.resourceAttributeString())],
    );
    return out;
  }

  /**
   * The `OTEL_RESOURCE_ATTRIBUTES` value: Kubernetes attributes from the downward-API
   * variables (expanded by the kubelet), then the service's own.
   */
  public resourceAttributeString(): string {
    const attrs: Array<[string, string]> = [
      ['k8s.pod.name', `$(${IdentityEnv.POD_NAME})`],
      ['k8s.namespace.name', `$(${IdentityEnv.POD_NAMESPACE})`],
      ['k8s.node.name', `$(${IdentityEnv.NODE_NAME})`],
      ['service.name', this.props.serviceName],
      ['service.version', this.props.version],
      ['service.instance.id', `$(${IdentityEnv.POD_NAMESPACE}).$(${IdentityEnv.POD_NAME})`],
      ['service.namespace', this.props.clusterName],
    ];
    for (const [k, v] of Object.entries(this.props.resourceAttributes ?? {}).sort(([a], [b]) => byCodePoint(a, b))) {
      attrs.push([k, v]);
    }
    return attrs.map(([k, v]) => `${k}=${v}`).join(',');
  }
}

function nonEmpty(value: string): string | undefined {
  return value === '' ? 'must not be empty' : undefined;
}

/**
 * Checks a downward-API field path; explains why node and namespace labels are refused.
 */
export function downwardField(path: string): string | undefined {
  if (NODE_OR_NAMESPACE_LABELS.test(path) && !DOWNWARD_MAP_FIELD.test(path)) {
    return 'asks for node or namespace labels, which the downward API cannot expose to a container (it only sees its own pod). '
      + 'Put such labels on the series with a relabeling in the ServiceMonitor (e.g. __meta_kubernetes_pod_node_name), '
      + 'and on log records with the Fluent Bit kubernetes filter';
  }
  if (DOWNWARD_FIELDS.includes(path)) {
    return undefined;
  }
  if (DOWNWARD_MAP_FIELD.test(path)) {
    // The subscript is a label or annotation key: the API server refuses any other.
    const key = path.slice(path.indexOf("['") + 2, -2);
    const problem = checks.labelKey(key);
    return problem === undefined ? undefined : `subscripts the key '${key}', which ${problem}`;
  }
  return `must be a downward-API field path: one of ${DOWNWARD_FIELDS.join(', ')}, metadata.labels['KEY'] or metadata.annotations['KEY']`;
}

function sameEnv(a: kplus.EnvValue, b: kplus.EnvValue): boolean {
  return JSON.stringify([a.value, a.valueFrom]) === JSON.stringify([b.value, b.valueFrom]);
}

function describeEnv(v: kplus.EnvValue): string {
  if (v.value !== undefined) return v.value;
  const ref = (v.valueFrom as any)?.fieldRef?.fieldPath;
  return ref ? `fieldRef ${ref}` : JSON.stringify(v.valueFrom);
}

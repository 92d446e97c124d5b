import { ApiObject, Chart, Duration, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  brokerIdForOrdinal,
  renderLoggerToml,
  renderServerTomlTemplate,
  renderStartScript,
  ServerTomlModel,
} from './config';
import {
  ROBUSTMQ_BINARY,
  ROBUSTMQ_DATA_DIR,
  ROBUSTMQ_DEFAULT_VERSION,
  ROBUSTMQ_METRICS_PATH,
  ROBUSTMQ_PORTS,
  ROBUSTMQ_SERVICE_NAME,
  ROBUSTMQ_WORKDIR,
  RobustMqLogLevel,
  RobustMqRole,
  robustMqImage,
} from './facts';
import { WorkloadIdentity } from '../identity/workload-identity';
import { restrictedSecurityContext } from '../security';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';
import { warn } from '../validation/warnings';

const KIND = 'RobustMqCluster';

/** Where the pods' config lives. */
const TEMPLATE_DIR = '/etc/robustmq';
const RENDERED_DIR = '/var/run/robustmq';
const SERVER_TOML = 'server.toml';
const LOGGER_TOML = 'logger.toml';

/** How strongly the cluster's pods are kept on different nodes. */
export enum PodSpreadPolicy {
  /** Prefer different nodes (pod anti-affinity, weight 100); co-locate if there are too few nodes. */
  PREFERRED = 'preferred',
  /** Require different nodes: a pod stays Pending rather than share a node with another. */
  REQUIRED = 'required',
  /** No spreading rule. */
  NONE = 'none',
}

/**
 * Properties of a RobustMqCluster.
 */
export interface RobustMqClusterProps {
  /**
   * The namespace of every object. Peer DNS names include it.
   *
   * @default - the enclosing Chart's namespace; one of the two must be set
   */
  readonly namespace?: string;

  /**
   * RobustMQ's `cluster_name`, also the `app.kubernetes.io/instance` label and the base of the
   * object names (`<clusterName>` StatefulSet, `<clusterName>-headless` Service, ...).
   *
   * @default 'robustmq-cluster'
   */
  readonly clusterName?: string;

  /**
   * Number of pods. An odd number is best: Raft needs a majority, so 4 pods tolerate no more
   * failures than 3.
   *
   * @default 3
   */
  readonly replicas?: number;

  /**
   * The RobustMQ release, `MAJOR.MINOR.PATCH`.
   *
   * @default '0.4.11'
   */
  readonly version?: string;

  /**
   * The container image.
   *
   * @default 'ghcr.io/robustmq/robustmq:v<version>'
   */
  readonly image?: string;

  /**
   * The image pull policy.
   *
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * The roles every pod runs. Must include `meta`: the meta service's Raft group is formed by
   * the pods of this cluster.
   *
   * @default [META, BROKER, ENGINE]
   */
  readonly roles?: RobustMqRole[];

  /**
   * Size of each pod's data volume (`/robustmq/data`).
   *
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;

  /**
   * The StorageClass of the data volumes.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * CPU and memory of the RobustMQ container.
   *
   * @default - requests 500m CPU and 1Gi memory, limits 2 CPU and 2Gi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * How pods are spread over nodes.
   *
   * @default PodSpreadPolicy.PREFERRED
   */
  readonly spreadPolicy?: PodSpreadPolicy;

  /**
   * Level of RobustMQ's log output.
   *
   * @default RobustMqLogLevel.INFO
   */
  readonly logLevel?: RobustMqLogLevel;

  /**
   * The cluster's DNS domain, used in the peers' fully qualified names.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Numeric user and group id the server runs as. The image's user `robustmq` has no fixed
   * numeric id, and Kubernetes only starts a non-root container with a numeric user.
   *
   * @default 10001
   */
  readonly runAsUser?: number;

  /**
   * Further environment variables for the RobustMQ container. `HOSTNAME` and the identity's
   * variables are refused.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * How long a pod must be Ready before a rolling update moves on to the next one: time for it
   * to rejoin the Raft group (a TCP check of the admin port says nothing about that).
   *
   * @default Duration.seconds(30)
   */
  readonly minReady?: Duration;

  /**
   * Extra labels on every object and pod.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A RobustMQ cluster on Kubernetes: a StatefulSet of `broker-server` pods forming one Raft
 * group, its configuration, a client Service, a headless Service for peer DNS, a
 * PodDisruptionBudget that keeps a majority up, and per-pod data volumes.
 */
export class RobustMqCluster extends Construct {
  /** The StatefulSet of RobustMQ pods. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The RobustMQ container. */
  public readonly container: kplus.Container;
  /** The client Service (MQTT, MQTT over WebSocket, gRPC, admin HTTP with `/metrics`). */
  public readonly service: kplus.Service;
  /** The headless Service that gives every pod a stable DNS name. */
  public readonly headlessService: kplus.Service;
  /** The ConfigMap with `server.toml` (a template filled in per pod) and `logger.toml`. */
  public readonly configMap: kplus.ConfigMap;
  /** Keeps a Raft majority of pods up during voluntary disruptions. */
  public readonly podDisruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The identity (labels, downward-API and OpenTelemetry environment) of the pods. */
  public readonly identity: WorkloadIdentity;

  /** The namespace of the cluster's objects. */
  public readonly namespace: string;
  /** RobustMQ's cluster name. */
  public readonly clusterName: string;
  /** The RobustMQ version. */
  public readonly version: string;
  /** Number of pods. */
  public readonly replicas: number;
  /** The smallest number of pods that forms a Raft majority. */
  public readonly quorum: number;
  /** Labels that select this cluster's pods and Services; stable across upgrades. */
  public readonly selectorLabels: { [key: string]: string };
  /** The name of the Service port serving Prometheus metrics. */
  public readonly metricsPortName: string;
  /** The number of the port serving Prometheus metrics. */
  public readonly metricsPort: number;
  /** The HTTP path of the Prometheus metrics. */
  public readonly metricsPath: string;
  /** Stable DNS name of every pod, ordinal 0 first. */
  public readonly podDnsNames: string[];
  /** The model server.toml is rendered from. */
  public readonly serverConfig: ServerTomlModel;

  constructor(scope: Construct, id: string, props: RobustMqClusterProps = {}) {
    super(scope, id);

    // ---- validate and resolve props ----
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid(this, KIND, 'namespace', namespace,
        'must be set, on the construct or its Chart: the peers\' DNS names in meta_addrs include it');
    }
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    const clusterName = props.clusterName ?? 'robustmq-cluster';
    // Pod names are <clusterName>-<ordinal> and carry the controller-revision-hash label: 52 characters at most.
    check(this, KIND, 'clusterName', clusterName, checks.dnsLabel(clusterName, 52));
    const replicas = props.replicas ?? 3;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    const version = props.version ?? ROBUSTMQ_DEFAULT_VERSION;
    check(this, KIND, 'version', version, checks.version(version));
    const image = props.image ?? robustMqImage(version);
    check(this, KIND, 'image', image, checks.image(image));
    const roles = props.roles ?? [RobustMqRole.META, RobustMqRole.BROKER, RobustMqRole.ENGINE];
    const allowedRoles = Object.values(RobustMqRole) as string[];
    for (const role of roles) {
      check(this, KIND, 'roles', role, checks.oneOf(role, allowedRoles));
    }
    if (new Set(roles).size !== roles.length) {
      invalid(this, KIND, 'roles', roles, 'must not repeat a role');
    }
    if (!roles.includes(RobustMqRole.META)) {
      invalid(this, KIND, 'roles', roles, "must include 'meta': the pods of this cluster form the meta service's Raft group");
    }
    const storageSize = props.storageSize ?? Size.gibibytes(10);
    const storageQuantity = quantity(storageSize);
    if (!(storageSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) >= 1)) {
      invalid(this, KIND, 'storageSize', storageQuantity, 'must be at least 1Mi');
    }
    if (props.storageClassName !== undefined) {
      check(this, KIND, 'storageClassName', props.storageClassName, checks.dnsSubdomain(props.storageClassName));
    }
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    check(this, KIND, 'clusterDomain', clusterDomain, checks.dnsSubdomain(clusterDomain));
    const runAsUser = props.runAsUser ?? 10001;
    check(this, KIND, 'runAsUser', runAsUser, checks.integer(runAsUser, 1, 2147483647));
    const logLevel = props.logLevel ?? RobustMqLogLevel.INFO;
    check(this, KIND, 'logLevel', logLevel, checks.oneOf(logLevel, Object.values(RobustMqLogLevel)));
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      check(this, KIND, 'labels key', k, checks.labelKey(k));
      check(this, KIND, `labels.${k}`, v, checks.labelValue(v));
    }
    if (replicas % 2 === 0) {
      warn(this, `replicas is ${replicas}: an even number of Raft members tolerates no more failures than ${replicas - 1} (a majority of ${Math.floor(replicas / 2) + 1} is needed); prefer an odd number`);
    }

    this.namespace = namespace;
    this.clusterName = clusterName;
    this.version = version;
    this.replicas = replicas;
    this.quorum = Math.floor(replicas / 2) + 1;
    this.metricsPortName = ROBUSTMQ_PORTS.http.name;
    this.metricsPort = ROBUSTMQ_PORTS.http.port;
    this.metricsPath = ROBUSTMQ_METRICS_PATH;

    this.identity = new WorkloadIdentity({
      serviceName: ROBUSTMQ_SERVICE_NAME,
      clusterName,
      version,
      component: 'broker',
      partOf: ROBUSTMQ_SERVICE_NAME,
    });
    this.selectorLabels = {
      'app.kubernetes.io/name': ROBUSTMQ_SERVICE_NAME,
      'app.kubernetes.io/instance': clusterName,
    };
    const objectLabels = { ...(props.labels ?? {}), ...this.identity.labels };
    const metadata = (name: string) => ({ name, namespace, labels: objectLabels });

    // ---- configuration ----
    const headlessName = `${clusterName}-headless`;
    this.podDnsNames = Array.from({ length: replicas }, (_, i) =>
      `${clusterName}-${i}.${headlessName}.${namespace}.svc.${clusterDomain}`);
    this.serverConfig = {
      clusterName,
      roles,
      grpcPort: ROBUSTMQ_PORTS.grpc.port,
      httpPort: ROBUSTMQ_PORTS.http.port,
      metaHosts: this.podDnsNames,
      loggerConfigPath: `${TEMPLATE_DIR}/${LOGGER_TOML}`,
      logPath: './data/logs',
    };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${clusterName}-config`),
      data: {
        [SERVER_TOML]: renderServerTomlTemplate(this.serverConfig),
        [LOGGER_TOML]: renderLoggerToml({ level: logLevel }),
      },
    });

    // ---- services ----
    this.headlessService = new kplus.Service(this, 'Headless', {
      metadata: metadata(headlessName),
      clusterIP: 'None',
      // Peers must resolve each other before they are Ready, or the Raft group never forms.
      publishNotReadyAddresses: true,
      // Peer traffic only. No metrics port here: a ServiceMonitor selecting the cluster's labels
      // would otherwise scrape every pod twice, once through each Service.
      ports: [ROBUSTMQ_PORTS.grpc, ROBUSTMQ_PORTS.engine].map(servicePort),
    });
    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(clusterName),
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [ROBUSTMQ_PORTS.mqtt, ROBUSTMQ_PORTS.mqttWs, ROBUSTMQ_PORTS.grpc, ROBUSTMQ_PORTS.http].map(servicePort),
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) {
      this.headlessService.selectLabel(k, v);
      this.service.selectLabel(k, v);
    }

    // ---- workload ----
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata(clusterName),
      service: this.headlessService,
      replicas,
      select: false,
      // All pods start at once, so the Raft group can form on first start.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      minReady: props.minReady ?? Duration.seconds(30),
      podMetadata: { labels: { ...(props.labels ?? {}) } },
      automountServiceAccountToken: false,
      securityContext: {
        ensureNonRoot: true,
        user: runAsUser,
        group: runAsUser,
        fsGroup: runAsUser,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      terminationGracePeriod: Duration.seconds(60),
    });
    this.statefulSet.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    for (const [k, v] of Object.entries(this.selectorLabels)) {
      this.statefulSet.podMetadata.addLabel(k, v);
    }

    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const renderedVolume = kplus.Volume.fromEmptyDir(this, 'RenderedVolume', 'rendered-config', { sizeLimit: Size.mebibytes(1) });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(256) });

    this.container = this.statefulSet.addContainer({
      name: 'broker-server',
      image,
      imagePullPolicy: props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
      workingDir: ROBUSTMQ_WORKDIR,
      command: ['/bin/sh', '-c', renderStartScript({
        templatePath: `${TEMPLATE_DIR}/${SERVER_TOML}`,
        renderedPath: `${RENDERED_DIR}/${SERVER_TOML}`,
        binary: ROBUSTMQ_BINARY,
      })],
      ports: [
        ROBUSTMQ_PORTS.mqtt, ROBUSTMQ_PORTS.mqttWs, ROBUSTMQ_PORTS.grpc, ROBUSTMQ_PORTS.http, ROBUSTMQ_PORTS.engine,
      ].map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
      securityContext: restrictedSecurityContext(runAsUser),
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
        memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
      },
      // v0.4.11 has no unauthenticated health path: TCP checks on the admin and gRPC ports.
      startup: kplus.Probe.fromTcpSocket({
        port: ROBUSTMQ_PORTS.grpc.port,
        periodSeconds: Duration.seconds(5),
        failureThreshold: 60,
      }),
      readiness: kplus.Probe.fromTcpSocket({
        port: ROBUSTMQ_PORTS.http.port,
        periodSeconds: Duration.seconds(10),
        failureThreshold: 3,
      }),
      liveness: kplus.Probe.fromTcpSocket({
        port: ROBUSTMQ_PORTS.grpc.port,
        periodSeconds: Duration.seconds(20),
        failureThreshold: 3,
      }),
      volumeMounts: [
        { path: TEMPLATE_DIR, volume: configVolume, readOnly: true },
        { path: RENDERED_DIR, volume: renderedVolume },
        { path: '/tmp', volume: tmpVolume },
      ],
    });

    for (const [name, value] of Object.entries(props.env ?? {})) {
      check(this, KIND, `env.${name}`, name, checks.envName(name));
      if (name === 'HOSTNAME') {
        invalid(this, KIND, 'env.HOSTNAME', value,
          'must not be set: Kubernetes sets HOSTNAME to the pod name, and the start script and RobustMQ read the pod name from it');
      }
      this.container.env.addVariable(name, kplus.EnvValue.fromValue(value));
    }
    this.identity.applyTo(this.statefulSet, [this.container]);

    // Spread over nodes, selecting peers by the stable selector labels.
    const peers = kplus.Pods.select(this, 'Peers', { labels: this.selectorLabels });
    const spreadPolicy = props.spreadPolicy ?? PodSpreadPolicy.PREFERRED;
    check(this, KIND, 'spreadPolicy', spreadPolicy, checks.oneOf(spreadPolicy, Object.values(PodSpreadPolicy)));
    if (spreadPolicy === PodSpreadPolicy.PREFERRED) {
      this.statefulSet.scheduling.separate(peers, { weight: 100, topology: kplus.Topology.HOSTNAME });
    } else if (spreadPolicy === PodSpreadPolicy.REQUIRED) {
      this.statefulSet.scheduling.separate(peers, { topology: kplus.Topology.HOSTNAME });
    }

    // cdk8s-plus has no volumeClaimTemplates: add the data volume's claim template and mount.
    const claim: kplus.k8s.KubePersistentVolumeClaimProps = {
      metadata: { name: 'data', labels: { ...this.selectorLabels } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: kplus.k8s.Quantity.fromString(storageQuantity) } },
      },
    };
    const sts = ApiObject.of(this.statefulSet);
    sts.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', [claim]));
    sts.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'data', mountPath: ROBUSTMQ_DATA_DIR }));
    sts.addJsonPatch(JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }));
    // cdk8s-plus always labels pods with its construct-address label; the selectors here use the
    // stable app.kubernetes.io labels only, so drop it from the pods and the headless Service.
    const addressLabel = '/' + kplus.Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1');
    sts.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels${addressLabel}`));
    ApiObject.of(this.headlessService).addJsonPatch(JsonPatch.remove(`/spec/selector${addressLabel}`));

    this.podDisruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: metadata(clusterName),
      spec: {
        minAvailable: kplus.k8s.IntOrString.fromNumber(this.quorum),
        selector: { matchLabels: { ...this.selectorLabels } },
        // A pod that is not Ready holds no vote worth protecting: let drains evict it.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  /**
   * The broker id of each pod, ordinal 0 first: distinct by construction.
   */
  public brokerIds(): number[] {
    return Array.from({ length: this.replicas }, (_, i) => brokerIdForOrdinal(i));
  }
}

/** A Size as a Kubernetes quantity in the largest whole binary unit: `10Gi`, `512Mi`. */
function quantity(size: Size): string {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (mib >= 1024 && Number.isInteger(mib / 1024)) {
    return `${mib / 1024}Gi`;
  }
  return `${Math.ceil(mib)}Mi`;
}

function servicePort(p: { name: string; port: number }): kplus.ServicePort {
  return { name: p.name, port: p.port, targetPort: p.port, protocol: kplus.Protocol.TCP };
}

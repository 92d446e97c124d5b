import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  brokerIdForOrdinal,
  CREDENTIAL_ENV,
  CredentialField,
  renderLoggerToml,
  renderPodScript,
  renderServerTomlTemplate,
  ServerTomlModel,
} from './config';
import {
  CLIENT_PROTOCOL_PORTS,
  ClientProtocol,
  DEFAULT_CLIENT_PROTOCOLS,
  DEFAULT_CREDENTIAL_KEYS,
  ROBUSTMQ_BINARY,
  ROBUSTMQ_DATA_DIR,
  ROBUSTMQ_DEFAULT_VERSION,
  ROBUSTMQ_METRICS_PATH,
  ROBUSTMQ_PORTS,
  ROBUSTMQ_ROLE_PORTS,
  ROBUSTMQ_SERVICE_NAME,
  ROBUSTMQ_WORKDIR,
  RobustMqLogLevel,
  RobustMqRole,
  RobustMqPortSpec,
  robustMqImage,
} from './facts';
import { renderNetworkPolicy } from './network-policy';
import {
  DATA_VOLUME_NAME, DEFAULT_CLUSTER_NAME, DEFAULT_REPLICAS, IRobustMqTarget, ROBUSTMQ_CONTAINER_NAME, RobustMqClusterAttributes,
  importRobustMqTarget, raftMajority, robustMqSelectorLabels,
} from './target';
import { WorkloadIdentity } from '../identity/workload-identity';
import {
  ADDRESS_LABEL_PATH, canonicalMemoryQuantities, checkResources, checkStorageSize, nonRootPodSecurityContext, quantity, removeAddressLabelFromPods,
  restrictedSecurityContext,
} from '../pods';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';
import { claimObjectName } from '../validation/names';
import { splitImage } from '../validation/tracing';
import { warn } from '../validation/warnings';

const KIND = 'RobustMqCluster';

/** Where the pods' config lives. */
const TEMPLATE_DIR = '/etc/robustmq';
const RENDERED_DIR = '/var/run/robustmq';
const SERVER_TOML = 'server.toml';
const LOGGER_TOML = 'logger.toml';
const POD_SCRIPT = 'robustmq.sh';

/** The label value that marks the Service Prometheus scrapes (`app.kubernetes.io/component`). */
export const METRICS_SERVICE_COMPONENT = 'metrics';

/**
 * Where the cluster's credentials come from: a Kubernetes Secret the pods read with
 * `secretKeyRef`. The pod script writes them into each pod's own `server.toml`.
 */
export interface RobustMqCredentials {
  /**
   * The Secret's name. The pods do not start until it exists.
   *
   * @default '<clusterName>-credentials'
   */
  readonly secretName?: string;
  /**
   * The key of the admin API's user name (`[admin] username`).
   *
   * @default 'admin-username'
   */
  readonly adminUsernameKey?: string;
  /**
   * The key of the admin API's password (`[admin] password`).
   *
   * @default 'admin-password'
   */
  readonly adminPasswordKey?: string;
  /**
   * The key of the admin API's JWT signing secret (`[admin] jwt_secret`, at least 32 characters).
   *
   * @default 'jwt-secret'
   */
  readonly jwtSecretKey?: string;
  /**
   * The key of the MQTT super user's name (`[mqtt_runtime.auth] default_user`).
   *
   * @default 'mqtt-username'
   */
  readonly mqttUsernameKey?: string;
  /**
   * The key of the MQTT super user's password (`[mqtt_runtime.auth] default_password`).
   *
   * @default 'mqtt-password'
   */
  readonly mqttPasswordKey?: string;
}

/** Who may reach the cluster's pods. */
export interface RobustMqNetworkPolicyOptions {
  /**
   * Whether to emit the NetworkPolicy.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Namespaces whose pods may reach the client ports (by `kubernetes.io/metadata.name`).
   *
   * @default - every pod and every address, in the cluster or outside
   */
  readonly clientNamespaces?: string[];
  /**
   * Namespaces whose pods may reach the admin port 58080 (metrics, admin API), besides the
   * cluster's own pods: where Prometheus runs.
   *
   * @default ['monitoring']
   */
  readonly metricsNamespaces?: string[];
}

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
   * Extra labels on every object and pod. A key the library sets itself (the
   * `app.kubernetes.io/*` labels that select and identify its objects) is refused rather than
   * replaced.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * The Secret with the admin API's and MQTT's credentials. RobustMQ's own defaults are public,
   * so the pods refuse to start with them, and do not start until the Secret exists.
   *
   * @default - Secret '<clusterName>-credentials' with keys admin-username, admin-password, jwt-secret, mqtt-username, mqtt-password
   */
  readonly credentials?: RobustMqCredentials;

  /**
   * The protocols the client Service exposes. Every listener is declared on the container
   * whatever is chosen here; only these are reachable through the Service.
   *
   * @default [ClientProtocol.MQTT, ClientProtocol.WEBSOCKET]
   */
  readonly protocols?: ClientProtocol[];

  /**
   * The NetworkPolicy of the pods: client ports from anywhere (or the namespaces given), gRPC
   * and the storage engine from the cluster's own pods, the admin port from the monitoring
   * namespaces and the cluster's own pods.
   *
   * @default - enabled, metrics from namespace 'monitoring'
   */
  readonly networkPolicy?: RobustMqNetworkPolicyOptions;

  /**
   * How long a fresh pod other than ordinal 0 waits for ordinal 0's meta service to have a Raft
   * leader before it exits (and Kubernetes restarts it).
   *
   * @default Duration.minutes(5)
   */
  readonly peerWait?: Duration;
}

/**
 * A RobustMQ cluster on Kubernetes: a StatefulSet of `broker-server` pods forming one Raft
 * group, its configuration, a client Service, a headless Service for peer DNS, a
 * PodDisruptionBudget that keeps a majority up, and per-pod data volumes.
 */
export class RobustMqCluster extends Construct implements IRobustMqTarget {
  /**
   * A RobustMQ deployed outside this app (Helm, an operator, hand-written manifests), for the
   * monitors, alerts, log agent, dashboards and the stack to observe. Validates the attributes.
   */
  public static fromClusterAttributes(attrs: RobustMqClusterAttributes): IRobustMqTarget {
    return importRobustMqTarget(attrs);
  }

  /** The StatefulSet of RobustMQ pods. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The RobustMQ container. */
  public readonly container: kplus.Container;
  /** The client Service: the chosen client protocols only. */
  public readonly service: kplus.Service;
  /**
   * The headless Service Prometheus scrapes `/metrics` through (admin port only, not for
   * clients; it lists pods that are not Ready too).
   */
  public readonly metricsService: kplus.Service;
  /** The NetworkPolicy of the pods, unless turned off. */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;
  /** The name of the Secret the credentials come from. */
  public readonly credentialsSecretName: string;
  /** The key of the MQTT user name in that Secret (what an MQTT client of the cluster reads). */
  public readonly mqttUsernameKey: string;
  /** The key of the MQTT password in that Secret. */
  public readonly mqttPasswordKey: string;
  /** The protocols the client Service exposes. */
  public readonly protocols: ClientProtocol[];
  /** The headless Service that gives every pod a stable DNS name. */
  public readonly headlessService: kplus.Service;
  /** The ConfigMap with `server.toml` (a template filled in per pod), `logger.toml` and the pod script. */
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
  /** Labels that select this cluster's pods; stable across upgrades. */
  public readonly selectorLabels: { [key: string]: string };
  /** Labels that select the metrics Service (and no other Service of the cluster). */
  public readonly metricsServiceLabels: { [key: string]: string };
  /** The name of the Service port serving Prometheus metrics. */
  public readonly metricsPortName: string;
  /** The number of the port serving Prometheus metrics. */
  public readonly metricsPort: number;
  /** The HTTP path of the Prometheus metrics. */
  public readonly metricsPath: string;
  /** Stable DNS name of every pod, ordinal 0 first. */
  public readonly podDnsNames: string[];
  /** @internal The model server.toml is rendered from (tests read it). */
  public readonly _serverConfig: ServerTomlModel;
  /** The pods are named `<podNamePrefix>-<ordinal>`: the StatefulSet's name. */
  public readonly podNamePrefix: string;
  /** The name of the RobustMQ container. */
  public readonly containerName: string;
  /** The data claims are named `<dataClaimPrefix>-<ordinal>`. */
  public readonly dataClaimPrefix: string;
  /** The name of the metrics Service (the `job` label of the scraped series). */
  public readonly metricsServiceName: string;
  /** The metrics Service, as the Service the monitors cross-check (always set). */
  public readonly appMetricsService?: kplus.Service;
  /** The StatefulSet, as the workload the pod monitors cross-check (always set). */
  public readonly appWorkload?: kplus.Workload;

  constructor(scope: Construct, id: string, props: RobustMqClusterProps = {}) {
    super(scope, id);

    // ---- validate and resolve props ----
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid(this, KIND, 'namespace', namespace,
        'must be set, on the construct or its Chart: the peers\' DNS names in meta_addrs include it');
    }
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    const clusterName = props.clusterName ?? DEFAULT_CLUSTER_NAME;
    // Services are named after it (DNS-1035: a letter first); pod names are <clusterName>-<ordinal>
    // and carry the controller-revision-hash label: 52 characters at most. The longest Service
    // name, <clusterName>-headless, stays within 63.
    check(this, KIND, 'clusterName', clusterName, checks.dns1035Label(clusterName, 52));
    claimObjectName(this, KIND, 'clusterName', clusterName, { kind: 'StatefulSet', namespace, name: clusterName },
      ': two clusters of one name in one namespace would share their pods, Services and volumes');
    const replicas = props.replicas ?? DEFAULT_REPLICAS;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    const version = props.version ?? ROBUSTMQ_DEFAULT_VERSION;
    check(this, KIND, 'version', version, checks.version(version));
    const image = props.image ?? robustMqImage(version);
    check(this, KIND, 'image', image, checks.image(image));
    const { tag, digest } = splitImage(image);
    if (tag === undefined && digest === undefined) {
      invalid(this, KIND, 'image', image, `must carry a tag or a digest: without one the pods run whatever 'latest' is, while their labels say version '${version}'`);
    }
    const pullPolicy = props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT;
    check(this, KIND, 'imagePullPolicy', pullPolicy, checks.oneOf(pullPolicy, Object.values(kplus.ImagePullPolicy)));
    const minReady = props.minReady ?? Duration.seconds(30);
    const minReadySeconds = minReady.toMilliseconds() / 1000;
    check(this, KIND, 'minReady', `${minReadySeconds}s`, checks.integer(minReadySeconds, 0, 2147483647)
      ? 'must be a whole number of seconds from 0 to 2147483647 (minReadySeconds is an int32)' : undefined);
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
      memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
    };
    checkResources(this, KIND, resources);
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
    checkStorageSize(this, KIND, 'storageSize', storageSize, 1);
    const storageQuantity = quantity(storageSize);
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
    const credentials = props.credentials ?? {};
    const credentialsSecretName = credentials.secretName ?? `${clusterName}-credentials`;
    check(this, KIND, 'credentials.secretName', credentialsSecretName, checks.dnsSubdomain(credentialsSecretName));
    const secretKeys: { [f in CredentialField]: string } = {
      adminUsername: credentials.adminUsernameKey ?? DEFAULT_CREDENTIAL_KEYS.adminUsername,
      adminPassword: credentials.adminPasswordKey ?? DEFAULT_CREDENTIAL_KEYS.adminPassword,
      jwtSecret: credentials.jwtSecretKey ?? DEFAULT_CREDENTIAL_KEYS.jwtSecret,
      mqttUsername: credentials.mqttUsernameKey ?? DEFAULT_CREDENTIAL_KEYS.mqttUsername,
      mqttPassword: credentials.mqttPasswordKey ?? DEFAULT_CREDENTIAL_KEYS.mqttPassword,
    };
    for (const [field, key] of Object.entries(secretKeys)) {
      check(this, KIND, `credentials.${field}Key`, key, checks.secretKey(key));
    }
    const protocols = props.protocols ?? [...DEFAULT_CLIENT_PROTOCOLS];
    if (protocols.length === 0) {
      invalid(this, KIND, 'protocols', protocols, `must name at least one of ${Object.values(ClientProtocol).map((p) => `'${p}'`).join(', ')}`);
    }
    for (const p of protocols) {
      check(this, KIND, 'protocols', p, checks.oneOf(p, Object.values(ClientProtocol)));
    }
    if (new Set(protocols).size !== protocols.length) {
      invalid(this, KIND, 'protocols', protocols, 'must not repeat a protocol');
    }
    if (!roles.includes(RobustMqRole.BROKER)) {
      invalid(this, KIND, 'protocols', protocols, "must be served by the 'broker' role, which roles leave out");
    }
    const policy = props.networkPolicy ?? {};
    const policyEnabled = policy.enabled ?? true;
    const clientNamespaces = policy.clientNamespaces;
    const metricsNamespaces = policy.metricsNamespaces ?? ['monitoring'];
    for (const ns of clientNamespaces ?? []) {
      check(this, KIND, 'networkPolicy.clientNamespaces', ns, checks.dnsLabel(ns));
    }
    for (const ns of metricsNamespaces) {
      check(this, KIND, 'networkPolicy.metricsNamespaces', ns, checks.dnsLabel(ns));
    }
    const peerWait = props.peerWait ?? Duration.minutes(5);
    const peerWaitSeconds = peerWait.toMilliseconds() / 1000;
    check(this, KIND, 'peerWait', `${peerWaitSeconds}s`, checks.integer(peerWaitSeconds, 10, 3600)
      ? 'must be a whole number of seconds from 10s to 1h' : undefined);
    if (replicas % 2 === 0) {
      warn(this, `replicas is ${replicas}: an even number of Raft members tolerates no more failures than ${replicas - 1} (a majority of ${raftMajority(replicas)} is needed); prefer an odd number`);
    }

    this.namespace = namespace;
    this.clusterName = clusterName;
    this.version = version;
    this.replicas = replicas;
    this.quorum = raftMajority(replicas);
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
    this.selectorLabels = robustMqSelectorLabels(clusterName);
    this.metricsServiceLabels = { ...this.selectorLabels, 'app.kubernetes.io/component': METRICS_SERVICE_COMPONENT };
    this.credentialsSecretName = credentialsSecretName;
    this.mqttUsernameKey = secretKeys.mqttUsername;
    this.mqttPasswordKey = secretKeys.mqttPassword;
    this.protocols = [...protocols];
    // The user's labels go beside ours, never in place of them.
    const ourLabels = { ...this.identity.labels, ...this.metricsServiceLabels };
    for (const k of Object.keys(props.labels ?? {})) check(this, KIND, 'labels key', k, checks.userLabelKey(k, ourLabels));
    const objectLabels = { ...(props.labels ?? {}), ...this.identity.labels };
    const metadata = (name: string) => ({ name, namespace, labels: objectLabels });

    // ---- configuration ----
    const headlessName = `${clusterName}-headless`;
    this.podDnsNames = Array.from({ length: replicas }, (_, i) =>
      `${clusterName}-${i}.${headlessName}.${namespace}.svc.${clusterDomain}`);
    this._serverConfig = {
      clusterName,
      roles,
      grpcPort: ROBUSTMQ_PORTS.grpc.port,
      httpPort: ROBUSTMQ_PORTS.http.port,
      metaHosts: this.podDnsNames,
      loggerConfigPath: `${TEMPLATE_DIR}/${LOGGER_TOML}`,
      logPath: `${ROBUSTMQ_DATA_DIR}/logs`,
      dataPath: ROBUSTMQ_DATA_DIR,
      engineDataPaths: roles.includes(RobustMqRole.ENGINE) ? [`${ROBUSTMQ_DATA_DIR}/engine`] : [],
    };
    // Every listener of the pods' roles: declared on the container, checked by readiness.
    const listeners: RobustMqPortSpec[] = [ROBUSTMQ_PORTS.grpc, ROBUSTMQ_PORTS.http, ...roles.flatMap((r) => ROBUSTMQ_ROLE_PORTS[r])];
    const podScript = renderPodScript({
      templatePath: `${TEMPLATE_DIR}/${SERVER_TOML}`,
      renderedPath: `${RENDERED_DIR}/${SERVER_TOML}`,
      binary: ROBUSTMQ_BINARY,
      statefulSetName: clusterName,
      dataDir: ROBUSTMQ_DATA_DIR,
      firstPeerHost: this.podDnsNames[0],
      httpPort: ROBUSTMQ_PORTS.http.port,
      grpcPort: ROBUSTMQ_PORTS.grpc.port,
      tcpPorts: listeners.filter((p) => p.protocol !== 'UDP' && p !== ROBUSTMQ_PORTS.grpc && p !== ROBUSTMQ_PORTS.http).map((p) => p.port),
      udpPorts: listeners.filter((p) => p.protocol === 'UDP').map((p) => p.port),
      peerWaitSeconds,
      secretName: credentialsSecretName,
      secretKeys,
    });
    const configData = {
      [SERVER_TOML]: renderServerTomlTemplate(this._serverConfig),
      [LOGGER_TOML]: renderLoggerToml({ level: logLevel }),
      [POD_SCRIPT]: podScript,
    };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${clusterName}-config`),
      data: configData,
    });

    // ---- services ----
    this.headlessService = new kplus.Service(this, 'Headless', {
      metadata: metadata(headlessName),
      clusterIP: 'None',
      // Peers must resolve each other before they are Ready, or the Raft group never forms.
      publishNotReadyAddresses: true,
      // Peer traffic only: gRPC and, with the engine role, the storage engine.
      ports: [ROBUSTMQ_PORTS.grpc, ...(roles.includes(RobustMqRole.ENGINE) ? [ROBUSTMQ_PORTS.engine] : [])].map(servicePort),
    });
    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(clusterName),
      type: kplus.ServiceType.CLUSTER_IP,
      // Client protocols only: the admin port serves pprof and an unauthenticated MCP endpoint.
      ports: protocols.map((p) => servicePort(CLIENT_PROTOCOL_PORTS[p])),
    });
    this.metricsService = new kplus.Service(this, 'MetricsService', {
      metadata: { name: `${clusterName}-metrics`, namespace, labels: { ...objectLabels, ...this.metricsServiceLabels } },
      clusterIP: 'None',
      // Scrape pods that are not Ready too: their metrics say why.
      publishNotReadyAddresses: true,
      ports: [servicePort(ROBUSTMQ_PORTS.http)],
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) {
      this.headlessService.selectLabel(k, v);
      this.service.selectLabel(k, v);
      this.metricsService.selectLabel(k, v);
    }

    // ---- workload ----
    this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
      metadata: metadata(clusterName),
      service: this.headlessService,
      replicas,
      select: false,
      // All pods start at once, so the Raft group can form on first start.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      minReady,
      podMetadata: { labels: { ...(props.labels ?? {}) } },
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(runAsUser),
      terminationGracePeriod: Duration.seconds(60),
    });
    this.statefulSet.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    this.appWorkload = this.statefulSet;
    this.podNamePrefix = this.statefulSet.name;
    this.dataClaimPrefix = `${DATA_VOLUME_NAME}-${this.statefulSet.name}`;
    for (const [k, v] of Object.entries(this.selectorLabels)) {
      this.statefulSet.podMetadata.addLabel(k, v);
    }

    // A change of the config or the script rolls the pods.
    this.statefulSet.podMetadata.addAnnotation('robustmq.io/config-sha256',
      createHash('sha256').update(JSON.stringify(configData)).digest('hex'));
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const renderedVolume = kplus.Volume.fromEmptyDir(this, 'RenderedVolume', 'rendered-config', { sizeLimit: Size.mebibytes(1) });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(256) });

    this.metricsServiceName = this.metricsService.name;
    this.appMetricsService = this.metricsService;
    this.container = this.statefulSet.addContainer({
      name: ROBUSTMQ_CONTAINER_NAME,
      image,
      imagePullPolicy: pullPolicy,
      workingDir: ROBUSTMQ_WORKDIR,
      command: ['/bin/sh', `${TEMPLATE_DIR}/${POD_SCRIPT}`, 'start'],
      ports: listeners.map((p) => ({ name: p.name, number: p.port, protocol: p.protocol === 'UDP' ? kplus.Protocol.UDP : kplus.Protocol.TCP })),
      securityContext: restrictedSecurityContext(runAsUser),
      resources,
      // gRPC opens once the pod script has stopped waiting: allow the wait and two minutes more.
      startup: kplus.Probe.fromTcpSocket({
        port: ROBUSTMQ_PORTS.grpc.port,
        periodSeconds: Duration.seconds(5),
        failureThreshold: Math.ceil((peerWaitSeconds + 120) / 5),
      }),
      // Ready means: the meta service answers with a Raft leader and every listener is open.
      readiness: kplus.Probe.fromCommand(['/bin/sh', `${TEMPLATE_DIR}/${POD_SCRIPT}`, 'ready'], {
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(5),
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

    this.containerName = this.container.name;

    for (const [name, value] of Object.entries(props.env ?? {})) {
      check(this, KIND, `env.${name}`, name, checks.envName(name));
      if (name === 'HOSTNAME') {
        invalid(this, KIND, 'env.HOSTNAME', value,
          'must not be set: Kubernetes sets HOSTNAME to the pod name, and the start script and RobustMQ read the pod name from it');
      }
      this.container.env.addVariable(name, kplus.EnvValue.fromValue(value));
    }
    // The credentials, from the Secret only: the pod script writes them into server.toml.
    const secret = kplus.Secret.fromSecretName(this, 'CredentialsSecret', credentialsSecretName);
    for (const field of Object.keys(CREDENTIAL_ENV) as CredentialField[]) {
      this.container.env.addVariable(CREDENTIAL_ENV[field], kplus.EnvValue.fromSecretValue({ secret, key: secretKeys[field] }));
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
      metadata: { name: DATA_VOLUME_NAME, labels: { ...this.selectorLabels } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: kplus.k8s.Quantity.fromString(storageQuantity) } },
      },
    };
    const sts = ApiObject.of(this.statefulSet);
    sts.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', [claim]));
    sts.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: DATA_VOLUME_NAME, mountPath: ROBUSTMQ_DATA_DIR }));
    sts.addJsonPatch(JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }));
    // cdk8s-plus always labels pods with its construct-address label; the selectors here use the
    // stable app.kubernetes.io labels only, so drop it from the pods and the headless Service.
    removeAddressLabelFromPods(this.statefulSet);
    canonicalMemoryQuantities(this.statefulSet);
    ApiObject.of(this.headlessService).addJsonPatch(JsonPatch.remove(`/spec/selector${ADDRESS_LABEL_PATH}`));

    if (policyEnabled) {
      this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(clusterName),
        spec: renderNetworkPolicy({
          podLabels: this.selectorLabels,
          clientPorts: protocols.map((p) => CLIENT_PROTOCOL_PORTS[p]),
          peerPorts: [ROBUSTMQ_PORTS.grpc, ...(roles.includes(RobustMqRole.ENGINE) ? [ROBUSTMQ_PORTS.engine] : [])],
          adminPort: ROBUSTMQ_PORTS.http,
          clientNamespaces,
          metricsNamespaces,
        }),
      });
    }

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

function servicePort(p: RobustMqPortSpec): kplus.ServicePort {
  return { name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol === 'UDP' ? kplus.Protocol.UDP : kplus.Protocol.TCP };
}

import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JaegerConfigModel, JaegerStorageModel, renderJaegerConfig } from './config';
import {
  JAEGER_BADGER_DIR,
  JAEGER_CONFIG_DIR,
  JAEGER_CONFIG_FILE,
  JAEGER_DATASOURCE_UID,
  JAEGER_DEFAULT_IMAGE,
  JAEGER_DEFAULT_MAX_TRACES,
  JAEGER_DEFAULT_NAME,
  JAEGER_FIXED_PORTS,
  JAEGER_HEALTH_PATH,
  JAEGER_IMAGE_USER,
  JAEGER_METRICS_PATH,
  JAEGER_PORTS,
  JAEGER_RECEIVER_PORTS,
  JaegerPortKey,
  JaegerStorage,
} from './facts';
import {
  ConnectionFieldNames, DEFAULT_ELASTICSEARCH_URL, ElasticsearchConnection, SearchEngine, connectionFieldNames, credentialEnv, warnAboutConnection,
} from '../elasticsearch/connection';
import { selfMonitor, SelfMonitoringOptions } from '../metrics/self-monitoring';
import { ComponentServiceMonitor } from '../metrics/service-monitor';
import { ServiceScrapeTarget } from '../metrics/target';
import { NetworkPolicyOptions, renderDeclaredPortsPolicy } from '../network-policy';
import { canonicalMemoryQuantities, checkResources, checkStorageSize, nonRootPodSecurityContext, quantity, restrictedSecurityContext } from '../pods';
import * as checks from '../validation/checks';
import { duration, durationMs } from '../validation/duration';
import { elasticsearchIndex } from '../validation/elasticsearch';
import { check, invalid } from '../validation/errors';
import { claimObjectName } from '../validation/names';
import * as tchecks from '../validation/tracing';

export { JaegerStorage } from './facts';

const KIND = 'Jaeger';

/** Which receivers are on. Each one that is on gets a container port and a Service port. */
export interface JaegerReceivers {
  /**
   * OTLP over gRPC (what OpenTelemetry SDKs send by default, `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`).
   *
   * @default true
   */
  readonly otlpGrpc?: boolean;
  /**
   * OTLP over HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`).
   *
   * @default true
   */
  readonly otlpHttp?: boolean;
  /**
   * Jaeger thrift over HTTP, the v1 collector's port (legacy Jaeger clients).
   *
   * @default true
   */
  readonly jaegerThriftHttp?: boolean;
  /**
   * Zipkin v1/v2 JSON and protobuf (the v1 `COLLECTOR_ZIPKIN_HOST_PORT`).
   *
   * @default true
   */
  readonly zipkin?: boolean;
}

/** Port numbers. Every receiver that is on and the query, health and metrics ports must differ. */
export interface JaegerPorts {
  /**
   * OTLP gRPC receiver.
   *
   * @default 4317
   */
  readonly otlpGrpc?: number;
  /**
   * OTLP HTTP receiver.
   *
   * @default 4318
   */
  readonly otlpHttp?: number;
  /**
   * Jaeger thrift HTTP receiver.
   *
   * @default 14268
   */
  readonly jaegerThriftHttp?: number;
  /**
   * Zipkin receiver.
   *
   * @default 9411
   */
  readonly zipkin?: number;
  /**
   * Query API and UI.
   *
   * @default 16686
   */
  readonly query?: number;
  /**
   * Health-check extension (probes).
   *
   * @default 13133
   */
  readonly health?: number;
  /**
   * Internal telemetry: Prometheus metrics at `/metrics`.
   *
   * @default 8888
   */
  readonly metrics?: number;
}

/** Options of the badger storage. */
export interface JaegerBadgerOptions {
  /**
   * Size of the PersistentVolumeClaim that holds the badger files.
   *
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the claim.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How long spans are kept, a duration such as '72h' or '7d'.
   *
   * @default '72h'
   */
  readonly spanTtl?: string;
}

/**
 * Elasticsearch credentials from a Secret in Jaeger's namespace.
 *
 * @deprecated use `ElasticsearchConnection` (its `credentials`)
 */
export interface JaegerElasticsearchCredentials {
  /** The Secret's name. */
  readonly secretName: string;
  /**
   * The key of the user name.
   *
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * The key of the password.
   *
   * @default 'password'
   */
  readonly passwordKey?: string;
}

/**
 * Options of the Elasticsearch storage.
 *
 * @deprecated use `JaegerProps.elasticsearchConnection`
 */
export interface JaegerElasticsearchOptions {
  /**
   * The Elasticsearch URL: http or https, a host and an optional port.
   *
   * @default 'http://elasticsearch.monitoring.svc.cluster.local:9200'
   */
  readonly url?: string;
  /**
   * Prefix of Jaeger's indices (`<prefix>-jaeger-span-YYYY-MM-DD`, ...).
   *
   * @default - no prefix: the indices of the v1 seed (`jaeger-span-*`, `jaeger-service-*`)
   */
  readonly indexPrefix?: string;
  /**
   * Basic-auth credentials, read from a Secret into environment variables (`ES_USERNAME`,
   * `ES_PASSWORD`) that the configuration refers to; no password is written into the ConfigMap.
   *
   * @default - no authentication
   */
  readonly credentials?: JaegerElasticsearchCredentials;
}

/** Properties of a Jaeger. */
export interface JaegerProps {
  /**
   * Name of the Deployment and Service (the Service's DNS name), base of the other names.
   *
   * @default 'jaeger'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   *
   * @default - the enclosing Chart's namespace; one of the two must be set
   */
  readonly namespace?: string;
  /**
   * The cluster's DNS domain, used in the endpoint URLs.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The Jaeger v2 image. A Jaeger v1 image (`jaegertracing/all-in-one`, a 1.x tag) is refused:
   * v1 reached end of life on 2025-12-31.
   *
   * @default 'jaegertracing/jaeger:2.13.0'
   */
  readonly image?: string;
  /**
   * The image pull policy.
   *
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Where spans are stored.
   *
   * @default JaegerStorage.MEMORY
   */
  readonly storage?: JaegerStorage;
  /**
   * The memory store's bound: it keeps at most this many traces. Only with `JaegerStorage.MEMORY`.
   *
   * @default 100000
   */
  readonly maxTraces?: number;
  /**
   * Badger options. Only with `JaegerStorage.BADGER`.
   *
   * @default - a 10Gi claim in the default StorageClass, spans kept 72h
   */
  readonly badger?: JaegerBadgerOptions;
  /**
   * The Elasticsearch spans are stored in; its `index` is the prefix of Jaeger's indices
   * (`<prefix>-jaeger-span-YYYY-MM-DD`, ...). Only with `JaegerStorage.ELASTICSEARCH`. TLS
   * follows the URL's scheme; a CA Secret or `verify: false` is not supported for Jaeger yet.
   *
   * @default - ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL): no index prefix, no authentication
   */
  readonly elasticsearchConnection?: ElasticsearchConnection;
  /**
   * Elasticsearch options. Only with `JaegerStorage.ELASTICSEARCH`.
   *
   * @default - the seed's URL, no index prefix, no authentication
   * @deprecated use `elasticsearchConnection`
   */
  readonly elasticsearch?: JaegerElasticsearchOptions;
  /**
   * Which receivers are on; at least one must be.
   *
   * @default - all: OTLP gRPC and HTTP, Jaeger thrift HTTP, Zipkin
   */
  readonly receivers?: JaegerReceivers;
  /**
   * Port numbers.
   *
   * @default - 4317, 4318, 14268, 9411, query 16686, health 13133, metrics 8888
   */
  readonly ports?: JaegerPorts;
  /**
   * Number of pods. More than one only with Elasticsearch: the memory and badger stores live
   * inside one pod.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory of the Jaeger container.
   *
   * @default - requests 200m CPU and 512Mi memory, limits 1 CPU and 2Gi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * The NetworkPolicy of the Jaeger pods: ingress on the enabled receiver, query, health and
   * metrics ports only.
   *
   * @default - emitted
   */
  readonly networkPolicy?: NetworkPolicyOptions;
  /**
   * Numeric user and group the container runs as.
   *
   * @default 10001 (the image's user)
   */
  readonly runAsUser?: number;
  /**
   * The ServiceMonitor of Jaeger's own metrics, which JaegerAlerts reads; `enabled: false`
   * leaves it out.
   *
   * @default - a ServiceMonitor named like Jaeger in its namespace, with { release: 'kube-prometheus-stack' }
   */
  readonly monitoring?: SelfMonitoringOptions;
  /**
   * Extra labels on every object and pod. A key the library sets itself (the
   * `app.kubernetes.io/*` labels that select and identify its objects) is refused rather than
   * replaced.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/** Where Jaeger is reached: what OpenTelemetry clients and the Grafana datasource need. */
export interface JaegerEndpoint {
  /** The Service's name. */
  readonly serviceName: string;
  /** The Service's namespace. */
  readonly namespace: string;
  /** The Service's fully qualified DNS name, `<name>.<namespace>.svc.<clusterDomain>`. */
  readonly host: string;
  /** The query (API and UI) port. */
  readonly queryPort: number;
  /** The query URL, `http://<host>:16686`: the Grafana Jaeger datasource's URL (GrafanaDatasources `jaegerUrl`). */
  readonly queryUrl: string;
  /**
   * The OTLP gRPC port.
   *
   * @default - undefined when the OTLP gRPC receiver is off
   */
  readonly otlpGrpcPort?: number;
  /**
   * The OTLP gRPC URL, `http://<host>:4317`: `OTEL_EXPORTER_OTLP_ENDPOINT` with protocol `grpc`.
   *
   * @default - undefined when the OTLP gRPC receiver is off
   */
  readonly otlpGrpcUrl?: string;
  /**
   * The OTLP HTTP port.
   *
   * @default - undefined when the OTLP HTTP receiver is off
   */
  readonly otlpHttpPort?: number;
  /**
   * The OTLP HTTP base URL, `http://<host>:4318` (SDKs append `/v1/traces`).
   *
   * @default - undefined when the OTLP HTTP receiver is off
   */
  readonly otlpHttpUrl?: string;
  /** The stable uid of the Grafana Jaeger datasource, `robustmq-jaeger` (`DATASOURCE_UIDS.jaeger`). */
  readonly datasourceUid: string;
}

/**
 * Jaeger v2 (the `jaegertracing/jaeger` all-in-one binary, an OpenTelemetry Collector
 * distribution): a Deployment, a ConfigMap with its YAML configuration (passed with `--config`),
 * a Service with a named port per receiver that is on plus query, health and metrics, and a
 * ServiceMonitor for its own metrics. Storage is memory (bounded), badger on a
 * PersistentVolumeClaim, or Elasticsearch with credentials from a Secret.
 */
export class Jaeger extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Jaeger container. */
  public readonly container: kplus.Container;
  /** The Service: receivers, query/UI, health, metrics. */
  public readonly service: kplus.Service;
  /** The NetworkPolicy of the pods, unless turned off. */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;
  /** The ConfigMap with `config.yaml`. */
  public readonly configMap: kplus.ConfigMap;
  /** The badger data claim (badger storage only). */
  public readonly persistentVolumeClaim?: kplus.k8s.KubePersistentVolumeClaim;
  /** The ServiceMonitor of Jaeger's own metrics (unless `monitoring.enabled` is false). */
  public readonly serviceMonitor?: ComponentServiceMonitor;

  /** The object name (Deployment, Service). */
  public readonly name: string;
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The image. */
  public readonly image: string;
  /** Where spans are stored. */
  public readonly storage: JaegerStorage;
  /** Number of pods. */
  public readonly replicas: number;
  /** Where Jaeger is reached (OTLP, query, Grafana datasource uid). */
  public readonly endpoint: JaegerEndpoint;
  /** The configuration file's text, as in the ConfigMap. */
  public readonly configYaml: string;
  /** Labels that select Jaeger's pods and Service. */
  public readonly selectorLabels: { [key: string]: string };
  /** Number of every port that is on, by Service port name. */
  public readonly ports: { [portName: string]: number };
  /** The name of the Service port serving Prometheus metrics. */
  public readonly metricsPortName: string;
  /**
   * The Elasticsearch spans are stored in (Elasticsearch storage only).
   *
   * @default - none: another storage
   */
  public readonly elasticsearchConnection?: ElasticsearchConnection;

  /** The connection resolveStorage() made, with Elasticsearch storage. */
  private storageConnection?: ElasticsearchConnection;

  constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    super(scope, id);

    // ---- validate and resolve props ----
    if (props.resources) checkResources(this, KIND, props.resources);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid(this, KIND, 'namespace', namespace, "must be set, on the construct or its Chart: the endpoint's DNS name includes it");
    }
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    const name = props.name ?? JAEGER_DEFAULT_NAME;
    // `<name>-config` and `<name>-data` must stay valid; Deployment pod names add two hashes.
    check(this, KIND, 'name', name, checks.dns1035Label(name, 47));
    claimObjectName(this, KIND, 'name', name, { kind: 'Deployment', namespace, name }, ': the second would replace the first when applied');
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    check(this, KIND, 'clusterDomain', clusterDomain, checks.dnsSubdomain(clusterDomain));
    const image = props.image ?? JAEGER_DEFAULT_IMAGE;
    check(this, KIND, 'image', image, tchecks.jaegerImage(image));
    const storage = props.storage ?? JaegerStorage.MEMORY;
    check(this, KIND, 'storage', storage, tchecks.jaegerStorage(storage));
    const runAsUser = props.runAsUser ?? JAEGER_IMAGE_USER;
    check(this, KIND, 'runAsUser', runAsUser, checks.integer(runAsUser, 1, 2147483647));
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      check(this, KIND, 'labels key', k, checks.labelKey(k));
      check(this, KIND, `labels.${k}`, v, checks.labelValue(v));
    }

    const storageModel = this.resolveStorage(storage, props);
    this.elasticsearchConnection = this.storageConnection;
    const replicas = props.replicas ?? 1;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    if (replicas > 1 && storage !== JaegerStorage.ELASTICSEARCH) {
      invalid(this, KIND, 'replicas', replicas,
        `must be 1 with storage '${storage}': the ${storage} store lives inside one pod, so other pods would neither see nor keep its spans; use storage 'elasticsearch' to run more`);
    }

    // Ports: the receivers that are on, then query, health and metrics; all must differ.
    const receiversOn: { [key: string]: boolean } = {
      otlpGrpc: true, otlpHttp: true, jaegerThriftHttp: true, zipkin: true, ...definedOnly(props.receivers ?? {}),
    };
    const enabled: JaegerPortKey[] = [...JAEGER_RECEIVER_PORTS.filter((k) => receiversOn[k] !== false), ...JAEGER_FIXED_PORTS];
    if (!JAEGER_RECEIVER_PORTS.some((k) => receiversOn[k] !== false)) {
      invalid(this, KIND, 'receivers', props.receivers, 'must leave at least one receiver on: a trace pipeline without receivers does not start');
    }
    const numbers: { [key: string]: number } = {};
    for (const key of Object.keys(JAEGER_PORTS) as JaegerPortKey[]) {
      const n = (props.ports ?? {})[key] ?? JAEGER_PORTS[key].port;
      check(this, KIND, `ports.${key}`, n, tchecks.portNumber(n));
      numbers[key] = n;
    }
    // Defaults first, so that a collision names the port the user set.
    const given = (k: JaegerPortKey) => (props.ports ?? {})[k] !== undefined;
    const checkOrder = [...enabled.filter((k) => !given(k)), ...enabled.filter(given)];
    const collision = tchecks.findPortCollision(checkOrder.map((k) => [k, numbers[k]] as const));
    if (collision) invalid(this, KIND, `ports.${collision.field}`, collision.port, tchecks.portCollisionProblem(collision));

    this.name = name;
    this.namespace = namespace;
    this.image = image;
    this.storage = storage;
    this.replicas = replicas;
    this.metricsPortName = JAEGER_PORTS.metrics.name;
    this.ports = Object.fromEntries(enabled.map((k) => [JAEGER_PORTS[k].name, numbers[k]]));

    const tag = tchecks.splitImage(image).tag;
    this.selectorLabels = { 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': name };
    const ourLabels: { [key: string]: string } = {
      ...this.selectorLabels,
      ...(tag !== undefined ? { 'app.kubernetes.io/version': tag.replace(/^v/, '') } : {}),
      'app.kubernetes.io/component': 'tracing',
      'app.kubernetes.io/part-of': 'robustmq-observability',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    // The user's labels go beside ours, never in place of them.
    for (const k of Object.keys(props.labels ?? {})) check(this, KIND, 'labels key', k, checks.userLabelKey(k, ourLabels));
    const objectLabels = { ...(props.labels ?? {}), ...ourLabels };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels: { ...objectLabels } });

    // ---- configuration ----
    const model: JaegerConfigModel = {
      receivers: Object.fromEntries(JAEGER_RECEIVER_PORTS.filter((k) => enabled.includes(k)).map((k) => [k, numbers[k]])),
      queryPort: numbers.query,
      healthPort: numbers.health,
      metricsPort: numbers.metrics,
      storage: storageModel,
      serviceName: name,
      logLevel: 'info',
    };
    this.configYaml = renderJaegerConfig(model);
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${name}-config`),
      data: { [JAEGER_CONFIG_FILE]: this.configYaml },
    });

    // ---- Service ----
    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(name),
      type: kplus.ServiceType.CLUSTER_IP,
      ports: enabled.map((k) => ({ name: JAEGER_PORTS[k].name, port: numbers[k], targetPort: numbers[k], protocol: kplus.Protocol.TCP })),
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) this.service.selectLabel(k, v);
    if (props.networkPolicy?.enabled ?? true) {
      this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(name),
        spec: renderDeclaredPortsPolicy(this.selectorLabels, enabled.map((k) => ({ port: numbers[k] }))),
      });
    }

    // ---- workload ----
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: metadata(name),
      replicas,
      select: false,
      podMetadata: { labels: { ...(props.labels ?? {}) } },
      // Badger holds a lock on its directory and the claim is ReadWriteOnce: stop the old pod first.
      strategy: storage === JaegerStorage.BADGER ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(runAsUser),
      terminationGracePeriod: Duration.seconds(30),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    for (const [k, v] of Object.entries(objectLabels)) this.deployment.podMetadata.addLabel(k, v);

    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(256) });
    const volumeMounts: kplus.VolumeMount[] = [
      { path: JAEGER_CONFIG_DIR, volume: configVolume, readOnly: true },
      { path: '/tmp', volume: tmpVolume },
    ];
    if (storageModel.kind === JaegerStorage.BADGER) {
      const claimName = `${name}-data`;
      const badger = props.badger ?? {};
      this.persistentVolumeClaim = new kplus.k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: metadata(claimName),
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: badger.storageClassName,
          resources: { requests: { storage: kplus.k8s.Quantity.fromString(quantity(badger.storageSize ?? Size.gibibytes(10))) } },
        },
      });
      const claim = kplus.PersistentVolumeClaim.fromClaimName(this, 'DataClaim', claimName);
      volumeMounts.push({ path: JAEGER_BADGER_DIR, volume: kplus.Volume.fromPersistentVolumeClaim(this, 'DataVolume', claim, { name: 'data' }) });
    }

    const probe = (periodSeconds: number, failureThreshold: number) => kplus.Probe.fromHttpGet(JAEGER_HEALTH_PATH, {
      port: numbers.health,
      periodSeconds: Duration.seconds(periodSeconds),
      timeoutSeconds: Duration.seconds(2),
      failureThreshold,
    });
    this.container = this.deployment.addContainer({
      name: 'jaeger',
      image,
      imagePullPolicy: props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: ['--config', `${JAEGER_CONFIG_DIR}/${JAEGER_CONFIG_FILE}`],
      ports: enabled.map((k) => ({ name: JAEGER_PORTS[k].name, number: numbers[k], protocol: kplus.Protocol.TCP })),
      securityContext: restrictedSecurityContext(runAsUser),
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
      },
      startup: probe(5, 60),
      readiness: probe(10, 3),
      liveness: probe(20, 3),
      volumeMounts,
    });
    canonicalMemoryQuantities(this.deployment);
    if (this.elasticsearchConnection !== undefined) {
      for (const [envName, value] of Object.entries(credentialEnv(this, 'ElasticsearchCredentials', this.elasticsearchConnection))) {
        this.container.env.addVariable(envName, value);
      }
    }

    // ---- where it is reached ----
    const host = `${name}.${namespace}.svc.${clusterDomain}`;
    const on = (k: JaegerPortKey) => enabled.includes(k);
    this.endpoint = {
      serviceName: name,
      namespace,
      host,
      queryPort: numbers.query,
      queryUrl: `http://${host}:${numbers.query}`,
      otlpGrpcPort: on('otlpGrpc') ? numbers.otlpGrpc : undefined,
      otlpGrpcUrl: on('otlpGrpc') ? `http://${host}:${numbers.otlpGrpc}` : undefined,
      otlpHttpPort: on('otlpHttp') ? numbers.otlpHttp : undefined,
      otlpHttpUrl: on('otlpHttp') ? `http://${host}:${numbers.otlpHttp}` : undefined,
      datasourceUid: JAEGER_DATASOURCE_UID,
    };

    // ---- self-monitoring ----
    this.serviceMonitor = selfMonitor(this, KIND, 'monitoring', props.monitoring, {
      name,
      namespace: this.namespace,
      target: ServiceScrapeTarget.fromService(this.service, {
        portName: this.metricsPortName,
        path: JAEGER_METRICS_PATH,
        clusterName: name,
        selectorLabels: { ...this.selectorLabels },
      }),
    });
  }

  private resolveStorage(storage: JaegerStorage, props: JaegerProps): JaegerStorageModel {
    const only = (field: 'maxTraces' | 'badger' | 'elasticsearch' | 'elasticsearchConnection', kind: JaegerStorage) => {
      if (props[field] !== undefined && storage !== kind) {
        invalid(this, KIND, field, props[field], `only applies to storage '${kind}', and storage is '${storage}'`);
      }
    };
    only('maxTraces', JaegerStorage.MEMORY);
    only('badger', JaegerStorage.BADGER);
    only('elasticsearch', JaegerStorage.ELASTICSEARCH);
    only('elasticsearchConnection', JaegerStorage.ELASTICSEARCH);

    if (storage === JaegerStorage.MEMORY) {
      const maxTraces = props.maxTraces ?? JAEGER_DEFAULT_MAX_TRACES;
      check(this, KIND, 'maxTraces', maxTraces, tchecks.maxTraces(maxTraces));
      return { kind: JaegerStorage.MEMORY, maxTraces };
    }
    if (storage === JaegerStorage.BADGER) {
      const b = props.badger ?? {};
      const size = b.storageSize ?? Size.gibibytes(10);
      checkStorageSize(this, KIND, 'badger.storageSize', size, 64, ': badger preallocates its value log files');
      if (b.storageClassName !== undefined) {
        check(this, KIND, 'badger.storageClassName', b.storageClassName, checks.dnsSubdomain(b.storageClassName));
      }
      const ttl = b.spanTtl ?? '72h';
      check(this, KIND, 'badger.spanTtl', ttl, duration(ttl));
      return { kind: JaegerStorage.BADGER, directory: JAEGER_BADGER_DIR, spanTtl: tchecks.goDuration(durationMs(ttl)!) };
    }
    const { connection, names } = this.resolveConnection(props);
    if (connection.engine !== SearchEngine.ELASTICSEARCH) {
      // The storage model renders Jaeger's `elasticsearch` backend only (config.ts storageBackend).
      invalid(this, KIND, names.engine, connection.engine,
        `is not supported with storage '${JaegerStorage.ELASTICSEARCH}': Jaeger's storage here is its Elasticsearch backend only; give Jaeger an Elasticsearch connection of its own, or storage 'memory' or 'badger'`);
    }
    if (connection.caSecret !== undefined || !connection.tlsVerify) {
      invalid(this, KIND, connection.caSecret ? names.caSecret : names.tlsVerify, connection.caSecret?.name ?? false,
        "is not supported for Jaeger yet: its TLS follows the URL's scheme and verifies with the image's trust store");
    }
    const indexPrefix = connection.index;
    if (indexPrefix !== undefined) {
      check(this, KIND, names.index, indexPrefix, elasticsearchIndex(indexPrefix, { suffix: JAEGER_INDEX_SUFFIX, appendedBy: 'Jaeger appends' }));
    }
    warnAboutConnection(this, connection, names);
    this.storageConnection = connection;
    return { kind: JaegerStorage.ELASTICSEARCH, url: connection.url, indexPrefix, credentialsFromEnv: connection.credentials !== undefined };
  }

  /** `elasticsearchConnection`, or the deprecated `elasticsearch` mapped onto one. */
  private resolveConnection(props: JaegerProps): { connection: ElasticsearchConnection; names: ConnectionFieldNames } {
    if (props.elasticsearchConnection !== undefined) {
      if (props.elasticsearch !== undefined) {
        invalid(this, KIND, 'elasticsearch', props.elasticsearch, 'must not be set together with elasticsearchConnection: give the connection only');
      }
      return { connection: props.elasticsearchConnection, names: OWN_CONNECTION_NAMES };
    }
    const es = props.elasticsearch ?? {};
    const connection = ElasticsearchConnection._build(es.url ?? DEFAULT_ELASTICSEARCH_URL, {
      index: es.indexPrefix,
      credentials: es.credentials,
    }, (field, value, problem) => invalid(this, KIND, field, value, problem), LEGACY_CONNECTION_NAMES);
    return { connection, names: LEGACY_CONNECTION_NAMES };
  }
}

/** What Jaeger appends to its index prefix (the longest of its index names). */
const JAEGER_INDEX_SUFFIX = '-jaeger-dependencies-YYYY-MM-DD';

const OWN_CONNECTION_NAMES = connectionFieldNames('elasticsearchConnection');

// The deprecated `elasticsearch` option's fields; it has no TLS settings of its own.
const LEGACY_CONNECTION_NAMES: ConnectionFieldNames = { ...connectionFieldNames('elasticsearch'), index: 'elasticsearch.indexPrefix' };

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

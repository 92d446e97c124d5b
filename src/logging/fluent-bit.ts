import { createHash } from 'crypto';
import { Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FluentBitConfigModel, configModelProblem, renderConfig } from './config';
import {
  DEFAULT_LOG_RETENTION_DAYS, DEFAULT_LOG_TEMPLATE_PRIORITY, LogIndexTemplate, logIndexTemplate, logIndexTemplateProblems,
} from './es-template';
import { IndexTemplateJob } from './es-template-job';
import { TAIL_BUFFER_CHUNK_SIZE, robustMqPipeline } from './pipeline';
import { DEFAULT_LOG_INDEX, FLUENT_BIT_HTTP_PORT } from './schema';
import {
  ConnectionFieldNames, DEFAULT_ELASTICSEARCH_URL, connectionFieldNames, ElasticsearchConnection, SearchEngine, credentialEnv, warnAboutConnection,
} from '../elasticsearch/connection';
import { SecretKeyRef } from '../metrics/scrape';
import { selfMonitor, SelfMonitoringOptions } from '../metrics/self-monitoring';
import { ComponentServiceMonitor } from '../metrics/service-monitor';
import { ServiceScrapeTarget } from '../metrics/target';
import { NetworkPolicyOptions, renderDeclaredPortsPolicy } from '../network-policy';
import { canonicalMemoryQuantities, checkResources, removeAddressLabelFromPods } from '../pods';
import { RobustMqCluster } from '../robustmq/cluster';
import { RobustMqLogLevel } from '../robustmq/facts';
import { IRobustMqTarget, TargetFieldNames, importRobustMqTarget } from '../robustmq/target';
import * as checks from '../validation/checks';
import { elasticsearchIndex } from '../validation/elasticsearch';
import { check, invalid } from '../validation/errors';
import { fluentBitLogLevel, fluentBitSize, fluentBitSizeBytes, logLevelName } from '../validation/logging';
import { claimObjectName } from '../validation/names';
import { maskPasswords, noInlinePassword } from '../validation/secrets';

const KIND = 'FluentBit';

/** Where the configuration files are mounted in the container. */
const CONFIG_DIR = '/fluent-bit/etc/robustmq';
/** Where the writable host directory (offsets DB, filesystem buffers) is mounted. */
const STATE_DIR = '/var/lib/fluent-bit';
/** Where a CA certificate for Elasticsearch is mounted. */
const TLS_DIR = '/fluent-bit/tls';
/** The HTTP server: health, metrics. */
const HTTP_PORT = FLUENT_BIT_HTTP_PORT;
const METRICS_PORT_NAME = 'http-metrics';
const METRICS_PATH = '/api/v2/metrics/prometheus';
const LIVENESS_PATH = '/';
const DEFAULT_READINESS_PATH = '/api/v2/health';

/** The format of the configuration file Fluent Bit is started with. */
export enum FluentBitConfigFormat {
  /** One YAML file (`service`, `parsers`, `multiline_parsers`, `pipeline`): Fluent Bit's standard since 3.2. */
  YAML = 'yaml',
  /** The classic `.conf` format (`[SERVICE]`, `[INPUT]`, ...) plus a parsers file; being retired upstream. */
  CLASSIC = 'classic',
}

/** The format the nodes' container runtime writes container log files in. */
export enum ContainerLogFormat {
  /** CRI format (containerd, CRI-O): `<time> <stream> <P|F> <line>`. */
  CRI = 'cri',
  /** Docker's JSON-file format (dockershim, cri-dockerd). */
  DOCKER = 'docker',
}

/** Keys of the Elasticsearch credentials in their Secret. */
export interface ElasticsearchSecretKeys {
  /**
   * The key holding the user name.
   *
   * @default 'username'
   */
  readonly username?: string;
  /**
   * The key holding the password.
   *
   * @default 'password'
   */
  readonly password?: string;
}

/** Properties of a FluentBit log shipper. */
export interface FluentBitProps {
  /**
   * The RobustMQ whose logs are shipped: its namespace, pod name prefix, container and cluster
   * name decide which log files are read and how records are labelled. A RobustMqCluster, or
   * `RobustMqCluster.fromClusterAttributes()` for a RobustMQ deployed some other way.
   *
   * @default - none; then the deprecated `cluster`, or `sourceNamespace` and `podNamePrefix`, are required
   */
  readonly target?: IRobustMqTarget;
  /**
   * The RobustMQ cluster whose logs are shipped.
   *
   * @default - none
   * @deprecated use `target`
   */
  readonly cluster?: RobustMqCluster;
  /**
   * Namespace of the RobustMQ pods, for a cluster not given as `cluster`.
   *
   * @default - the cluster's namespace
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ namespace })`
   */
  readonly sourceNamespace?: string;
  /**
   * The start of the RobustMQ pods' names (e.g. `my-robustmq-`), for a cluster not given as
   * `cluster`: the pods are `<prefix without its trailing '-'>-<ordinal>`.
   *
   * @default - the cluster's StatefulSet name followed by `-<ordinal>`
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ podNamePrefix })`
   */
  readonly podNamePrefix?: string;
  /**
   * Name of the RobustMQ container in those pods.
   *
   * @default - the cluster's container name ('broker-server')
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ containerName })`
   */
  readonly containerName?: string;
  /**
   * The cluster name written to every record (LOG_FIELDS.cluster) and put on Fluent Bit's metrics.
   *
   * @default - the cluster's clusterName, else `podNamePrefix` without its trailing '-'
   * @deprecated use `target: RobustMqCluster.fromClusterAttributes({ clusterName })`
   */
  readonly clusterName?: string;
  /**
   * Namespace of Fluent Bit's objects.
   *
   * @default - the enclosing Chart's namespace; one of the two must be set
   */
  readonly namespace?: string;
  /**
   * Base name of the objects. The ClusterRole and its binding are named `<namespace>-<name>`.
   *
   * @default 'fluent-bit'
   */
  readonly name?: string;
  /**
   * The Fluent Bit image.
   *
   * @default FluentBit.DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * The Elasticsearch (or, by its `engine`, OpenSearch: Fluent Bit's `opensearch` output and the
   * template in OpenSearch's dialect) to ship to: URL, index (or with `elasticsearchDailyIndices`
   * the prefix of the daily indices), credentials Secret (in Fluent Bit's namespace), TLS.
   *
   * @default - ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL), index 'robustmq-logs'
   */
  readonly elasticsearchConnection?: ElasticsearchConnection;
  /**
   * Elasticsearch's URL: http or https, host, optional port.
   *
   * @default 'http://elasticsearch.monitoring.svc.cluster.local:9200'
   * @deprecated use `elasticsearchConnection`
   */
  readonly elasticsearchUrl?: string;
  /**
   * The index records are written to, or with `elasticsearchDailyIndices` the prefix of the
   * daily indices `<index>-YYYY.MM.DD`.
   *
   * @default 'robustmq-logs'
   * @deprecated use `elasticsearchConnection` (its `index`)
   */
  readonly elasticsearchIndex?: string;
  /**
   * Write one index per day (`Logstash_Format`), so a retention policy can delete old days:
   * the index template Job installs the ILM policy, or for OpenSearch the ISM policy
   * (`logRetentionDays`).
   *
   * @default false
   */
  readonly elasticsearchDailyIndices?: boolean;
  /**
   * Name of a Secret (in Fluent Bit's namespace) with the Elasticsearch user name and password.
   * Credentials never appear in props or in the configuration: they reach Fluent Bit as
   * environment variables from this Secret.
   *
   * @default - no authentication
   * @deprecated use `elasticsearchConnection` (its `credentials`)
   */
  readonly elasticsearchSecret?: string;
  /**
   * The keys of the user name and password in `elasticsearchSecret`.
   *
   * @default - 'username' and 'password'
   * @deprecated use `elasticsearchConnection` (its `credentials`)
   */
  readonly elasticsearchSecretKeys?: ElasticsearchSecretKeys;
  /**
   * Talk TLS to Elasticsearch. `false` with an https URL is refused.
   *
   * @default - true when elasticsearchUrl is https, else false
   * @deprecated use `elasticsearchConnection` (its `tls`)
   */
  readonly elasticsearchTls?: boolean;
  /**
   * Verify Elasticsearch's certificate.
   *
   * @default true
   * @deprecated use `elasticsearchConnection` (its `tls`)
   */
  readonly elasticsearchTlsVerify?: boolean;
  /**
   * A CA certificate (Secret key in Fluent Bit's namespace) that signed Elasticsearch's certificate.
   *
   * @default - the image's trust store
   * @deprecated use `elasticsearchConnection` (its `tls`)
   */
  readonly elasticsearchCaSecret?: SecretKeyRef;
  /**
   * How often a chunk is retried before it is dropped. Unlimited by default, so an
   * Elasticsearch outage loses nothing: chunks wait in the filesystem buffer.
   *
   * @default - no limit
   */
  readonly retryLimit?: number;
  /**
   * Emit a Job that installs the index template (and, with `elasticsearchDailyIndices`, the ILM
   * or, for OpenSearch, the ISM retention policy) before records arrive, with the
   * credentials of the same Secret. Without it, install the JSON of `cdk8s-robustmq-observability
   * es-template` yourself: Elasticsearch's dynamic mapping can refuse a record, and Fluent Bit
   * loses such a record silently (docs/logging.md).
   *
   * @default true
   */
  readonly indexTemplateJob?: boolean;

  /**
   * The NetworkPolicy of the Fluent Bit pods (ingress on its metrics and health port only) and
   * of the index-template Job's pod (no ingress).
   *
   * @default - emitted
   */
  readonly networkPolicy?: NetworkPolicyOptions;
  /**
   * The image of the index template Job: any image with `/bin/sh`, `sed` and curl 7.76 or later.
   *
   * @default FluentBit.DEFAULT_INDEX_TEMPLATE_IMAGE
   */
  readonly indexTemplateImage?: string;
  /**
   * The priority of the index template: above 200, so Elasticsearch's built-in templates
   * (100) and Fleet's integration templates (up to 200) do not win where patterns overlap.
   *
   * @default 501
   */
  readonly indexTemplatePriority?: number;
  /**
   * Days a daily index is kept before the ILM (OpenSearch: ISM) policy deletes it. Needs
   * `elasticsearchDailyIndices` (both delete whole indices).
   *
   * @default 14
   */
  readonly logRetentionDays?: number;
  /**
   * Most disk the output's buffered chunks may take while Elasticsearch is unreachable; past
   * it the oldest chunks are dropped. A Fluent Bit size.
   *
   * @default '2G'
   */
  readonly storageTotalLimitSize?: string;
  /**
   * The format of the configuration file.
   *
   * @default FluentBitConfigFormat.YAML
   */
  readonly configFormat?: FluentBitConfigFormat;
  /**
   * The lowest RobustMQ level shipped: records below it are dropped (records without a level,
   * such as a panic message, are always shipped).
   *
   * @default RobustMqLogLevel.INFO
   */
  readonly logLevelMin?: RobustMqLogLevel;
  /**
   * Fluent Bit's own log level: off, error, warn, info, debug or trace.
   *
   * @default 'info'
   */
  readonly agentLogLevel?: string;
  /**
   * The nodes' container log format.
   *
   * @default ContainerLogFormat.CRI
   */
  readonly containerLogFormat?: ContainerLogFormat;
  /**
   * Tag prefix of the records (`<tagPrefix>.*`).
   *
   * @default 'robustmq'
   */
  readonly tagPrefix?: string;
  /**
   * In-memory buffer cap of the tail input, a Fluent Bit size.
   *
   * @default '50MB'
   */
  readonly memBufLimit?: string;
  /**
   * Memory for chunks loaded back from disk after a restart, a Fluent Bit size.
   *
   * @default '50MB'
   */
  readonly storageBacklogMemLimit?: string;
  /**
   * The longest log line read; longer lines are skipped. A Fluent Bit size.
   *
   * @default '1MB'
   */
  readonly bufferMaxSize?: string;
  /**
   * The writable host directory for the offsets DB and the filesystem buffers; each FluentBit
   * uses its own subdirectory `<namespace>.<name>` of it.
   *
   * @default '/var/lib/fluent-bit'
   */
  readonly hostStateDir?: string;
  /**
   * Taints Fluent Bit tolerates. RobustMQ pods may run on any node, so by default every taint is
   * tolerated and every node gets a Fluent Bit pod.
   *
   * @default [NodeTaintQuery.any()]
   */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /**
   * CPU and memory of the Fluent Bit container.
   *
   * @default - requests 100m CPU and 128Mi memory, limits 1 CPU and 512Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The ServiceMonitor of Fluent Bit's own metrics (plain HTTP, no authentication), which the
   * log alerts read; `enabled: false` leaves it out.
   *
   * @default - a ServiceMonitor named like the DaemonSet in its namespace, with { release: 'kube-prometheus-stack' }
   */
  readonly monitoring?: SelfMonitoringOptions;
  /**
   * HTTP path of the readiness probe. `/api/v2/health` needs Fluent Bit 5.0 or later; for an
   * older image use `/api/v1/health`.
   *
   * @default '/api/v2/health'
   */
  readonly readinessPath?: string;
}

/**
 * Fluent Bit shipping a RobustMQ cluster's logs to Elasticsearch, losing nothing: a DaemonSet
 * that tails the RobustMQ pods' container logs with offsets and filesystem buffering on a host
 * directory, parses RobustMQ's JSON (and text) lines into the log schema, adds Kubernetes
 * metadata and the cluster name, and ships to Elasticsearch with unlimited, idempotent
 * retries. With its ServiceAccount, a ClusterRole that may only get, list and watch pods and
 * namespaces, the binding, the ConfigMap, a Service for its HTTP server and a ServiceMonitor
 * for its own metrics.
 */
export class FluentBit extends Construct {
  /** The Fluent Bit image this library is tested with (5.0 serves `/api/v2/health`). */
  public static readonly DEFAULT_IMAGE = 'cr.fluentbit.io/fluent/fluent-bit:5.0.9';
  /** The image of the index template Job (curl). */
  public static readonly DEFAULT_INDEX_TEMPLATE_IMAGE = 'curlimages/curl:8.11.1';

  /** The DaemonSet: one Fluent Bit pod per node. */
  public readonly daemonSet: kplus.DaemonSet;
  /** The Fluent Bit container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount the kubernetes filter reads pod metadata with. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** get, list and watch on pods and namespaces; nothing else. */
  public readonly clusterRole: kplus.k8s.KubeClusterRole;
  /** Binds the ClusterRole to the ServiceAccount. */
  public readonly clusterRoleBinding: kplus.k8s.KubeClusterRoleBinding;
  /** The configuration files. */
  public readonly configMap: kplus.ConfigMap;
  /** The Service of Fluent Bit's HTTP server (port 2020, health and metrics). */
  public readonly service: kplus.Service;
  /** Scrapes Fluent Bit's own metrics at `/api/v2/metrics/prometheus` (unless `monitoring.enabled` is false). */
  public readonly serviceMonitor?: ComponentServiceMonitor;

  /** The main configuration file as rendered (the file Fluent Bit is started with). */
  public readonly configText: string;
  /** Every configuration file, by file name (the classic format adds `parsers.conf`). */
  public readonly configFiles: { [file: string]: string };
  /** The configuration format. */
  public readonly configFormat: FluentBitConfigFormat;
  /** The namespace of Fluent Bit's objects. */
  public readonly namespace: string;
  /** The base name of Fluent Bit's objects. */
  public readonly name: string;
  /** The RobustMQ whose logs are shipped. */
  public readonly target: IRobustMqTarget;
  /** The Elasticsearch shipped to, with the index (or daily prefix) written to. */
  public readonly elasticsearchConnection: ElasticsearchConnection;
  /** The RobustMQ cluster name on every record. */
  public readonly clusterName: string;
  /** The path glob of the log files read. */
  public readonly logPath: string;
  /** The Elasticsearch index, or the daily indices' prefix. */
  public readonly elasticsearchIndex: string;
  /** The index pattern to search: the index, or `<prefix>-*` for daily indices. */
  public readonly indexPattern: string;
  /** The name of the Service port serving metrics. */
  public readonly metricsPortName: string;
  /** The HTTP path of the metrics. */
  public readonly metricsPath: string;
  /** The image. */
  public readonly image: string;
  /** The index template's name (`PUT _index_template/<name>`). */
  public readonly indexTemplateName: string;
  /** The index template, as JSON. */
  public readonly indexTemplateJson: string;
  /**
   * The ILM policy's name (`PUT _ilm/policy/<name>`), with daily indices into Elasticsearch only.
   *
   * @default - none: a single index, or OpenSearch (see retentionPolicyPath)
   */
  public readonly ilmPolicyName?: string;
  /**
   * The ILM retention policy, as JSON, with daily indices into Elasticsearch only.
   *
   * @default - none: a single index, or OpenSearch (see retentionPolicyJson)
   */
  public readonly ilmPolicyJson?: string;
  /** The search engine shipped to (the connection's): decides the output plugin, the template's dialect and the policy. */
  public readonly searchEngine: SearchEngine;
  /**
   * The path the retention policy is PUT to: `_ilm/policy/<name>` (Elasticsearch) or
   * `_plugins/_ism/policies/<name>` (OpenSearch; an update of an existing policy needs its
   * `if_seq_no` and `if_primary_term`, which the installer Job reads first).
   *
   * @default - none: a single index has no retention policy
   */
  public readonly retentionPolicyPath?: string;
  /**
   * The retention policy (ILM or ISM), as JSON.
   *
   * @default - none: a single index has no retention policy
   */
  public readonly retentionPolicyJson?: string;
  /** The Job that installs the template and the policy, unless `indexTemplateJob` is false. */
  public readonly indexTemplateJob?: kplus.Job;
  /** The NetworkPolicy of the Fluent Bit pods, unless turned off. */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: FluentBitProps = {}) {
    super(scope, id);
    refuseInlineSecrets(this, props);
    if (props.resources) checkResources(this, KIND, props.resources);

    // ---- where Fluent Bit runs ----
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid(this, KIND, 'namespace', namespace, "must be set, on the construct or its Chart: the ClusterRoleBinding names the ServiceAccount's namespace");
    }
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    const name = props.name ?? 'fluent-bit';
    check(this, KIND, 'name', name, checks.dns1035Label(name));
    const image = props.image ?? FluentBit.DEFAULT_IMAGE;
    check(this, KIND, 'image', image, checks.image(image));

    // ---- what is read ----
    const source = resolveSource(this, props);

    // ---- Elasticsearch ----
    const { connection, names } = resolveConnection(this, props);
    const endpoint = connection._endpoint;
    const daily = props.elasticsearchDailyIndices ?? false;
    const index = connection.index ?? DEFAULT_LOG_INDEX;
    check(this, KIND, names.index, index, elasticsearchIndex(index, daily ? { suffix: '-YYYY.MM.DD', appendedBy: 'daily indices append' } : {}));
    warnAboutConnection(this, connection, names);
    const tls = connection.tls;
    const tlsVerify = connection.tlsVerify;
    if (props.retryLimit !== undefined) check(this, KIND, 'retryLimit', props.retryLimit, checks.integer(props.retryLimit, 1));
    const indexTemplateImage = props.indexTemplateImage ?? FluentBit.DEFAULT_INDEX_TEMPLATE_IMAGE;
    check(this, KIND, 'indexTemplateImage', indexTemplateImage, checks.image(indexTemplateImage));
    const engine = connection.engine;
    if (props.logRetentionDays !== undefined && !daily) {
      invalid(this, KIND, 'logRetentionDays', props.logRetentionDays,
        `needs elasticsearchDailyIndices: ${engine === SearchEngine.OPENSEARCH ? 'ISM' : 'ILM'} deletes whole indices, and the single index would be deleted with every record in it`);
    }
    const templateOptions = {
      engine,
      index,
      daily,
      retentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      priority: props.indexTemplatePriority ?? DEFAULT_LOG_TEMPLATE_PRIORITY,
    };
    const templateFields: { [field: string]: string } = { retentionDays: 'logRetentionDays', priority: 'indexTemplatePriority', index: names.index };
    for (const [field, value, problem] of logIndexTemplateProblems(templateOptions)) invalid(this, KIND, templateFields[field], value, problem);
    const template: LogIndexTemplate = logIndexTemplate(templateOptions, `${KIND} '${this.node.path}'`);
    const storageTotalLimitSize = props.storageTotalLimitSize ?? '2G';
    check(this, KIND, 'storageTotalLimitSize', storageTotalLimitSize, fluentBitSize(storageTotalLimitSize));

    // ---- pipeline ----
    const configFormat = props.configFormat ?? FluentBitConfigFormat.YAML;
    check(this, KIND, 'configFormat', configFormat, checks.oneOf(configFormat, Object.values(FluentBitConfigFormat)));
    const logLevelMin = props.logLevelMin ?? RobustMqLogLevel.INFO;
    check(this, KIND, 'logLevelMin', logLevelMin, logLevelName(logLevelMin));
    const agentLogLevel = props.agentLogLevel ?? 'info';
    check(this, KIND, 'agentLogLevel', agentLogLevel, fluentBitLogLevel(agentLogLevel));
    const containerLogFormat = props.containerLogFormat ?? ContainerLogFormat.CRI;
    check(this, KIND, 'containerLogFormat', containerLogFormat, checks.oneOf(containerLogFormat, Object.values(ContainerLogFormat)));
    const tagPrefix = props.tagPrefix ?? 'robustmq';
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(tagPrefix)) {
      invalid(this, KIND, 'tagPrefix', tagPrefix, "must be at most 63 lower-case letters, digits, '_' and '-', starting with a letter (no '.' or '*')");
    }
    const sizes: Array<[string, string]> = [
      ['memBufLimit', props.memBufLimit ?? '50MB'],
      ['storageBacklogMemLimit', props.storageBacklogMemLimit ?? '50MB'],
      ['bufferMaxSize', props.bufferMaxSize ?? '1MB'],
    ];
    for (const [field, value] of sizes) check(this, KIND, field, value, fluentBitSize(value));
    const [memBufLimit, storageBacklogMemLimit, bufferMaxSize] = sizes.map(([, v]) => v);
    if (fluentBitSizeBytes(bufferMaxSize)! < fluentBitSizeBytes(TAIL_BUFFER_CHUNK_SIZE)!) {
      invalid(this, KIND, 'bufferMaxSize', bufferMaxSize, `must be at least ${TAIL_BUFFER_CHUNK_SIZE}, the tail input's chunk size`);
    }
    const hostStateDir = props.hostStateDir ?? '/var/lib/fluent-bit';
    if (!/^\/[A-Za-z0-9._/-]*$/.test(hostStateDir) || hostStateDir.split('/').includes('..') || hostStateDir === '/' || /^\/var\/log(\/|$)/.test(hostStateDir)) {
      invalid(this, KIND, 'hostStateDir', hostStateDir, "must be an absolute host path of letters, digits, '.', '_', '-' and '/', not '/', not under /var/log (mounted read-only), without '..'");
    }
    const readinessPath = props.readinessPath ?? DEFAULT_READINESS_PATH;
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(readinessPath)) {
      invalid(this, KIND, 'readinessPath', readinessPath, "must be an HTTP path starting with '/'");
    }

    this.namespace = namespace;
    this.name = name;
    this.image = image;
    this.target = source;
    this.clusterName = source.clusterName;
    this.logPath = containerLogPath(source);
    this.elasticsearchConnection = connection.withIndex(index);
    this.configFormat = configFormat;
    this.elasticsearchIndex = index;
    this.indexPattern = daily ? `${index}-*` : index;
    this.metricsPortName = METRICS_PORT_NAME;
    this.metricsPath = METRICS_PATH;
    this.indexTemplateName = template.templateName;
    this.indexTemplateJson = JSON.stringify(template.template, null, 2);
    this.searchEngine = engine;
    const policyJson = template.policy ? JSON.stringify(template.policy, null, 2) : undefined;
    this.retentionPolicyPath = template.policyPath;
    this.retentionPolicyJson = policyJson;
    if (engine === SearchEngine.ELASTICSEARCH) {
      this.ilmPolicyName = template.policyName;
      this.ilmPolicyJson = policyJson;
    }

    const caSecret = connection.caSecret;
    const caFile = caSecret ? `${TLS_DIR}/ca.crt` : undefined;
    const model: FluentBitConfigModel = robustMqPipeline({
      clusterName: source.clusterName,
      logPath: this.logPath,
      tagPrefix,
      containerLogFormat,
      stateDir: STATE_DIR,
      agentLogLevel,
      logLevelMin: logLevelMin.toUpperCase(),
      httpPort: HTTP_PORT,
      memBufLimit,
      storageBacklogMemLimit,
      bufferMaxSize,
      elasticsearch: {
        engine,
        endpoint,
        index,
        daily,
        tls,
        tlsVerify,
        caFile,
        credentials: connection.credentials !== undefined,
        retryLimit: props.retryLimit,
        storageTotalLimitSize,
      },
    });
    const modelProblem = configModelProblem(model);
    if (modelProblem) invalid(this, KIND, 'configuration', modelProblem, 'must be a configuration both formats can carry');
    const rendered = renderConfig(model, configFormat, CONFIG_DIR);
    this.configFiles = { ...rendered.files };
    this.configText = rendered.files[rendered.mainFile];
    const configHash = createHash('sha256')
      .update(Object.entries(rendered.files).map(([f, t]) => `${f}\n${t}`).join('\n'))
      .digest('hex');

    // ---- objects ----
    const selectorLabels = {
      'app.kubernetes.io/name': 'fluent-bit',
      'app.kubernetes.io/instance': name,
    };
    const labels: Record<string, string> = {
      ...selectorLabels,
      'app.kubernetes.io/component': 'log-shipper',
      'app.kubernetes.io/part-of': 'robustmq',
      'app.kubernetes.io/version': imageTag(image),
    };
    if (labels['app.kubernetes.io/version'] === '') delete labels['app.kubernetes.io/version'];
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels: { ...labels } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(name),
      // The pods mount the token explicitly (the kubernetes filter needs it); nothing else does.
      automountToken: false,
    });

    const clusterScopedName = `${namespace}-${name}`;
    const replaces = ': the second would replace the first when applied';
    claimObjectName(this, KIND, 'name', name, { kind: 'DaemonSet', namespace, name }, replaces);
    // Cluster-scoped, so 'a-b' + 'c' and 'a' + 'b-c' meet here.
    claimObjectName(this, KIND, 'name', name, { kind: 'ClusterRole', name: clusterScopedName },
      ` (named '<namespace>-<name>' from namespace '${namespace}')${replaces}`);
    this.clusterRole = new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterScopedName, labels: { ...labels } },
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    this.clusterRoleBinding = new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterScopedName, labels: { ...labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterScopedName },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
    // Cluster-scoped objects carry no namespace, whatever the Chart's is.
    for (const o of [this.clusterRole, this.clusterRoleBinding]) {
      if (Chart.of(this).namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${name}-config`),
      data: { ...rendered.files },
    });

    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(name),
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: METRICS_PORT_NAME, port: HTTP_PORT, targetPort: HTTP_PORT, protocol: kplus.Protocol.TCP }],
    });
    for (const [k, v] of Object.entries(selectorLabels)) this.service.selectLabel(k, v);
    const networkPolicy = props.networkPolicy?.enabled ?? true;
    if (networkPolicy) {
      this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(name),
        spec: renderDeclaredPortsPolicy(selectorLabels, [{ port: HTTP_PORT }]),
      });
    }

    this.daemonSet = new kplus.DaemonSet(this, 'DaemonSet', {
      metadata: metadata(name),
      select: false,
      serviceAccount: this.serviceAccount,
      // cdk8s-plus pods default to no token; the kubernetes filter authenticates with it.
      automountServiceAccountToken: true,
      // Root, because container log files under /var/log/pods are owned by root and not
      // world-readable, and the host state directory is created by the kubelet as root. All
      // capabilities are dropped: root reads and writes only what root owns.
      securityContext: { ensureNonRoot: false, user: 0, group: 0 },
      podMetadata: { labels: { ...labels }, annotations: { 'checksum/config': configHash } },
      terminationGracePeriod: Duration.seconds(30),
    });
    this.daemonSet.select(kplus.LabelSelector.of({ labels: selectorLabels }));
    const tolerations = props.tolerations ?? [kplus.NodeTaintQuery.any()];
    if (tolerations.length > 0) this.daemonSet.scheduling.tolerate(kplus.Node.tainted(...tolerations));

    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const varLog = kplus.Volume.fromHostPath(this, 'VarLogVolume', 'varlog', { path: '/var/log', type: kplus.HostPathVolumeType.DIRECTORY });
    const state = kplus.Volume.fromHostPath(this, 'StateVolume', 'state', {
      path: `${hostStateDir.replace(/\/+$/, '')}/${namespace}.${name}`,
      type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE,
    });
    const mounts: kplus.VolumeMount[] = [
      { path: CONFIG_DIR, volume: configVolume, readOnly: true },
      { path: '/var/log', volume: varLog, readOnly: true },
      { path: STATE_DIR, volume: state },
    ];
    if (containerLogFormat === ContainerLogFormat.DOCKER) {
      // /var/log/containers links into /var/lib/docker/containers with dockershim.
      const docker = kplus.Volume.fromHostPath(this, 'DockerVolume', 'docker-containers', {
        path: '/var/lib/docker/containers', type: kplus.HostPathVolumeType.DIRECTORY,
      });
      mounts.push({ path: '/var/lib/docker/containers', volume: docker, readOnly: true });
    }
    if (caSecret) {
      const ca = kplus.Volume.fromSecret(this, 'CaVolume',
        kplus.Secret.fromSecretName(this, 'CaSecret', caSecret.name),
        { name: 'elasticsearch-ca', items: { [caSecret.key]: { path: 'ca.crt' } } });
      mounts.push({ path: TLS_DIR, volume: ca, readOnly: true });
    }

    const env = credentialEnv(this, 'ElasticsearchSecret', connection);

    this.container = this.daemonSet.addContainer({
      name: 'fluent-bit',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/fluent-bit/bin/fluent-bit'],
      args: [`--config=${CONFIG_DIR}/${rendered.mainFile}`],
      ports: [{ name: METRICS_PORT_NAME, number: HTTP_PORT, protocol: kplus.Protocol.TCP }],
      envVariables: env,
      securityContext: {
        ensureNonRoot: false,
        user: 0,
        group: 0,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
      },
      // Alive while the HTTP server answers; Ready while outputs stay within the health check's
      // error and retry-failure limits (src/http_server/api/v1/health.c:82). With Retry_Limit
      // no_limits an outage fails no retry, so it leaves the pods ready: the alerts on retries
      // and the storage backlog report it (docs/logging.md).
      liveness: kplus.Probe.fromHttpGet(LIVENESS_PATH, {
        port: HTTP_PORT, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10), failureThreshold: 3,
      }),
      readiness: kplus.Probe.fromHttpGet(readinessPath, {
        port: HTTP_PORT, initialDelaySeconds: Duration.seconds(5), periodSeconds: Duration.seconds(10), failureThreshold: 3,
      }),
      volumeMounts: mounts,
    });
    // cdk8s-plus labels pods with its construct-address label; select on the stable labels only.
    removeAddressLabelFromPods(this.daemonSet);
    canonicalMemoryQuantities(this.daemonSet);

    // ---- Elasticsearch's side: the index template (and retention policy) ----
    if (props.indexTemplateJob ?? true) {
      this.indexTemplateJob = new IndexTemplateJob(this, 'IndexTemplate', {
        name, namespace, labels, image: indexTemplateImage, connection, template, networkPolicy,
      }).job;
    }

    // ---- its own metrics ----
    this.serviceMonitor = selfMonitor(this, KIND, 'monitoring', props.monitoring, {
      name,
      namespace,
      target: ServiceScrapeTarget.fromService(this.service, {
        portName: METRICS_PORT_NAME,
        path: METRICS_PATH,
        // The agent's own series are labelled with the agent's name, not RobustMQ's cluster:
        // alerts and dashboards that select a RobustMQ cluster must not count log agents.
        clusterName: name,
        selectorLabels,
      }),
    });
  }
}

const LEGACY_SOURCE_FIELDS = ['sourceNamespace', 'podNamePrefix', 'containerName'] as const;

/** The RobustMQ whose logs are read: `target`, or the deprecated `cluster` or source props mapped onto the factory. */
function resolveSource(scope: Construct, props: FluentBitProps): IRobustMqTarget {
  if (props.target !== undefined && props.cluster !== undefined) {
    invalid(scope, KIND, 'cluster', props.cluster.node.path, 'must not be set together with target: give target only');
  }
  const given = props.target ?? props.cluster;
  const via = props.target !== undefined ? 'target' : 'cluster';
  if (given !== undefined) {
    for (const field of LEGACY_SOURCE_FIELDS) {
      if (props[field] !== undefined) {
        invalid(scope, KIND, field, props[field], `must not be set together with ${via}: the ${via} decides it`);
      }
    }
    if (props.clusterName !== undefined && props.clusterName !== given.clusterName) {
      invalid(scope, KIND, 'clusterName', props.clusterName, `must be the ${via}'s own name '${given.clusterName}' (or unset)`);
    }
    return given;
  }
  const namespace = props.sourceNamespace;
  const prefix = props.podNamePrefix;
  if (namespace === undefined || prefix === undefined) {
    invalid(scope, KIND, namespace === undefined ? 'sourceNamespace' : 'podNamePrefix', undefined,
      'must be set when no target is given: give target, or sourceNamespace and podNamePrefix of the RobustMQ pods');
  }
  const podNamePrefix = prefix.replace(/[-.]+$/, '');
  return importRobustMqTarget({
    namespace,
    podNamePrefix,
    containerName: props.containerName,
    clusterName: props.clusterName ?? podNamePrefix,
  }, (field, value, problem) => invalid(scope, KIND, field, value, problem), LEGACY_TARGET_NAMES);
}

const LEGACY_TARGET_NAMES: TargetFieldNames = { namespace: 'sourceNamespace' };

/** The kubelet's container log file links of the target's pods: `/var/log/containers/<pod>_<namespace>_<container>-<id>.log`. */
function containerLogPath(target: IRobustMqTarget): string {
  return `/var/log/containers/${target.podNamePrefix}-[0-9]*_${target.namespace}_${target.containerName}-*.log`;
}

const LEGACY_CONNECTION_FIELDS = [
  'elasticsearchUrl', 'elasticsearchIndex', 'elasticsearchSecret', 'elasticsearchSecretKeys',
  'elasticsearchTls', 'elasticsearchTlsVerify', 'elasticsearchCaSecret',
] as const;

const OWN_CONNECTION_NAMES = connectionFieldNames('elasticsearchConnection');

const LEGACY_CONNECTION_NAMES: ConnectionFieldNames = {
  engine: 'elasticsearchConnection.engine',
  url: 'elasticsearchUrl',
  index: 'elasticsearchIndex',
  secretName: 'elasticsearchSecret',
  usernameKey: 'elasticsearchSecretKeys.username',
  passwordKey: 'elasticsearchSecretKeys.password',
  tls: 'elasticsearchTls',
  tlsVerify: 'elasticsearchTlsVerify',
  caSecret: 'elasticsearchCaSecret',
};

/** The Elasticsearch: `elasticsearchConnection`, or the deprecated flat props mapped onto one. */
function resolveConnection(scope: Construct, props: FluentBitProps): { connection: ElasticsearchConnection; names: ConnectionFieldNames } {
  if (props.elasticsearchConnection !== undefined) {
    for (const field of LEGACY_CONNECTION_FIELDS) {
      if (props[field] !== undefined) {
        invalid(scope, KIND, field, props[field], 'must not be set together with elasticsearchConnection: the connection carries it');
      }
    }
    return { connection: props.elasticsearchConnection, names: OWN_CONNECTION_NAMES };
  }
  if (props.elasticsearchSecret === undefined && props.elasticsearchSecretKeys !== undefined) {
    invalid(scope, KIND, 'elasticsearchSecretKeys', props.elasticsearchSecretKeys, 'needs elasticsearchSecret: the keys name entries of that Secret');
  }
  const connection = ElasticsearchConnection._build(props.elasticsearchUrl ?? DEFAULT_ELASTICSEARCH_URL, {
    index: props.elasticsearchIndex,
    credentials: props.elasticsearchSecret === undefined ? undefined : {
      secretName: props.elasticsearchSecret,
      usernameKey: props.elasticsearchSecretKeys?.username,
      passwordKey: props.elasticsearchSecretKeys?.password,
    },
    tls: { enabled: props.elasticsearchTls, verify: props.elasticsearchTlsVerify, caSecret: props.elasticsearchCaSecret },
  }, (field, value, problem) => invalid(scope, KIND, field, value, problem), LEGACY_CONNECTION_NAMES);
  return { connection, names: LEGACY_CONNECTION_NAMES };
}

/** The tag of an image reference, as a label value ('' when it has none or it is not a valid label value). */
function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : '';
  return checks.labelValue(tag) === undefined ? tag : '';
}

/**
 * Props carry no credentials: a prop named like a password is refused, and so is any string
 * value that looks like `password=...`, `http_passwd ...` or a URL with `user:password@`.
 */
function refuseInlineSecrets(scope: Construct, props: FluentBitProps): void {
  const walk = (path: string, value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      const problem = noInlinePassword(value);
      if (problem) invalid(scope, KIND, path, maskPasswords(value), problem);
      return;
    }
    if (depth > 3 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(`${path}[${i}]`, v, depth + 1));
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return; // constructs, kplus objects
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const field = path === '' ? k : `${path}.${k}`;
      if (/passw(or)?d|secret_?value|http_passwd/i.test(k) && field !== 'elasticsearchSecretKeys.password') {
        invalid(scope, KIND, field, v === undefined ? 'undefined' : '(hidden)',
          'must not be set: credentials come only from a Secret (elasticsearchSecret with keys username and password), never inline');
      }
      walk(field, v, depth + 1);
    }
  };
  walk('', props, 0);
}

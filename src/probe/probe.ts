import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProbeConfigModel, probeArgs, renderProbeConfigTemplate, renderProbeStartScript } from './config';
import {
  PROBE_DEFAULT_IMAGE, PROBE_METRICS, PROBE_METRICS_PATH, PROBE_METRICS_PORT, PROBE_METRICS_PORT_NAME, PROBE_NAME_LABEL,
  PROBE_PHASES_PER_INTERVAL, PROBE_RUN_AS_USER, PROBE_SUPPORTED_QOS,
} from './facts';
import { SelfMonitoringOptions, selfMonitor } from '../metrics/self-monitoring';
import { ComponentServiceMonitor } from '../metrics/service-monitor';
import { ServiceScrapeTarget } from '../metrics/target';
import { NetworkPolicyOptions, renderDeclaredPortsPolicy } from '../network-policy';
import { canonicalMemoryQuantities, checkResources, nonRootPodSecurityContext, restrictedSecurityContext } from '../pods';
import { RobustMqCluster } from '../robustmq/cluster';
import { CLIENT_PROTOCOL_PORTS, ClientProtocol } from '../robustmq/facts';
import { ProbeSloMetrics } from '../slo/built-in';
import * as checks from '../validation/checks';
import { duration, durationMs } from '../validation/duration';
import { check, invalid } from '../validation/errors';
import { claimObjectName } from '../validation/names';
import { goDuration } from '../validation/tracing';

const KIND = 'RobustMqProbe';

/** Where the init container reads the MQTT credentials (the cluster's Secret, as files). */
const SECRET_DIR = '/var/run/secrets/mqtt-probe';
const USERNAME_FILE = 'username';
const PASSWORD_FILE = 'password';
const TEMPLATE_DIR = '/etc/mqtt-probe';
const CONFIG_DIR = '/var/run/mqtt-probe';
const TEMPLATE_FILE = 'config.yaml.template';
const SCRIPT_FILE = 'render-config.sh';
const CONFIG_FILE = 'config.yaml';

/** The default topic prefix; the probe's topic is `<topicPrefix>/<name>`. */
export const PROBE_DEFAULT_TOPIC_PREFIX = 'robustmq-observability/probe';

/** How RobustMqProbe probes (everything but the cluster). */
export interface RobustMqProbeOptions {
  /**
   * Name of the Deployment, Service and ServiceMonitor, and the probe's `name` label.
   *
   * @default '<clusterName>-mqtt-probe'
   */
  readonly name?: string;
  /**
   * The exporter's image.
   *
   * @default 'inovex/mqtt_blackbox_exporter:v0.7.0'
   */
  readonly image?: string;
  /**
   * Time between two round trips, a Prometheus duration. The exporter gives connecting and
   * subscribing, and then publishing and receiving, a third of it each, so it must be at least
   * three times `timeout`.
   *
   * @default '30s'
   */
  readonly interval?: string;
  /**
   * How long each phase of a round trip (connect and subscribe; publish and receive) may take
   * before the round trip counts as failed, a Prometheus duration.
   *
   * @default '10s'
   */
  readonly timeout?: string;
  /**
   * The MQTT QoS of the probe's messages. The exporter publishes and subscribes at QoS 0 only
   * (main.go:188), so 1 and 2 are refused.
   *
   * @default 0
   */
  readonly qos?: number;
  /**
   * The topic prefix: the probe publishes on and subscribes to `<topicPrefix>/<name>`. Levels
   * separated by `/`, no MQTT wildcards (`+`, `#`), no empty level, not starting with `$`.
   *
   * @default 'robustmq-observability/probe'
   */
  readonly topicPrefix?: string;
  /**
   * Messages per round trip.
   *
   * @default 5
   */
  readonly messages?: number;
  /**
   * Resources of the exporter container.
   *
   * @default - 10m/100m CPU, 32Mi/64Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The ServiceMonitor of the probe's metrics, which the probe alerts read.
   *
   * @default - a ServiceMonitor named like the probe in its namespace, with { release: 'kube-prometheus-stack' }
   */
  readonly monitoring?: SelfMonitoringOptions;
  /**
   * The probe pods' own NetworkPolicy (ingress on the metrics port only) and, when the cluster
   * has a NetworkPolicy, one that admits the probe pods to the cluster's MQTT port.
   *
   * @default - both emitted
   */
  readonly networkPolicy?: NetworkPolicyOptions;
}

/** Properties of RobustMqProbe. */
export interface RobustMqProbeProps extends RobustMqProbeOptions {
  /**
   * The cluster to probe: the probe connects to its client Service on the MQTT port like a real
   * client, with the MQTT credentials of its Secret, and runs in its namespace (where the Secret is).
   */
  readonly cluster: RobustMqCluster;
}

/** A topic prefix's problem, or undefined. */
export function topicPrefixProblem(prefix: string): string | undefined {
  const allowed = "must be MQTT topic levels separated by '/' without the wildcards '+' and '#', with no empty level, not starting with '$', at most 200 characters";
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200) return allowed;
  if (/[+#\u0000]/.test(prefix)) return `${allowed}: a wildcard cannot be published to`;
  if (prefix.startsWith('$')) return `${allowed}: topics starting with '$' are the broker's own ($SYS)`;
  if (prefix.split('/').some((level) => level === '')) return `${allowed}: an empty level (leading, trailing or double '/')`;
  return undefined;
}

/**
 * A synthetic MQTT client: inovex/mqtt_blackbox_exporter as a Deployment of one pod that
 * subscribes to a topic on the cluster's client Service, publishes `messages` messages on it,
 * times the round trip and exports `probe_mqtt_*` counters and a duration histogram. Its YAML
 * configuration is rendered at pod start by an init container that appends the MQTT credentials
 * from the cluster's Secret (never in a ConfigMap) into a memory-backed emptyDir. With its own
 * Service, ServiceMonitor and NetworkPolicies; restricted security context.
 */
export class RobustMqProbe extends Construct {
  /** The Deployment (one replica: two would share the exporter's client ids). */
  public readonly deployment: kplus.Deployment;
  /** The exporter container. */
  public readonly container: kplus.Container;
  /** The Service of the metrics port. */
  public readonly service: kplus.Service;
  /** The ConfigMap with the configuration template and the script that renders it. */
  public readonly configMap: kplus.ConfigMap;
  /** The ServiceMonitor of the probe's metrics (unless `monitoring.enabled` is false). */
  public readonly serviceMonitor?: ComponentServiceMonitor;
  /** The probe pods' NetworkPolicy. */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;
  /** The NetworkPolicy that admits the probe pods to the cluster's MQTT port (when the cluster has one). */
  public readonly clusterIngressPolicy?: kplus.k8s.KubeNetworkPolicy;
  /** The configuration template (no credentials), as in the ConfigMap. */
  public readonly configTemplate: string;
  /** The script that renders the configuration at pod start. */
  public readonly startScript: string;
  /** The probe's name: its objects' name and its series' `name` label. */
  public readonly name: string;
  /** Namespace of the probe (the cluster's). */
  public readonly namespace: string;
  /** The broker URL: its series' `broker` label. */
  public readonly brokerUrl: string;
  /** The topic it publishes on. */
  public readonly topic: string;
  /** Time between round trips, a Prometheus duration. */
  public readonly interval: string;
  /** Deadline of each phase of a round trip, a Prometheus duration. */
  public readonly timeout: string;
  /** Messages per round trip. */
  public readonly messages: number;
  /** Labels that select the probe's pods and Service. */
  public readonly selectorLabels: { [key: string]: string };
  /** The cluster probed. */
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, props: RobustMqProbeProps) {
    super(scope, id);
    // ---- validate ----
    const cluster = props.cluster;
    if (!cluster.protocols.includes(ClientProtocol.MQTT)) {
      invalid(this, KIND, 'cluster.protocols', cluster.protocols,
        `must include '${ClientProtocol.MQTT}': the probe connects to the client Service's MQTT port`);
    }
    if (props.resources) checkResources(this, KIND, props.resources);
    const namespace = cluster.namespace;
    const name = props.name ?? `${cluster.clusterName}-mqtt-probe`;
    // Deployment pod names add two hashes; `<name>-config`, `<name>-cluster-ingress` must stay valid.
    check(this, KIND, 'name', name, checks.dns1035Label(name, 47));
    claimObjectName(this, KIND, 'name', name, { kind: 'Deployment', namespace, name }, ': the second would replace the first when applied');
    const image = props.image ?? PROBE_DEFAULT_IMAGE;
    if (typeof image !== 'string' || image.trim() !== image || image === '' || /\s/.test(image)) {
      invalid(this, KIND, 'image', image, 'must be an image reference without spaces');
    }
    const interval = props.interval ?? '30s';
    const timeout = props.timeout ?? '10s';
    check(this, KIND, 'interval', interval, duration(interval));
    check(this, KIND, 'timeout', timeout, duration(timeout));
    const intervalMs = durationMs(interval)!;
    const timeoutMs = durationMs(timeout)!;
    if (!(timeoutMs >= 1000)) invalid(this, KIND, 'timeout', timeout, 'must be at least 1s: a round trip through the broker takes milliseconds, its connect more');
    if (intervalMs < timeoutMs) {
      invalid(this, KIND, 'interval', interval, `must not be shorter than timeout '${timeout}': allowed is at least ${PROBE_PHASES_PER_INTERVAL} × timeout (${goDuration(timeoutMs * PROBE_PHASES_PER_INTERVAL)})`);
    }
    if (intervalMs < timeoutMs * PROBE_PHASES_PER_INTERVAL) {
      invalid(this, KIND, 'interval', interval,
        `must be at least ${PROBE_PHASES_PER_INTERVAL} × timeout '${timeout}' (${goDuration(timeoutMs * PROBE_PHASES_PER_INTERVAL)}): the exporter gives each phase of a round trip a third of its interval (main.go:185-186)`);
    }
    const qos = props.qos ?? PROBE_SUPPORTED_QOS;
    if (qos !== PROBE_SUPPORTED_QOS) {
      invalid(this, KIND, 'qos', qos, [1, 2].includes(qos)
        ? `must be ${PROBE_SUPPORTED_QOS}: mqtt_blackbox_exporter publishes and subscribes at QoS 0 only (main.go:188)`
        : `is not an MQTT QoS (0, 1 or 2); allowed is ${PROBE_SUPPORTED_QOS}, the only one mqtt_blackbox_exporter uses`);
    }
    const topicPrefix = props.topicPrefix ?? PROBE_DEFAULT_TOPIC_PREFIX;
    check(this, KIND, 'topicPrefix', topicPrefix, topicPrefixProblem(topicPrefix));
    const messages = props.messages ?? 5;
    check(this, KIND, 'messages', messages, checks.integer(messages, 1, 1000));

    // ---- model ----
    const mqttPort = CLIENT_PROTOCOL_PORTS[ClientProtocol.MQTT].port;
    this.name = name;
    this.namespace = namespace;
    this.clusterName = cluster.clusterName;
    this.brokerUrl = `tcp://${cluster.service.name}.${namespace}.svc:${mqttPort}`;
    this.topic = `${topicPrefix}/${name}`;
    this.interval = interval;
    this.timeout = timeout;
    this.messages = messages;
    const model: ProbeConfigModel = {
      name,
      brokerUrl: this.brokerUrl,
      topic: this.topic,
      clientPrefix: `${namespace}.${name}`,
      messages,
      interval: goDuration(intervalMs),
      usernameFile: `${SECRET_DIR}/${USERNAME_FILE}`,
      passwordFile: `${SECRET_DIR}/${PASSWORD_FILE}`,
    };
    this.configTemplate = renderProbeConfigTemplate(model);
    this.startScript = renderProbeStartScript(model, {
      templatePath: `${TEMPLATE_DIR}/${TEMPLATE_FILE}`,
      configPath: `${CONFIG_DIR}/${CONFIG_FILE}`,
    });

    this.selectorLabels = { 'app.kubernetes.io/name': 'mqtt-blackbox-exporter', 'app.kubernetes.io/instance': name };
    const tag = image.split('@')[0].split('/').pop()!.split(':')[1];
    const objectLabels: { [key: string]: string } = {
      ...this.selectorLabels,
      ...(tag !== undefined && /^[A-Za-z0-9._-]{1,63}$/.test(tag) ? { 'app.kubernetes.io/version': tag.replace(/^v/, '') } : {}),
      'app.kubernetes.io/component': 'probe',
      'app.kubernetes.io/part-of': 'robustmq-observability',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels: { ...objectLabels } });

    // ---- objects ----
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: metadata(`${name}-config`),
      data: { [TEMPLATE_FILE]: this.configTemplate, [SCRIPT_FILE]: this.startScript },
    });
    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(name),
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: PROBE_METRICS_PORT_NAME, port: PROBE_METRICS_PORT, targetPort: PROBE_METRICS_PORT, protocol: kplus.Protocol.TCP }],
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) this.service.selectLabel(k, v);

    const policies = props.networkPolicy?.enabled ?? true;
    if (policies) {
      this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(name),
        spec: renderDeclaredPortsPolicy(this.selectorLabels, [{ port: PROBE_METRICS_PORT }]),
      });
      if (cluster.networkPolicy) {
        // NetworkPolicies add up: this one admits the probe pods to the MQTT port, whatever
        // namespaces the cluster's own policy admits clients from.
        this.clusterIngressPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'ClusterIngress', {
          metadata: metadata(`${name}-cluster-ingress`),
          spec: {
            podSelector: { matchLabels: { ...cluster.selectorLabels } },
            policyTypes: ['Ingress'],
            ingress: [{
              ports: [{ port: kplus.k8s.IntOrString.fromNumber(mqttPort), protocol: 'TCP' }],
              from: [{ podSelector: { matchLabels: { ...this.selectorLabels } } }],
            }],
          },
        });
      }
    }

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: metadata(name),
      // One pod: a second would connect with the same client ids and the broker would drop the first.
      replicas: 1,
      select: false,
      strategy: kplus.DeploymentStrategy.recreate(),
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(PROBE_RUN_AS_USER),
      terminationGracePeriod: Duration.seconds(10),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    for (const [k, v] of Object.entries(objectLabels)) this.deployment.podMetadata.addLabel(k, v);

    const templateVolume = kplus.Volume.fromConfigMap(this, 'TemplateVolume', this.configMap, { name: 'template' });
    const configVolume = kplus.Volume.fromEmptyDir(this, 'ConfigVolume', 'config', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(1) });
    const secret = kplus.Secret.fromSecretName(this, 'Credentials', cluster.credentialsSecretName);
    // The Secret as files, in the init container only; readable by the pod's group (fsGroup).
    const secretVolume = kplus.Volume.fromSecret(this, 'CredentialsVolume', secret, {
      name: 'credentials',
      defaultMode: 0o440,
      items: {
        [cluster.mqttUsernameKey]: { path: USERNAME_FILE },
        [cluster.mqttPasswordKey]: { path: PASSWORD_FILE },
      },
    });
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
    };
    this.deployment.addInitContainer({
      name: 'render-config',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', `${TEMPLATE_DIR}/${SCRIPT_FILE}`],
      securityContext: restrictedSecurityContext(PROBE_RUN_AS_USER),
      resources,
      volumeMounts: [
        { path: TEMPLATE_DIR, volume: templateVolume, readOnly: true },
        { path: SECRET_DIR, volume: secretVolume, readOnly: true },
        { path: CONFIG_DIR, volume: configVolume },
      ],
    });
    const metricsProbe = (periodSeconds: number) => kplus.Probe.fromHttpGet(PROBE_METRICS_PATH, {
      port: PROBE_METRICS_PORT,
      periodSeconds: Duration.seconds(periodSeconds),
      timeoutSeconds: Duration.seconds(2),
      failureThreshold: 3,
    });
    const args = probeArgs(`${CONFIG_DIR}/${CONFIG_FILE}`, PROBE_METRICS_PORT);
    this.container = this.deployment.addContainer({
      name: 'mqtt-probe',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: [args[0]],
      args: args.slice(1),
      ports: [{ name: PROBE_METRICS_PORT_NAME, number: PROBE_METRICS_PORT, protocol: kplus.Protocol.TCP }],
      securityContext: restrictedSecurityContext(PROBE_RUN_AS_USER),
      resources,
      readiness: metricsProbe(10),
      liveness: metricsProbe(20),
      volumeMounts: [{ path: CONFIG_DIR, volume: configVolume, readOnly: true }],
    });
    canonicalMemoryQuantities(this.deployment);

    // ---- self-monitoring ----
    this.serviceMonitor = selfMonitor(this, KIND, 'monitoring', props.monitoring, {
      name,
      namespace,
      target: ServiceScrapeTarget.fromService(this.service, {
        portName: PROBE_METRICS_PORT_NAME,
        path: PROBE_METRICS_PATH,
        clusterName: cluster.clusterName,
        selectorLabels: { ...this.selectorLabels },
      }),
    });
  }

  /**
   * The probe's series for its SLOs (`RobustMqBuiltInSlos.probe()`): started probes as the
   * total, connect or subscribe errors and timeouts as the failures, the round-trip histogram;
   * selected by the probe's namespace, job and name, as its alerts select them.
   */
  public sloMetrics(): ProbeSloMetrics {
    return {
      startedMetric: PROBE_METRICS.started,
      failedMetrics: [PROBE_METRICS.errors, PROBE_METRICS.timeouts],
      durationHistogram: PROBE_METRICS.duration,
      selector: { namespace: this.namespace, job: this.serviceMonitor?.job ?? this.name, [PROBE_NAME_LABEL]: this.name },
    };
  }
}

import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DEFAULT_DISCOVERY_LABELS,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  IRobustMqMonitor,
  MonitorOptions,
  renderScrapeEndpoint,
  robustMqDropMetrics,
  validateMonitorOptions,
  validateTarget,
} from './scrape';
import { PodScrapeTarget } from './target';
import { PodMonitor, PodMonitorSpecPodMetricsEndpoints } from '../imports/monitoring.coreos.com';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

const KIND = 'RobustMqPodMonitor';

/** Properties of a RobustMqPodMonitor. */
export interface RobustMqPodMonitorProps extends MonitorOptions {
  /** The pods to scrape: `PodScrapeTarget.fromCluster(cluster)` for a RobustMqCluster. */
  readonly target: PodScrapeTarget;
}

/**
 * A Prometheus-Operator PodMonitor: the alternative to RobustMqServiceMonitor for pods without
 * a Service. Same options and labels; `job` is set to the cluster name so alerts and dashboards
 * select the same series whichever monitor kind is used.
 */
export class RobustMqPodMonitor extends Construct implements IRobustMqMonitor {
  /** The PodMonitor object. */
  public readonly podMonitor: PodMonitor;
  /** The namespace the PodMonitor lives in. */
  public readonly namespace: string;
  /** Labels a Prometheus must select for this monitor to be read. */
  public readonly discoveryLabels: { [key: string]: string };
  /** The value of the `job` label of the scraped series. */
  public readonly job: string;
  /** The label name and value that mark this cluster's series. */
  public readonly clusterLabel: string;
  public readonly clusterName: string;
  /** Scrape interval and timeout. */
  public readonly interval: string;
  public readonly scrapeTimeout: string;
  /** The namespace of the scraped pods. */
  public readonly targetNamespace: string;

  private readonly target: PodScrapeTarget;

  constructor(scope: Construct, id: string, props: RobustMqPodMonitorProps) {
    super(scope, id);
    validateMonitorOptions(this, KIND, props);
    const target = props.target;
    this.target = target;
    const targetNamespace = validateTarget(this, KIND, {
      name: target.clusterName,
      objectKind: 'workload',
      namespace: target.namespace,
      portName: target.portName,
      path: target.path,
      selectorLabels: target.selectorLabels,
    });

    this.namespace = props.namespace ?? Chart.of(this).namespace ?? targetNamespace;
    this.targetNamespace = targetNamespace;
    this.interval = props.interval ?? DEFAULT_SCRAPE_INTERVAL;
    this.scrapeTimeout = props.scrapeTimeout ?? DEFAULT_SCRAPE_TIMEOUT;
    this.discoveryLabels = { ...(props.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS) };
    this.job = target.clusterName;
    this.clusterLabel = props.clusterLabel ?? 'cluster';
    this.clusterName = target.clusterName;
    const name = props.name ?? target.clusterName;
    check(this, KIND, 'name', name, checks.dnsSubdomain(name));

    const endpoint = renderScrapeEndpoint({
      portName: target.portName,
      path: target.path,
      interval: this.interval,
      scrapeTimeout: this.scrapeTimeout,
      clusterLabel: this.clusterLabel,
      clusterName: target.clusterName,
      job: this.job,
      dropMetrics: robustMqDropMetrics(props),
      tls: props.tls,
      bearerTokenSecret: props.bearerTokenSecret,
    });

    this.podMonitor = new PodMonitor(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels: { ...this.discoveryLabels } },
      spec: {
        selector: { matchLabels: { ...target.selectorLabels } },
        namespaceSelector: targetNamespace !== this.namespace ? { matchNames: [targetNamespace] } : undefined,
        // The endpoint's fields are the CRD's; the shared renderer returns them as plain JSON.
        podMetricsEndpoints: [endpoint as unknown as PodMonitorSpecPodMetricsEndpoints],
      },
    });

    this.node.addValidation({ validate: () => this.checkTarget() });
  }

  /** The cross-object checks: run at synth time, when the target workload is complete. */
  private checkTarget(): string[] {
    const workload = this.target.workload;
    if (!workload) return [];
    const podLabels: Record<string, string> = workload.podMetadata.toJson().labels ?? {};
    const mismatched = Object.entries(this.target.selectorLabels).filter(([k, v]) => podLabels[k] !== v);
    if (mismatched.length > 0) {
      invalid(this, KIND, 'selector.matchLabels', this.target.selectorLabels,
        `must match the pod labels of '${workload.name}', which has ${JSON.stringify(podLabels)}; not matched: ${mismatched.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    const ports = workload.containers.flatMap((c) => c.ports.map((p) => p.name)).filter((n): n is string => n !== undefined);
    if (!ports.includes(this.target.portName)) {
      invalid(this, KIND, 'podMetricsEndpoints[0].port', this.target.portName,
        `must name a container port of '${workload.name}', which has ${ports.length ? ports.map((p) => `'${p}'`).join(', ') : 'no named ports'}`);
    }
    return [];
  }
}

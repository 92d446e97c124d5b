import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DEFAULT_DISCOVERY_LABELS,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  IRobustMqMonitor,
  MonitorOptions,
  renderScrapeEndpoint,
  robustMqDropMetrics,
  ScrapeOptions,
  validateMonitorOptions,
  validateTarget,
} from './scrape';
import { ServiceScrapeTarget } from './target';
import { ServiceMonitor, ServiceMonitorSpecEndpoints } from '../imports/monitoring.coreos.com';
import * as checks from '../validation/checks';
import { check, invalid } from '../validation/errors';

/** Properties of a ComponentServiceMonitor. */
export interface ComponentServiceMonitorProps extends ScrapeOptions {
  /** The Service to scrape. */
  readonly target: ServiceScrapeTarget;
  /**
   * Sample names to drop at scrape time (a `metricRelabelings` drop rule).
   *
   * @default - none
   */
  readonly dropMetrics?: string[];
}

/** Properties of a RobustMqServiceMonitor. */
export interface RobustMqServiceMonitorProps extends MonitorOptions {
  /** The Service to scrape: `ServiceScrapeTarget.fromCluster(cluster)` for a RobustMqCluster. */
  readonly target: ServiceScrapeTarget;
}

/**
 * A Prometheus-Operator ServiceMonitor of any component's metrics (Fluent Bit's and Jaeger's
 * own, for example): it puts Kubernetes-aware labels (pod, namespace, node, service, cluster)
 * on every series.
 *
 * At synth time it checks that its selector matches the target Service's labels and that the
 * endpoint's port name exists on that Service, so Prometheus never silently ignores it.
 */
export class ComponentServiceMonitor extends Construct implements IRobustMqMonitor {
  /** The ServiceMonitor object. */
  public readonly serviceMonitor: ServiceMonitor;
  /** The namespace the ServiceMonitor lives in. */
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
  /** The namespace of the scraped Service and pods. */
  public readonly targetNamespace: string;

  private readonly target: ServiceScrapeTarget;
  /** The target Service's labels and ports when they last passed the checks. */
  private checkedFingerprint?: string;

  /** The class name errors name the construct by (a subclass gives its own). */
  private readonly kind: string;

  constructor(scope: Construct, id: string, props: ComponentServiceMonitorProps) {
    super(scope, id);
    const kind = new.target.name;
    this.kind = kind;
    validateMonitorOptions(this, kind, props);
    const dropMetrics = props.dropMetrics ?? [];
    for (const metric of dropMetrics) check(this, kind, 'dropMetrics', metric, checks.metricName(metric));
    const target = props.target;
    this.target = target;
    const targetNamespace = validateTarget(this, kind, {
      name: target.serviceName,
      objectKind: 'Service',
      namespace: target.namespace,
      portName: target.portName,
      path: target.path,
      selectorLabels: target.selectorLabels,
    });

    this.namespace = props.namespace ?? Chart.of(this).namespace ?? targetNamespace;
    this.targetNamespace = targetNamespace;
    this.discoveryLabels = { ...(props.discoveryLabels ?? DEFAULT_DISCOVERY_LABELS) };
    this.job = target.serviceName;
    this.clusterLabel = props.clusterLabel ?? 'cluster';
    this.clusterName = target.clusterName;
    this.interval = props.interval ?? DEFAULT_SCRAPE_INTERVAL;
    this.scrapeTimeout = props.scrapeTimeout ?? DEFAULT_SCRAPE_TIMEOUT;
    const name = props.name ?? target.clusterName;
    check(this, kind, 'name', name, checks.dnsSubdomain(name));

    const endpoint = renderScrapeEndpoint({
      portName: target.portName,
      path: target.path,
      interval: this.interval,
      scrapeTimeout: this.scrapeTimeout,
      clusterLabel: this.clusterLabel,
      clusterName: target.clusterName,
      serviceSource: { fromLabel: '__meta_kubernetes_service_name' },
      dropMetrics: [...dropMetrics].sort(),
      tls: props.tls,
      bearerTokenSecret: props.bearerTokenSecret,
    });

    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels: { ...this.discoveryLabels } },
      spec: {
        selector: { matchLabels: { ...target.selectorLabels } },
        namespaceSelector: targetNamespace !== this.namespace ? { matchNames: [targetNamespace] } : undefined,
        // The endpoint's fields are the CRD's; the shared renderer returns them as plain JSON.
        endpoints: [endpoint as unknown as ServiceMonitorSpecEndpoints],
      },
    });

    this.node.addValidation({ validate: () => this.checkTarget() });
  }

  /** The cross-object checks: run at synth time, when the target Service is complete. */
  private checkTarget(): string[] {
    const service = this.target.service;
    if (!service) return [];
    // cdk8s validates the whole app once per chart (cdk8s lib/app.js _synthChart), so this runs
    // once per chart of the app: check again only when what the checks read changed. The
    // fingerprint reads just the selector's labels and the port names (toJson() of the metadata
    // on every call was 30% of synth at 300 stacks).
    const fingerprint = JSON.stringify([
      Object.keys(this.target.selectorLabels).map((k) => service.metadata.getLabel(k) ?? null),
      service.ports.map((p) => p.name),
    ]);
    if (fingerprint === this.checkedFingerprint) return [];
    const serviceLabels: Record<string, string> = service.metadata.toJson().labels ?? {};
    const mismatched = Object.entries(this.target.selectorLabels).filter(([k, v]) => serviceLabels[k] !== v);
    if (mismatched.length > 0) {
      invalid(this, this.kind, 'selector.matchLabels', this.target.selectorLabels,
        `must match labels of Service '${service.name}', which has ${JSON.stringify(serviceLabels)}; not matched: ${mismatched.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    const ports = service.ports.map((p) => p.name).filter((n): n is string => n !== undefined);
    if (!ports.includes(this.target.portName)) {
      invalid(this, this.kind, 'endpoints[0].port', this.target.portName,
        `must name a port of Service '${service.name}', which has ${ports.length ? ports.map((p) => `'${p}'`).join(', ') : 'no named ports'}`);
    }
    // Another Service of the target's chart in the same namespace with these labels and port
    // would make Prometheus scrape the same pods twice. (The chart, not the whole app: cdk8s
    // validates the app once per chart, and a walk of the whole app each time grows with its
    // square.)
    const others = servicesOf(Chart.of(service), this.targetNamespace)
      .filter((s) => s !== service)
      .filter((s) => {
        const labels: Record<string, string> = s.metadata.toJson().labels ?? {};
        return Object.entries(this.target.selectorLabels).every(([k, v]) => labels[k] === v)
          && s.ports.some((p) => p.name === this.target.portName);
      });
    if (others.length > 0) {
      invalid(this, this.kind, 'selector.matchLabels', this.target.selectorLabels,
        `also selects Service '${others[0].name}' with port '${this.target.portName}', so its pods would be scraped twice: add a label that only Service '${service.name}' carries`);
    }
    this.checkedFingerprint = fingerprint;
    return [];
  }
}

/** The Services of each chart by namespace, for the monitors checked in one synchronous synth. */
const SERVICES = new WeakMap<Chart, Map<string | undefined, kplus.Service[]>>();

/**
 * The Services of `chart` in `namespace`. A chart holding many stacks has many monitors, and a
 * walk of the chart for each made one chart of N stacks grow with N squared (3.7 s of 12.7 at
 * 300 stacks): the walk is done once and kept until the synchronous synth in which it was made
 * has returned (a queued microtask forgets it), so a Service added afterwards is seen.
 */
function servicesOf(chart: Chart, namespace: string | undefined): kplus.Service[] {
  let byNamespace = SERVICES.get(chart);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const c of chart.node.findAll()) {
      if (!(c instanceof kplus.Service)) continue;
      const ns = c.metadata.namespace ?? Chart.of(c).namespace;
      const list = byNamespace.get(ns) ?? [];
      list.push(c);
      byNamespace.set(ns, list);
    }
    SERVICES.set(chart, byNamespace);
    queueMicrotask(() => SERVICES.delete(chart));
  }
  return byNamespace.get(namespace) ?? [];
}

/**
 * A Prometheus-Operator ServiceMonitor that scrapes a RobustMQ Service's `/metrics`: a
 * ComponentServiceMonitor that drops RobustMQ's per-client families unless asked to keep them.
 */
export class RobustMqServiceMonitor extends ComponentServiceMonitor {
  constructor(scope: Construct, id: string, props: RobustMqServiceMonitorProps) {
    super(scope, id, { ...props, dropMetrics: robustMqDropMetrics(props) });
  }
}

import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IRobustMqTarget } from '../robustmq/target';

/** Options of a scrape target given by a Service. */
export interface ServiceScrapeTargetOptions {
  /** The name of the Service port that serves metrics. */
  readonly portName: string;
  /**
   * HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Value of the `cluster` label put on every series.
   *
   * @default - the Service's name
   */
  readonly clusterName?: string;
  /**
   * The labels to select the Service by (for a Service in the app, they must be among its labels;
   * this is checked at synth time).
   *
   * @default - all of the Service's labels (for a Service in the app)
   */
  readonly selectorLabels?: { [key: string]: string };
}

/** A Service outside this app, given by its namespace and labels. */
export interface ExternalServiceScrapeTargetOptions extends ServiceScrapeTargetOptions {
  /** The Service's namespace. */
  readonly namespace: string;
  /** Labels the Service carries (what the ServiceMonitor selects on). */
  readonly serviceLabels: { [key: string]: string };
  /**
   * The Service's name, used as the `job` label and the default `cluster` label.
   *
   * @default - the value of `app.kubernetes.io/instance` or the first label's value
   */
  readonly serviceName?: string;
}

/**
 * What a ServiceMonitor scrapes: a RobustMqCluster, any cdk8s-plus Service in the app, or a
 * Service outside the app given by labels. Targets in the app are cross-checked at synth time.
 */
export class ServiceScrapeTarget {
  /** The metrics Service of a RobustMQ (a RobustMqCluster, or one deployed elsewhere) and its `/metrics` port. */
  public static fromCluster(cluster: IRobustMqTarget): ServiceScrapeTarget {
    return new ServiceScrapeTarget(cluster.namespace, { ...cluster.metricsServiceLabels }, cluster.metricsPortName,
      cluster.metricsPath, cluster.clusterName, cluster.metricsServiceName, cluster.appMetricsService);
  }

  /** Any cdk8s-plus Service of the app, selected by all of its labels. */
  public static fromService(service: kplus.Service, options: ServiceScrapeTargetOptions): ServiceScrapeTarget {
    const labels: Record<string, string> = options.selectorLabels ?? service.metadata.toJson().labels ?? {};
    return new ServiceScrapeTarget(namespaceOf(service), { ...labels }, options.portName, options.path ?? '/metrics',
      options.clusterName ?? service.name, service.name, service);
  }

  /** A Service outside the app: nothing to cross-check, so get its labels and port name right. */
  public static fromLabels(options: ExternalServiceScrapeTargetOptions): ServiceScrapeTarget {
    const name = options.serviceName ?? options.serviceLabels['app.kubernetes.io/instance'] ?? Object.values(options.serviceLabels)[0] ?? 'service';
    return new ServiceScrapeTarget(options.namespace, { ...options.serviceLabels }, options.portName, options.path ?? '/metrics',
      options.clusterName ?? name, name, undefined);
  }

  private constructor(
    /** Namespace of the Service (undefined when neither it nor its chart has one). */
    public readonly namespace: string | undefined,
    /** Labels the ServiceMonitor selects the Service by. */
    public readonly selectorLabels: { [key: string]: string },
    /** The Service port name of the metrics endpoint. */
    public readonly portName: string,
    /** The HTTP path of the metrics. */
    public readonly path: string,
    /** Value of the `cluster` label. */
    public readonly clusterName: string,
    /** The Service's name (the `job` label). */
    public readonly serviceName: string,
    /** The Service, when it is part of the app. */
    public readonly service?: kplus.Service,
  ) {}
}

/** Options of a scrape target given by a workload's pods. */
export interface PodScrapeTargetOptions {
  /** The name of the container port that serves metrics. */
  readonly portName: string;
  /**
   * HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Value of the `cluster` label (and `job`) put on every series.
   *
   * @default - the workload's name
   */
  readonly clusterName?: string;
  /**
   * The labels to select the pods by (for a workload in the app, they must be among its pod
   * labels; this is checked at synth time).
   *
   * @default - the workload's own selector labels (for a workload in the app)
   */
  readonly selectorLabels?: { [key: string]: string };
}

/** Pods outside this app, given by their namespace and labels. */
export interface ExternalPodScrapeTargetOptions extends PodScrapeTargetOptions {
  /** The pods' namespace. */
  readonly namespace: string;
  /** Labels the pods carry (what the PodMonitor selects on). */
  readonly podLabels: { [key: string]: string };
}

/**
 * What a PodMonitor scrapes: a RobustMqCluster's pods, any cdk8s-plus workload's pods, or pods
 * outside the app given by labels.
 */
export class PodScrapeTarget {
  /** The pods of a RobustMQ (a RobustMqCluster, or one deployed elsewhere) and their `/metrics` container port. */
  public static fromCluster(cluster: IRobustMqTarget): PodScrapeTarget {
    return new PodScrapeTarget(cluster.namespace, { ...cluster.selectorLabels }, cluster.metricsPortName, cluster.metricsPath,
      cluster.clusterName, cluster.appWorkload);
  }

  /** The pods of any cdk8s-plus workload of the app, selected by the workload's own selector. */
  public static fromWorkload(workload: kplus.Workload, options: PodScrapeTargetOptions): PodScrapeTarget {
    return new PodScrapeTarget(namespaceOf(workload), { ...(options.selectorLabels ?? workload.matchLabels) }, options.portName, options.path ?? '/metrics',
      options.clusterName ?? workload.name, workload);
  }

  /** Pods outside the app: nothing to cross-check, so get their labels and port name right. */
  public static fromLabels(options: ExternalPodScrapeTargetOptions): PodScrapeTarget {
    const name = options.clusterName ?? options.podLabels['app.kubernetes.io/instance'] ?? Object.values(options.podLabels)[0] ?? 'pods';
    return new PodScrapeTarget(options.namespace, { ...options.podLabels }, options.portName, options.path ?? '/metrics', name, undefined);
  }

  private constructor(
    /** Namespace of the pods. */
    public readonly namespace: string | undefined,
    /** Labels the PodMonitor selects the pods by. */
    public readonly selectorLabels: { [key: string]: string },
    /** The container port name of the metrics endpoint. */
    public readonly portName: string,
    /** The HTTP path of the metrics. */
    public readonly path: string,
    /** Value of the `cluster` and `job` labels. */
    public readonly clusterName: string,
    /** The workload, when it is part of the app. */
    public readonly workload?: kplus.Workload,
  ) {}
}

function namespaceOf(resource: kplus.Resource): string | undefined {
  return resource.metadata.namespace ?? Chart.of(resource).namespace;
}


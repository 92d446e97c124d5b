import { IConstruct } from 'constructs';
import { HIGH_CARDINALITY_FAMILIES, family } from './catalog';
import * as checks from '../validation/checks';
import { duration, durationMs } from '../validation/duration';
import { check, invalid } from '../validation/errors';
import { warn } from '../validation/warnings';

/** A key in a Secret. */
export interface SecretKeyRef {
  /** The Secret's name (in the monitor's namespace). */
  readonly name: string;
  /** The key within the Secret. */
  readonly key: string;
}

/** TLS settings for an HTTPS scrape. */
export interface ScrapeTls {
  /**
   * The CA certificate that signed the target's certificate.
   *
   * @default - the system's trust store
   */
  readonly caSecret?: SecretKeyRef;
  /**
   * The name the target's certificate is checked against.
   *
   * @default - the target's address
   */
  readonly serverName?: string;
  /**
   * Skip certificate verification. Do not use in production.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** The default label Prometheus's `serviceMonitorSelector` / `podMonitorSelector` matches in kube-prometheus-stack. */
export const DEFAULT_DISCOVERY_LABELS: { readonly [key: string]: string } = { release: 'kube-prometheus-stack' };
export const DEFAULT_SCRAPE_INTERVAL = '30s';

/**
 * The shortest range the alerts and dashboards take a `rate()` over. Prometheus 3 selects ranges
 * left-open (a sample exactly at the start is out), so a range of W holds W / interval samples at
 * most, one fewer than on 2.x; `rate()` needs two.
 */
export const SHORTEST_RATE_WINDOW = '5m';
export const DEFAULT_SCRAPE_TIMEOUT = '10s';

/**
 * Options of a scrape by a Prometheus-Operator monitor, for any component's metrics.
 */
export interface ScrapeOptions {
  /**
   * Name of the monitor object.
   *
   * @default - the target's cluster name
   */
  readonly name?: string;
  /**
   * Namespace of the monitor object. When it differs from the target's, the monitor gets a
   * `namespaceSelector` naming the target's namespace.
   *
   * @default - the enclosing Chart's namespace, else the target's
   */
  readonly namespace?: string;
  /**
   * Labels that make a Prometheus pick the monitor up. A Prometheus only reads monitors matched
   * by its `serviceMonitorSelector` / `podMonitorSelector`; kube-prometheus-stack's default is
   * `release: <helm release name>`, and a monitor without it is silently ignored.
   *
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly discoveryLabels?: { [key: string]: string };
  /**
   * Scrape interval, a Prometheus duration.
   *
   * @default '30s'
   */
  readonly interval?: string;
  /**
   * Scrape timeout, a Prometheus duration no longer than the interval.
   *
   * @default '10s'
   */
  readonly scrapeTimeout?: string;
  /**
   * Name of the label that carries the cluster name on every series.
   *
   * @default 'cluster'
   */
  readonly clusterLabel?: string;
  /**
   * Scrape over HTTPS with these TLS settings.
   *
   * @default - plain HTTP
   */
  readonly tls?: ScrapeTls;
  /**
   * Send `Authorization: Bearer <token>` with the token from this Secret key.
   *
   * @default - no authorization
   */
  readonly bearerTokenSecret?: SecretKeyRef;
}

/**
 * Options shared by RobustMqServiceMonitor and RobustMqPodMonitor: a scrape of RobustMQ's
 * metrics, with RobustMQ's per-client families dropped unless asked to keep them.
 */
export interface MonitorOptions extends ScrapeOptions {
  /**
   * Keep the families with one series per client, topic or connection. Off by default: a broker
   * with many clients would otherwise flood Prometheus.
   *
   * @default false
   */
  readonly keepHighCardinalityMetrics?: boolean;
}

/**
 * What alerts and dashboards need to know of a monitor: where it is, which Prometheus reads it,
 * and the labels that identify the cluster's series.
 */
export interface IRobustMqMonitor extends IConstruct {
  /** The namespace the monitor object lives in. */
  readonly namespace: string;
  /** Labels a Prometheus must select for this monitor to be read. */
  readonly discoveryLabels: { [key: string]: string };
  /** The `job` label of the scraped series. */
  readonly job: string;
  /** The name of the label that carries the cluster name. */
  readonly clusterLabel: string;
  /** The cluster name on every series. */
  readonly clusterName: string;
  /** The namespace of the scraped pods (their `namespace` label). */
  readonly targetNamespace: string;
  /** The scrape interval. */
  readonly interval: string;
  /** The scrape timeout. */
  readonly scrapeTimeout: string;
}

/**
 * The target labels a scrape already has: written by the relabelings below (pod, namespace,
 * node, service, job) or by Prometheus and the operator (instance, container, endpoint).
 */
export const TARGET_LABELS = ['pod', 'namespace', 'node', 'service', 'job', 'instance', 'container', 'endpoint'];

/** The resolved, validated scrape endpoint both monitor kinds render. */
export interface ScrapeModel {
  readonly portName: string;
  readonly path: string;
  readonly interval: string;
  readonly scrapeTimeout: string;
  readonly clusterLabel: string;
  readonly clusterName: string;
  /** Source label for the `service` label, or a fixed value; undefined leaves it out. */
  readonly serviceSource?: { readonly fromLabel?: string; readonly value?: string };
  /** A fixed `job` label value, if the monitor kind does not give a stable one. */
  readonly job?: string;
  /** Sample names dropped at scrape time; none leaves out the metricRelabelings. */
  readonly dropMetrics: string[];
  readonly tls?: ScrapeTls;
  readonly bearerTokenSecret?: SecretKeyRef;
}

/** Validates the options shared by both monitor kinds; throws naming the construct and field. */
export function validateMonitorOptions(scope: IConstruct, kind: string, o: ScrapeOptions): void {
  const interval = o.interval ?? DEFAULT_SCRAPE_INTERVAL;
  const timeout = o.scrapeTimeout ?? DEFAULT_SCRAPE_TIMEOUT;
  check(scope, kind, 'interval', interval, duration(interval));
  check(scope, kind, 'scrapeTimeout', timeout, duration(timeout));
  if (durationMs(timeout)! > durationMs(interval)!) {
    invalid(scope, kind, 'scrapeTimeout', timeout, `must not exceed interval '${interval}'`);
  }
  const window = durationMs(SHORTEST_RATE_WINDOW)!;
  if (durationMs(interval)! * 2 > window) {
    invalid(scope, kind, 'interval', interval,
      `must be at most half of the ${SHORTEST_RATE_WINDOW} rate window the alerts and dashboards use: Prometheus 3 would find fewer than two samples in it and every rate would be empty`);
  }
  if (durationMs(interval)! * 4 > window) {
    warn(scope, `interval '${interval}' leaves fewer than four samples in the ${SHORTEST_RATE_WINDOW} rate windows the alerts use: one missed scrape empties a rate on Prometheus 3`);
  }
  if (o.name !== undefined) check(scope, kind, 'name', o.name, checks.dnsSubdomain(o.name));
  if (o.namespace !== undefined) check(scope, kind, 'namespace', o.namespace, checks.dnsLabel(o.namespace));
  for (const [k, v] of Object.entries(o.discoveryLabels ?? {})) {
    check(scope, kind, 'discoveryLabels key', k, checks.labelKey(k));
    check(scope, kind, `discoveryLabels.${k}`, v, checks.labelValue(v));
  }
  if (o.discoveryLabels !== undefined && Object.keys(o.discoveryLabels).length === 0) {
    warn(scope, 'discoveryLabels is empty: the monitor is only picked up by a Prometheus whose monitor selector is empty ({}), which selects every monitor');
  }
  const clusterLabel = o.clusterLabel ?? 'cluster';
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(clusterLabel) || clusterLabel.startsWith('__')) {
    invalid(scope, kind, 'clusterLabel', clusterLabel, "must be a Prometheus label name: letters, digits and '_', not starting with a digit or '__'");
  }
  if (TARGET_LABELS.includes(clusterLabel)) {
    invalid(scope, kind, 'clusterLabel', clusterLabel,
      `must not be one of the labels the monitor or Prometheus already sets (${TARGET_LABELS.join(', ')}): the cluster name would overwrite it`);
  }
  for (const [field, ref] of [['tls.caSecret', o.tls?.caSecret], ['bearerTokenSecret', o.bearerTokenSecret]] as const) {
    if (ref === undefined) continue;
    check(scope, kind, `${field}.name`, ref.name, checks.dnsSubdomain(ref.name));
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      invalid(scope, kind, `${field}.key`, ref.key, "must be a Secret key: letters, digits, '-', '_' and '.'");
    }
  }
  if (o.bearerTokenSecret && !o.tls) {
    warn(scope, 'bearerTokenSecret is set without tls: the token is sent over plain HTTP');
  }
}

/** What both monitor kinds check of their target before placing anything. */
export interface TargetBasics {
  /** How the target is named in an error about it. */
  readonly name: string;
  /** What kind of object carries the namespace ('Service' or 'workload'). */
  readonly objectKind: string;
  readonly namespace: string | undefined;
  readonly portName: string;
  readonly path: string;
  readonly selectorLabels: { [key: string]: string };
}

/**
 * Validates a monitor's target (namespace, port name, path, selector labels); returns the
 * target's namespace. `kind` names the monitor in errors.
 */
export function validateTarget(scope: IConstruct, kind: string, t: TargetBasics): string {
  if (t.namespace === undefined) {
    invalid(scope, kind, 'target', t.name,
      `has no namespace: set one on the ${t.objectKind} or its Chart, so the monitor can name it in its namespaceSelector`);
  }
  check(scope, kind, 'target namespace', t.namespace, checks.dnsLabel(t.namespace));
  check(scope, kind, 'target port name', t.portName, checks.portName(t.portName));
  // A '?' or a newline would reach Prometheus's scrape URL as part of the path.
  check(scope, kind, 'target path', t.path, checks.httpPath(t.path));
  if (Object.keys(t.selectorLabels).length === 0) {
    invalid(scope, kind, 'target labels', '{}', `must not be empty: a ${kind === 'RobustMqPodMonitor' ? 'PodMonitor' : 'ServiceMonitor'} with an empty selector scrapes every ${t.objectKind === 'Service' ? 'Service' : 'pod'} in the namespace`);
  }
  for (const [k, v] of Object.entries(t.selectorLabels)) {
    check(scope, kind, 'target label key', k, checks.labelKey(k));
    check(scope, kind, `target label ${k}`, v, checks.labelValue(v));
  }
  return t.namespace;
}

/** Sample names of the high-cardinality families, for the drop rule. */
export function highCardinalitySamples(): string[] {
  return HIGH_CARDINALITY_FAMILIES.flatMap((f) => family(f).samples).sort();
}

/** What a RobustMQ monitor drops at scrape time: the per-client families, unless kept. */
export function robustMqDropMetrics(o: MonitorOptions): string[] {
  return o.keepHighCardinalityMetrics ? [] : highCardinalitySamples();
}

/**
 * The endpoint of a ServiceMonitor or PodMonitor as plain JSON (both CRDs share these fields):
 * relabelings that put pod, namespace, node, service and cluster labels on every series, and
 * metricRelabelings that drop the model's `dropMetrics` (RobustMQ's monitors: the
 * high-cardinality families unless asked to keep them).
 */
export function renderScrapeEndpoint(m: ScrapeModel): Record<string, unknown> {
  const relabelings: Array<Record<string, unknown>> = [
    { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
    { action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
    { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
  ];
  if (m.serviceSource?.fromLabel) {
    relabelings.push({ action: 'replace', sourceLabels: [m.serviceSource.fromLabel], targetLabel: 'service' });
  } else if (m.serviceSource?.value) {
    relabelings.push({ action: 'replace', replacement: m.serviceSource.value, targetLabel: 'service' });
  }
  relabelings.push({ action: 'replace', replacement: m.clusterName, targetLabel: m.clusterLabel });
  if (m.job) {
    relabelings.push({ action: 'replace', replacement: m.job, targetLabel: 'job' });
  }
  const endpoint: Record<string, unknown> = {
    port: m.portName,
    path: m.path,
    interval: m.interval,
    scrapeTimeout: m.scrapeTimeout,
    scheme: m.tls ? 'https' : 'http',
    relabelings,
  };
  if (m.dropMetrics.length > 0) {
    endpoint.metricRelabelings = [{
      action: 'drop',
      sourceLabels: ['__name__'],
      regex: `(${m.dropMetrics.join('|')})`,
    }];
  }
  if (m.tls) {
    endpoint.tlsConfig = {
      ...(m.tls.caSecret ? { ca: { secret: { name: m.tls.caSecret.name, key: m.tls.caSecret.key } } } : {}),
      ...(m.tls.serverName ? { serverName: m.tls.serverName } : {}),
      ...(m.tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    };
  }
  if (m.bearerTokenSecret) {
    endpoint.authorization = { type: 'Bearer', credentials: { name: m.bearerTokenSecret.name, key: m.bearerTokenSecret.key } };
  }
  return endpoint;
}

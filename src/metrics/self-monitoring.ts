import { Construct } from 'constructs';
import { DEFAULT_DISCOVERY_LABELS } from './scrape';
import { ComponentServiceMonitor } from './service-monitor';
import { ServiceScrapeTarget } from './target';
import { invalid } from '../validation/errors';

/**
 * How a component of the stack (Fluent Bit, Jaeger) has its own metrics scraped: one option
 * shape for every component, turned off with `enabled: false`.
 */
export interface SelfMonitoringOptions {
  /**
   * Emit a ServiceMonitor for the component's own metrics. The component's alerts need it:
   * without it, the alert that the component is down would always fire.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Name of the ServiceMonitor.
   *
   * @default - the component's name
   */
  readonly name?: string;
  /**
   * Namespace of the ServiceMonitor.
   *
   * @default - the component's namespace
   */
  readonly namespace?: string;
  /**
   * Labels that make a Prometheus pick the ServiceMonitor up (kube-prometheus-stack:
   * `release: <helm release>`).
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
}

const MONITOR_FIELDS = ['name', 'namespace', 'discoveryLabels', 'interval', 'scrapeTimeout'] as const;

/**
 * The ServiceMonitor of a component's own metrics, or undefined when `options.enabled` is false
 * (then every other option is refused: it would have no effect). Errors name `field.<option>`
 * of the construct `scope` of class `kind`; the monitor's own checks name the monitor.
 */
export function selfMonitor(
  scope: Construct, kind: string, field: string, options: SelfMonitoringOptions | undefined,
  component: { readonly name: string; readonly namespace: string; readonly target: ServiceScrapeTarget },
): ComponentServiceMonitor | undefined {
  const o = options ?? {};
  if (o.enabled === false) {
    for (const f of MONITOR_FIELDS) {
      if (o[f] !== undefined) invalid(scope, kind, `${field}.${f}`, o[f], `must not be set when ${field}.enabled is false: there is no ServiceMonitor`);
    }
    return undefined;
  }
  return new ComponentServiceMonitor(scope, 'Monitor', {
    target: component.target,
    name: o.name ?? component.name,
    // Beside the component, whatever the enclosing Chart's namespace.
    namespace: o.namespace ?? component.namespace,
    discoveryLabels: o.discoveryLabels ?? { ...DEFAULT_DISCOVERY_LABELS },
    interval: o.interval,
    scrapeTimeout: o.scrapeTimeout,
  });
}

/**
 * `options` over `defaults` (the stack's scrape settings), unless the monitor is off: then
 * `options` as given, so no default turns into a refused option.
 */
export function selfMonitoringWithDefaults(options: SelfMonitoringOptions | undefined, defaults: SelfMonitoringOptions): SelfMonitoringOptions {
  if (options?.enabled === false) return options;
  return { ...defaults, ...options };
}

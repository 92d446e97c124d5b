import { Sli } from './sli';
import { Slo } from './slo';
import { IRobustMqMonitor } from '../metrics/scrape';

/**
 * The SLOs this library defines for RobustMQ: the broker's own (on by default), and the probe's
 * (apart, taking the probe's metric names, for the stack that runs a synthetic MQTT probe).
 */

/** Name of the broker-side publish latency SLO. */
export const PUBLISH_LATENCY_SLO = 'publish-latency';
/** The publish latency SLO's threshold: a bound of RobustMQ's millisecond buckets (1, 2, 4, ...). */
export const PUBLISH_LATENCY_THRESHOLD = '128ms';

/**
 * The broker-side SLOs of the cluster a monitor scrapes: 99% of the PUBLISH packets handled
 * within 128ms over 30 days, from `mqtt_packet_process_duration_ms{packet="Publish"}` (whole
 * milliseconds; packet types as RobustMQ spells them, shared/robustmq/FACTS.md).
 */
export function builtInSlos(monitor: IRobustMqMonitor): Slo[] {
  return [{
    name: PUBLISH_LATENCY_SLO,
    objective: 0.99,
    description: `PUBLISH packets handled within ${PUBLISH_LATENCY_THRESHOLD}`,
    sli: Sli.fromLatency({
      histogram: 'mqtt_packet_process_duration_ms',
      threshold: PUBLISH_LATENCY_THRESHOLD,
      selector: {
        [monitor.clusterLabel]: monitor.clusterName,
        namespace: monitor.targetNamespace,
        job: monitor.job,
        packet: 'Publish',
      },
    }),
  }];
}

/** The metric names of a synthetic MQTT probe (the probe's facts file holds them). */
export interface ProbeSloMetrics {
  /** Counter of probes started. */
  readonly startedMetric: string;
  /**
   * Counters of the probes that failed, one per way of failing; their sum over the started ones
   * is the error ratio. (inovex/mqtt_blackbox_exporter counts connect or subscribe errors and
   * timeouts apart, and its `completed` counter counts every probe, failed or not: main.go:199-208.)
   */
  readonly failedMetrics: string[];
  /** Histogram family (seconds) of the round-trip time. */
  readonly durationHistogram: string;
  /**
   * Label values the probe's series are selected by.
   *
   * @default - every series of the families
   */
  readonly selector?: { [label: string]: string };
  /**
   * The round-trip threshold, one of the duration histogram's bucket bounds.
   *
   * @default '1s'
   */
  readonly latencyThreshold?: string;
  /**
   * The availability objective.
   *
   * @default 0.999
   */
  readonly availabilityObjective?: number;
  /**
   * The latency objective.
   *
   * @default 0.99
   */
  readonly latencyObjective?: number;
}

/**
 * The probe's SLOs: availability (the failed probes over the started ones are the errors) and
 * round-trip latency under a threshold.
 */
export function probeSlos(m: ProbeSloMetrics): Slo[] {
  const matchers = Object.entries(m.selector ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const sel = matchers.length === 0 ? '' : `{${matchers.join(', ')}}`;
  const started = `sum(rate(${m.startedMetric}${sel}[{{.window}}]))`;
  const threshold = m.latencyThreshold ?? '1s';
  const known = [m.startedMetric, ...m.failedMetrics, `${m.durationHistogram}_bucket`, `${m.durationHistogram}_count`];
  return [
    {
      name: 'probe-availability',
      objective: m.availabilityObjective ?? 0.999,
      description: 'MQTT probe round trips that complete',
      sli: Sli.fromRatio({ errorQuery: m.failedMetrics.map((f) => `sum(rate(${f}${sel}[{{.window}}]))`).join(' + '), totalQuery: started }),
      knownMetrics: known,
    },
    {
      name: 'probe-latency',
      objective: m.latencyObjective ?? 0.99,
      description: `MQTT probe round trips within ${threshold}`,
      sli: Sli.fromLatency({ histogram: m.durationHistogram, threshold, selector: m.selector }),
      knownMetrics: known,
    },
  ];
}

/** The library's SLOs as static factories (for jsii languages, which have no free functions). */
export class RobustMqBuiltInSlos {
  /** The broker-side SLOs of the cluster a monitor scrapes (see `builtInSlos`). */
  public static broker(monitor: IRobustMqMonitor): Slo[] {
    return builtInSlos(monitor);
  }

  /** A synthetic MQTT probe's availability and latency SLOs (see `probeSlos`). */
  public static probe(metrics: ProbeSloMetrics): Slo[] {
    return probeSlos(metrics);
  }

  private constructor() {}
}

/** The Prometheus type of a metric family. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric family as RobustMQ registers and exposes it. */
export interface MetricFamilySpec {
  /** The registered family name. */
  readonly name: string;
  /** Counter, gauge or histogram. */
  readonly type: MetricType;
  /** The sample names actually exposed on `/metrics` (what PromQL selects). */
  readonly samples: readonly string[];
  /** Label names of the family's series. */
  readonly labels: readonly string[];
  /** The RobustMQ source file registering it. */
  readonly source: string;
}

import { CATALOG_VERSION, METRIC_FAMILIES } from './catalog.generated';
import { MetricFamilySpec, MetricType } from './types';

/**
 * The one home of metric names. Every expression this library writes asks here for the names
 * it selects, so an unknown or misspelt name fails at synth time, not on a blank dashboard.
 */

export { CATALOG_VERSION, METRIC_FAMILIES };

const BY_FAMILY = new Map<string, MetricFamilySpec>(METRIC_FAMILIES.map((f) => [f.name, f]));
const BY_SAMPLE = new Map<string, MetricFamilySpec>();
for (const f of METRIC_FAMILIES) {
  for (const s of f.samples) BY_SAMPLE.set(s, f);
}

/** An unknown metric name; the message suggests the nearest known name. */
export class UnknownMetricError extends Error {
  constructor(public readonly metric: string, message: string) {
    super(message);
    this.name = 'UnknownMetricError';
    Object.setPrototypeOf(this, UnknownMetricError.prototype);
  }
}

/** Labels whose values are one per client, connection or topic. */
export const HIGH_CARDINALITY_LABELS = ['client_id', 'connection_id', 'topic', 'topic_name'];

/**
 * Families with one series per client, topic or connection: dropped at scrape time by default.
 */
export const HIGH_CARDINALITY_FAMILIES: readonly string[] = METRIC_FAMILIES
  .filter((f) => f.labels.some((l) => HIGH_CARDINALITY_LABELS.includes(l)))
  .map((f) => f.name);

/** Families RobustMQ v0.4.11 registers but never records (always absent or zero). */
export const NEVER_RECORDED_FAMILIES: readonly string[] = [
  'mqtt_blacklist_blocked',
  'mqtt_delay_queue_remaining_capacity',
  'mqtt_delay_queue_total_capacity',
  'mqtt_delay_queue_used_capacity',
  'mqtt_session_deleted',
];

/** Every exposed sample name of the catalog. */
export function allSampleNames(): string[] {
  return [...BY_SAMPLE.keys()].sort();
}

/** The family that exposes a sample name, or undefined. */
export function familyOfSample(sampleName: string): MetricFamilySpec | undefined {
  return BY_SAMPLE.get(sampleName);
}

/** A family by its registered name; throws UnknownMetricError with a suggestion if there is none. */
export function family(name: string): MetricFamilySpec {
  const f = BY_FAMILY.get(name);
  if (!f) {
    throw new UnknownMetricError(name,
      `'${name}' is not a metric family of RobustMQ v${CATALOG_VERSION}${suggestion(name, [...BY_FAMILY.keys()])}`);
  }
  return f;
}

/**
 * The sample name to select for a family: `<name>_total` for counters (the exporter appends it,
 * even to names that already end in `_total`), the name itself for gauges.
 * For histograms use `bucket()`, `sumOf()` or `countOf()`.
 */
export function sample(familyName: string): string {
  const f = family(familyName);
  if (f.type === 'histogram') {
    throw new UnknownMetricError(familyName, `'${familyName}' is a histogram: select ${f.samples.join(', ')} through bucket(), sumOf() or countOf()`);
  }
  return f.samples[0];
}

function histogramSample(familyName: string, suffix: '_bucket' | '_sum' | '_count'): string {
  const f = family(familyName);
  expectType(f, 'histogram');
  const s = `${f.name}${suffix}`;
  if (!f.samples.includes(s)) throw new UnknownMetricError(s, `'${s}' is not exposed by '${f.name}'`);
  return s;
}

/** `<histogram>_bucket`. */
export function bucket(histogramFamily: string): string {
  return histogramSample(histogramFamily, '_bucket');
}
/** `<histogram>_sum`. */
export function sumOf(histogramFamily: string): string {
  return histogramSample(histogramFamily, '_sum');
}
/** `<histogram>_count`. */
export function countOf(histogramFamily: string): string {
  return histogramSample(histogramFamily, '_count');
}

/** Checks a family's type, e.g. that a quantile is taken over a histogram. */
export function expectType(f: MetricFamilySpec, type: MetricType): void {
  if (f.type !== type) {
    throw new UnknownMetricError(f.name, `'${f.name}' is a ${f.type}, not a ${type}`);
  }
}

/** ` (did you mean 'x'?)` for the nearest candidate, or '' when nothing is close. */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const near = nearest(name, candidates);
  return near ? ` (did you mean '${near}'?)` : '';
}

/**
 * The candidate closest to `name`: a candidate that extends it (`x` -> `x_total`, `x_bucket`)
 * first, else the smallest edit distance within a third of the name's length.
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].sort();
  const extensions = list.filter((c) => c.startsWith(name) && /^_(total|bucket|count|sum|total_total)$/.test(c.slice(name.length)));
  if (extensions.length > 0) {
    return extensions.find((c) => c.endsWith('_bucket')) ?? extensions[0];
  }
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.ceil(name.length / 3)) + 1;
  for (const c of list) {
    const d = editDistance(name, c, bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Labels the monitors put on every scraped series. When a RobustMQ family has a label of the
 * same name (the gRPC families' `service`), Prometheus keeps the target's and renames the
 * scraped one to `exported_<name>`.
 */
export const TARGET_LABELS: readonly string[] = ['job', 'instance', 'pod', 'namespace', 'node', 'service', 'cluster', 'container', 'endpoint'];

/** The name a family's label has in Prometheus after the scrape (see TARGET_LABELS). */
export function seriesLabel(familyName: string, label: string): string {
  const f = family(familyName);
  if (!f.labels.includes(label)) {
    throw new UnknownMetricError(familyName, `'${familyName}' has no label '${label}' (it has ${f.labels.join(', ') || 'none'})`);
  }
  return TARGET_LABELS.includes(label) ? `exported_${label}` : label;
}

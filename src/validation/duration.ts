import { Problem } from './errors';

// Prometheus's duration grammar: units largest first, each at most once, at least one.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 24 * 3600e3, 7 * 24 * 3600e3, 24 * 3600e3, 3600e3, 60e3, 1e3, 1];

/** Milliseconds of a Prometheus duration such as `1h30m`, or undefined if it is not one. */
export function durationMs(value: string): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = DURATION.exec(value);
  if (!m) return undefined;
  let total = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    if (m[i + 1] !== undefined) total += Number(m[i + 1]) * UNIT_MS[i];
  }
  return total;
}

/**
 * The longest duration Prometheus (and Go, and the Prometheus Operator) can hold: a
 * time.Duration is an int64 of nanoseconds, and model.ParseDuration refuses more
 * (prometheus/common model/time.go: `dur > 1<<63-1` is "duration out of range").
 */
export const MAX_DURATION = '292y24w3d23h47m16s854ms';
const MAX_DURATION_NS = BigInt('9223372036854775807'); // 2^63 - 1

/** Nanoseconds of a Prometheus duration, exactly. */
function durationNs(value: string): bigint {
  const m = DURATION.exec(value)!;
  let total = BigInt(0);
  for (let i = 0; i < UNIT_MS.length; i++) {
    if (m[i + 1] !== undefined) total += BigInt(m[i + 1]) * BigInt(UNIT_MS[i]) * BigInt(1e6);
  }
  return total;
}

/** A positive Prometheus duration. */
export function duration(value: string): Problem {
  const ms = durationMs(value);
  if (ms === undefined) {
    return "must be a Prometheus duration such as '30s', '5m' or '1h30m': whole numbers with units y, w, d, h, m, s, ms, largest first";
  }
  if (ms <= 0) return 'must be a positive duration';
  if (durationNs(value) > MAX_DURATION_NS) {
    return `must be at most ${MAX_DURATION}: Prometheus holds a duration as int64 nanoseconds and refuses a longer one`;
  }
  return undefined;
}

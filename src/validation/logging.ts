import * as checks from './checks';
import { Problem } from './errors';
import { LOG_LEVELS } from '../logging/schema';

/**
 * Pure checks of the logging pillar (Fluent Bit sizes and levels, RobustMQ log levels,
 * Elasticsearch durations). Each
 * returns undefined for a good value or the problem in words ("must be ..."), like
 * src/validation/checks.ts.
 */

/** A Fluent Bit size such as `50MB`, `512k` or `1G`: a whole number and an optional unit K, M, G (optionally followed by B). */
export function fluentBitSize(value: string): Problem {
  const m = typeof value === 'string' ? /^([0-9]+)([KkMmGg][Bb]?)?$/.exec(value) : null;
  if (!m || Number(m[1]) <= 0) {
    return "must be a Fluent Bit size such as '50MB', '512KB' or '1G': a positive whole number with an optional unit K, KB, M, MB, G or GB";
  }
  const unit = (m[2] ?? '').charAt(0).toUpperCase();
  if (Number(m[1]) >= SIZE_LIMIT[unit]) {
    return `must be below ${SIZE_LIMIT[unit]}${m[2] ?? ''}: Fluent Bit's size parser refuses a larger one (it must fit in int64 bytes)`;
  }
  return undefined;
}

/**
 * Fluent Bit's units are decimal (K = 1000: `flb_utils_size_to_bytes` in src/flb_utils.c of
 * v5.0.9, lines 535-537, which every size option of a config map goes through,
 * src/flb_config_map.c:187), and each has an upper bound against int64 overflow above which it
 * returns -1, an invalid size (lines 583, 591, 598); a bare number is cast to int64.
 */
const SIZE_FACTOR: { [unit: string]: number } = { '': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9 };
const SIZE_LIMIT: { [unit: string]: number } = { '': 2 ** 63, 'K': 9223372036854775, 'M': 9223372036854, 'G': 9223372036 };

/** Bytes of a Fluent Bit size (K = 1000, as Fluent Bit reads it), or undefined when fluentBitSize() refuses it. */
export function fluentBitSizeBytes(value: string): number | undefined {
  if (fluentBitSize(value) !== undefined) return undefined;
  const m = /^([0-9]+)([KkMmGg])?/.exec(value)!;
  return Number(m[1]) * SIZE_FACTOR[(m[2] ?? '').toUpperCase()];
}

/** The configuration formats Fluent Bit reads. */
export const CONFIG_FORMATS = ['yaml', 'classic'] as const;

/** `yaml` or `classic` (the values of FluentBitConfigFormat), as the CLI flag takes them. */
export function configFormat(value: string): Problem {
  return checks.oneOf(typeof value === 'string' ? value : String(value), CONFIG_FORMATS);
}

/** A RobustMQ log level name, any case: trace, debug, info, warn or error. */
export function logLevelName(value: string): Problem {
  if (typeof value !== 'string' || !(LOG_LEVELS as readonly string[]).includes(value.toUpperCase())) {
    return `must be a log level: one of ${LOG_LEVELS.map((l) => `'${l.toLowerCase()}'`).join(', ')} (any case)`;
  }
  return undefined;
}

/** Fluent Bit's own log levels. */
export const FLUENT_BIT_LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** A Fluent Bit log level (`log_level` of its service section). */
export function fluentBitLogLevel(value: string): Problem {
  return checks.oneOf(value, FLUENT_BIT_LOG_LEVELS);
}

/** Elasticsearch time units for date math such as `now-1h`. */
const ES_DURATION = /^([0-9]+)(ms|s|m|h|H|d|w|M|y)$/;

/** An Elasticsearch date-math duration such as `1h`, `15m` or `7d`: a positive whole number and one unit. */
export function elasticsearchDuration(value: string): Problem {
  const m = typeof value === 'string' ? ES_DURATION.exec(value) : null;
  if (!m || Number(m[1]) <= 0) {
    return "must be an Elasticsearch duration such as '1h', '15m' or '7d': a positive whole number and one unit of y, M, w, d, h, H, m, s, ms";
  }
  return undefined;
}

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
  return undefined;
}

/** Bytes of a Fluent Bit size (K = 1024), or undefined when fluentBitSize() refuses it. */
export function fluentBitSizeBytes(value: string): number | undefined {
  if (fluentBitSize(value) !== undefined) return undefined;
  const m = /^([0-9]+)([KkMmGg])?/.exec(value)!;
  const unit = (m[2] ?? '').toUpperCase();
  const factor = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  return Number(m[1]) * factor;
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

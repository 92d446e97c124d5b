import { LOG_LEVELS } from './schema';
import * as checks from '../validation/checks';
import { Problem } from '../validation/errors';

/**
 * Pure checks of the logging pillar, shared by the FluentBit construct and the CLI. Each
 * returns undefined for a good value or the problem in words ("must be ..."), like
 * src/validation/checks.ts.
 */

/** The Elasticsearch the seed ships to. */
export const DEFAULT_ELASTICSEARCH_URL = 'http://elasticsearch.monitoring.svc.cluster.local:9200';

/** An Elasticsearch endpoint, taken apart. */
export interface ElasticsearchEndpoint {
  readonly scheme: 'http' | 'https';
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** URL path prefix, '' when the URL has none. */
  readonly path: string;
}

const URL_ALLOWED = "must be an http:// or https:// URL with a host and an optional port from 1 to 65535, such as 'http://elasticsearch.monitoring.svc.cluster.local:9200', without credentials, query or fragment";

/** Parses an Elasticsearch URL; undefined when elasticsearchUrl() refuses it. */
export function parseElasticsearchUrl(value: string): ElasticsearchEndpoint | undefined {
  if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/i.test(value)) return undefined;
  // An explicit port must be a number from 1 to 65535 (URL would silently take '0' or throw on others).
  const portMatch = /^https?:\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?/i.exec(value);
  const explicitPort = portMatch?.[1];
  if (explicitPort !== undefined && (!/^[0-9]{1,5}$/.test(explicitPort) || Number(explicitPort) < 1 || Number(explicitPort) > 65535)) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const scheme = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (scheme === undefined || url.hostname === '' || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return { scheme, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, path };
}

/** An Elasticsearch URL: scheme http or https, a host, a port from 1 to 65535. */
export function elasticsearchUrl(value: string): Problem {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) {
    return 'must not carry credentials: put them in a Secret and set elasticsearchSecret (--elasticsearch-secret)';
  }
  return parseElasticsearchUrl(value) === undefined ? URL_ALLOWED : undefined;
}

// Elasticsearch's index name rules: lower case, none of \ / * ? " < > | space , # (and ':'),
// not starting with - _ +, not '.' or '..', at most 255 bytes.
const INDEX_FORBIDDEN = /[\\/*?"<>| ,#:]/;

/**
 * An Elasticsearch index name. With `daily`, the name is the prefix of daily indices
 * `<name>-YYYY.MM.DD`, which must fit the 255-byte limit too.
 */
export function elasticsearchIndex(value: string, daily = false): Problem {
  const allowed = "must be an Elasticsearch index name: lower case, none of \\ / * ? \" < > | , # : or space, not starting with '-', '_' or '+', not '.' or '..', at most 255 bytes";
  if (typeof value !== 'string' || value.length === 0) return allowed;
  if (value !== value.toLowerCase() || INDEX_FORBIDDEN.test(value) || /^[-_+]/.test(value) || value === '.' || value === '..'
    || /[\u0000-\u001f\u007f]/.test(value)) {
    return allowed;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  const max = daily ? 255 - '-YYYY.MM.DD'.length : 255;
  if (bytes > max) {
    return daily
      ? `must be at most ${max} bytes: daily indices append '-YYYY.MM.DD' and an index name is at most 255 bytes`
      : allowed;
  }
  return undefined;
}

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

/** A key of a Kubernetes Secret. */
export function secretKey(value: string): Problem {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(value)) {
    return "must be a Secret key: at most 253 letters, digits, '-', '_' and '.'";
  }
  return undefined;
}

// password=..., passwd: ..., http_passwd ..., a URL with user:password@.
const INLINE_PASSWORD = [
  /(?:^|[^a-z0-9])(?:http_)?passw(?:or)?d\s*[=:]\s*\S/i,
  /http_passwd\s+\S/i,
  /[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i,
];

/**
 * Refuses a value that looks like it carries a password inline (`password=...`,
 * `http_passwd ...`, `https://user:pass@host`). Credentials only come from a Secret.
 */
export function noInlinePassword(value: string): Problem {
  if (typeof value === 'string' && INLINE_PASSWORD.some((re) => re.test(value))) {
    return 'must not carry a password: credentials come only from a Secret (elasticsearchSecret with keys username and password), never inline';
  }
  return undefined;
}

/** A value with what looks like an inline password replaced by `<hidden>`, for error messages. */
export function maskPasswords(value: string): string {
  return value
    .replace(/((?:http_)?passw(?:or)?d\s*[=:]\s*|http_passwd\s+)\S+/gi, '$1<hidden>')
    .replace(/(:\/\/[^/@\s]*:)[^/@\s]*@/g, '$1<hidden>@');
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

/**
 * The checks the CLI runs on the logging flags, keyed by flag name (without `--`): the same
 * checks the FluentBit construct runs on the props they set.
 */
export const LOGGING_FLAG_CHECKS: { readonly [flag: string]: (value: string) => Problem } = {
  'elasticsearch-url': (v) => noInlinePassword(v) ?? elasticsearchUrl(v),
  'elasticsearch-index': (v) => noInlinePassword(v) ?? elasticsearchIndex(v),
  'elasticsearch-secret': (v) => noInlinePassword(v) ?? checks.dnsSubdomain(v),
  'fluent-bit-config-format': (v) => configFormat(v),
  'log-level-min': (v) => logLevelName(v),
};

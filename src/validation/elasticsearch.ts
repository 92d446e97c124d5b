import { dnsSubdomain } from './checks';
import { Problem } from './errors';

/**
 * The one rule for an Elasticsearch URL and the one rule for an index name, used by the
 * ElasticsearchConnection (Fluent Bit, Jaeger, the Grafana datasource) and through it the CLI.
 */

/** An Elasticsearch endpoint, taken apart. */
export interface ElasticsearchEndpoint {
  readonly scheme: 'http' | 'https';
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** The explicit port, else the scheme's (80, 443). */
  readonly port: number;
  /** URL path prefix, '' when the URL has none. */
  readonly path: string;
}

const URL_ALLOWED = "must be an http:// or https:// URL with a host and an optional port from 1 to 65535, such as 'http://elasticsearch.monitoring.svc.cluster.local:9200', without credentials, query or fragment";

/** Parses an Elasticsearch URL; undefined when elasticsearchUrl() refuses it. */
export function parseElasticsearchUrl(value: string): ElasticsearchEndpoint | undefined {
  if (typeof value !== 'string' || value.length > 2048 || !/^https?:\/\/[^\s]+$/i.test(value)) return undefined;
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
  // A host name (DNS-1123 once lower-cased), an IPv4 address or a bracketed IPv6 address.
  const ipv4 = /^(\d{1,3})(\.\d{1,3}){3}$/.test(url.hostname);
  if (!url.hostname.startsWith('[') && !ipv4 && dnsSubdomain(url.hostname) !== undefined) return undefined;
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return { scheme, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, path };
}

/**
 * An Elasticsearch URL: scheme http or https, a host, an optional port from 1 to 65535 (the
 * scheme's by default), an optional path; no credentials, query or fragment.
 */
export function elasticsearchUrl(value: string): Problem {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(value)) {
    return 'must not carry credentials: put them in a Secret and name it in the connection\'s credentials (--elasticsearch-secret)';
  }
  return parseElasticsearchUrl(value) === undefined ? URL_ALLOWED : undefined;
}

// Elasticsearch's index name rules: lower case, none of \ / * ? " < > | space , # (and ':'),
// not starting with - _ +, not '.' or '..', at most 255 bytes.
const INDEX_FORBIDDEN = /[\\/*?"<>| ,#:]/;
const INDEX_ALLOWED = "must be an Elasticsearch index name: lower case, none of \\ / * ? \" < > | , # : or space, not starting with '-', '_' or '+', not '.' or '..', at most 255 bytes";

/** How an index name is used. */
export interface IndexUse {
  /**
   * What the user of the name appends to it (daily indices `-YYYY.MM.DD`, Jaeger's
   * `-jaeger-service-YYYY-MM-DD`): the whole must fit 255 bytes.
   */
  readonly suffix?: string;
  /** Who appends the suffix, for the message ('daily indices append'). */
  readonly appendedBy?: string;
  /** A search pattern: `*` is allowed (Grafana's datasource index). */
  readonly pattern?: boolean;
}

/** An Elasticsearch index name (or prefix, or search pattern: see `use`). */
export function elasticsearchIndex(value: string, use: IndexUse = {}): Problem {
  if (typeof value !== 'string' || value.length === 0) return INDEX_ALLOWED;
  const forbidden = use.pattern ? /[\\/?"<>| ,#:]/ : INDEX_FORBIDDEN;
  if (value !== value.toLowerCase() || forbidden.test(value) || /^[-_+]/.test(value) || value === '.' || value === '..'
    || /[\u0000-\u001f\u007f]/.test(value)) {
    return INDEX_ALLOWED;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  const max = 255 - (use.suffix ?? '').length;
  if (bytes > max) {
    return use.suffix
      ? `must be at most ${max} bytes: ${use.appendedBy ?? 'its user appends'} '${use.suffix}' and an index name is at most 255 bytes`
      : INDEX_ALLOWED;
  }
  return undefined;
}

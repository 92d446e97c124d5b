import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { SecretKeyRef } from '../metrics/scrape';
import * as checks from '../validation/checks';
import { ElasticsearchEndpoint, elasticsearchIndex, elasticsearchUrl, parseElasticsearchUrl } from '../validation/elasticsearch';
import { ValidationError, showValue } from '../validation/errors';
import { maskPasswords, noInlinePassword } from '../validation/secrets';
import { warn } from '../validation/warnings';

/**
 * Where an Elasticsearch is and how to talk to it: the one model of it that Fluent Bit (the logs),
 * Jaeger (the spans) and the Grafana datasource share, with the one default URL and the one
 * naming of the credential variables.
 */

/**
 * The search engine behind a connection. It decides, in one place, Fluent Bit's output plugin,
 * the dialect of the index template and its retention policy, and Grafana's datasource plugin.
 */
export enum SearchEngine {
  /** Elasticsearch 8: Fluent Bit's `es` output, an ILM retention policy, Grafana's built-in `elasticsearch` datasource. */
  ELASTICSEARCH = 'elasticsearch',
  /**
   * OpenSearch 2.7 or later (`flat_object` needs 2.7): Fluent Bit's `opensearch` output, an ISM
   * retention policy, Grafana's `grafana-opensearch-datasource` plugin (installed separately).
   */
  OPENSEARCH = 'opensearch',
}

/** The search engines, in the order refusals list them. */
export const SEARCH_ENGINES: readonly string[] = Object.values(SearchEngine);

/** The Elasticsearch the seed ships logs and spans to. */
export const DEFAULT_ELASTICSEARCH_URL = 'http://elasticsearch.monitoring.svc.cluster.local:9200';

/** The environment variables the credentials reach a container in, set from the Secret. */
export const ELASTICSEARCH_CREDENTIAL_ENV = { username: 'ES_USERNAME', password: 'ES_PASSWORD' } as const;

/** The Secret keys of the credentials unless told otherwise. */
export const DEFAULT_ELASTICSEARCH_SECRET_KEYS = { username: 'username', password: 'password' } as const;

/** Basic-auth credentials from a Secret in the namespace of the workload that talks to Elasticsearch. */
export interface ElasticsearchCredentials {
  /** The Secret's name. */
  readonly secretName: string;
  /**
   * The key of the user name.
   *
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * The key of the password.
   *
   * @default 'password'
   */
  readonly passwordKey?: string;
}

/** TLS towards Elasticsearch. */
export interface ElasticsearchTls {
  /**
   * Talk TLS. `false` with an https URL is refused.
   *
   * @default - true when the URL is https, else false
   */
  readonly enabled?: boolean;
  /**
   * Verify Elasticsearch's certificate.
   *
   * @default true
   */
  readonly verify?: boolean;
  /**
   * A CA certificate (Secret key) that signed Elasticsearch's certificate.
   *
   * @default - the image's trust store
   */
  readonly caSecret?: SecretKeyRef;
}

/** Options of an ElasticsearchConnection besides its URL. */
export interface ElasticsearchConnectionOptions {
  /**
   * The search engine at the URL: Elasticsearch, or OpenSearch (Fluent Bit's `opensearch`
   * output, ISM retention, Grafana's OpenSearch datasource). Jaeger's storage here is
   * Elasticsearch only.
   *
   * @default SearchEngine.ELASTICSEARCH
   */
  readonly engine?: SearchEngine;
  /**
   * The index written to (Fluent Bit: the logs' index, or with daily indices their prefix;
   * Jaeger: the prefix of its indices).
   *
   * @default - the user's own default (Fluent Bit 'robustmq-logs', Jaeger no prefix)
   */
  readonly index?: string;
  /**
   * Basic-auth credentials from a Secret: they reach the containers as `ES_USERNAME` and
   * `ES_PASSWORD`, never as text in a ConfigMap.
   *
   * @default - no authentication
   */
  readonly credentials?: ElasticsearchCredentials;
  /**
   * TLS settings.
   *
   * @default - TLS when the URL is https, verifying the certificate with the image's trust store
   */
  readonly tls?: ElasticsearchTls;
}

/** How a refusal names each input: the connection's own names, or the fields of older props mapped onto it. */
export interface ConnectionFieldNames {
  readonly engine: string;
  readonly url: string;
  readonly index: string;
  readonly secretName: string;
  readonly usernameKey: string;
  readonly passwordKey: string;
  readonly tls: string;
  readonly tlsVerify: string;
  readonly caSecret: string;
}

/** The connection's own field names, under `prefix` (the prop that holds the connection). */
export function connectionFieldNames(prefix = ''): ConnectionFieldNames {
  const p = prefix === '' ? '' : `${prefix}.`;
  return {
    engine: `${p}engine`,
    url: `${p}url`,
    index: `${p}index`,
    secretName: `${p}credentials.secretName`,
    usernameKey: `${p}credentials.usernameKey`,
    passwordKey: `${p}credentials.passwordKey`,
    tls: `${p}tls.enabled`,
    tlsVerify: `${p}tls.verify`,
    caSecret: `${p}tls.caSecret`,
  };
}

const OWN_NAMES = connectionFieldNames();

/** A refused input: `field` and `value` are named by the caller's error. */
export type ConnectionFail = (field: string, value: unknown, problem: string) => never;

const KIND = 'ElasticsearchConnection';

function ownFail(field: string, value: unknown, problem: string): never {
  const shown = maskPasswords(showValue(value));
  throw new ValidationError(KIND, field, `${KIND}: ${field} '${shown}' ${problem}`, shown, problem);
}

/**
 * An Elasticsearch endpoint with its index, credentials Secret and TLS settings, validated once
 * when it is made. Give the same connection to FluentBit, Jaeger and GrafanaDatasources (or
 * RobustMqObservability, which hands it to each).
 */
export class ElasticsearchConnection {
  /** The URL of the Elasticsearch this library's seed uses. */
  public static readonly DEFAULT_URL = DEFAULT_ELASTICSEARCH_URL;

  /**
   * An Elasticsearch at `url` (http or https, a host, an optional port: the scheme's by default).
   */
  public static fromUrl(url: string, options: ElasticsearchConnectionOptions = {}): ElasticsearchConnection {
    return ElasticsearchConnection._build(url, options, ownFail, OWN_NAMES);
  }

  /**
   * Validates and builds a connection, naming refused inputs with `names` through `fail`: the
   * path by which older props (FluentBit's flat `elasticsearch*`, Jaeger's `elasticsearch`) are
   * mapped onto a connection.
   *
   * @internal
   */
  public static _build(url: string, options: ElasticsearchConnectionOptions, fail: ConnectionFail,
    names: ConnectionFieldNames): ElasticsearchConnection {
    const engine = options.engine ?? SearchEngine.ELASTICSEARCH;
    const e = checks.oneOf(engine, SEARCH_ENGINES);
    if (e) fail(names.engine, engine, e);
    const problem = elasticsearchUrl(url);
    if (problem) fail(names.url, url, problem);
    const endpoint = parseElasticsearchUrl(url)!;
    if (options.index !== undefined) {
      const p = noInlinePassword(options.index) ?? elasticsearchIndex(options.index);
      if (p) fail(names.index, options.index, p);
    }
    const tlsOptions = options.tls ?? {};
    if (tlsOptions.enabled === false && endpoint.scheme === 'https') {
      fail(names.tls, false, `must not be false when ${names.url} '${url}' is https: use an http:// URL for plain HTTP`);
    }
    const tls = tlsOptions.enabled ?? endpoint.scheme === 'https';
    const caSecret = tlsOptions.caSecret;
    if (caSecret !== undefined) {
      if (!tls) fail(names.caSecret, caSecret.name, `needs TLS: set ${names.tls} or use an https:// URL`);
      const p = checks.dnsSubdomain(caSecret.name);
      if (p) fail(`${names.caSecret}.name`, caSecret.name, p);
      const k = checks.secretKey(caSecret.key);
      if (k) fail(`${names.caSecret}.key`, caSecret.key, k);
    }
    const c = options.credentials;
    let credentials: Required<ElasticsearchCredentials> | undefined;
    if (c !== undefined) {
      const p = noInlinePassword(c.secretName) ?? checks.dnsSubdomain(c.secretName);
      if (p) fail(names.secretName, c.secretName, p);
      const usernameKey = c.usernameKey ?? DEFAULT_ELASTICSEARCH_SECRET_KEYS.username;
      const passwordKey = c.passwordKey ?? DEFAULT_ELASTICSEARCH_SECRET_KEYS.password;
      const u = checks.secretKey(usernameKey);
      if (u) fail(names.usernameKey, usernameKey, u);
      const w = checks.secretKey(passwordKey);
      if (w) fail(names.passwordKey, passwordKey, w);
      credentials = { secretName: c.secretName, usernameKey, passwordKey };
    }
    return new ElasticsearchConnection(engine, url, endpoint, options.index, credentials, tls, tlsOptions.verify ?? true, caSecret);
  }

  /** The search engine at the URL. */
  public readonly engine: SearchEngine;
  /** The URL. */
  public readonly url: string;
  /**
   * The index (or prefix).
   *
   * @default - the user's own default
   */
  public readonly index?: string;
  /**
   * The credentials Secret, with its keys filled in.
   *
   * @default - no authentication
   */
  public readonly credentials?: ElasticsearchCredentials;
  /** Whether TLS is used. */
  public readonly tls: boolean;
  /** Whether Elasticsearch's certificate is verified. */
  public readonly tlsVerify: boolean;
  /**
   * The CA certificate that signed Elasticsearch's certificate.
   *
   * @default - the image's trust store
   */
  public readonly caSecret?: SecretKeyRef;
  /** @internal */
  public readonly _endpoint: ElasticsearchEndpoint;

  private constructor(engine: SearchEngine, url: string, endpoint: ElasticsearchEndpoint, index: string | undefined,
    credentials: Required<ElasticsearchCredentials> | undefined, tls: boolean, tlsVerify: boolean, caSecret: SecretKeyRef | undefined) {
    this.engine = engine;
    this.url = url;
    this._endpoint = endpoint;
    this.index = index;
    this.credentials = credentials;
    this.tls = tls;
    this.tlsVerify = tlsVerify;
    this.caSecret = caSecret;
  }

  /**
   * The same Elasticsearch with another index (or none: the user's default).
   *
   * @param index the index or prefix
   */
  public withIndex(index?: string): ElasticsearchConnection {
    if (index !== undefined) {
      const p = noInlinePassword(index) ?? elasticsearchIndex(index);
      if (p) ownFail('index', index, p);
    }
    return new ElasticsearchConnection(this.engine, this.url, this._endpoint, index,
      this.credentials as Required<ElasticsearchCredentials> | undefined, this.tls, this.tlsVerify, this.caSecret);
  }
}

/** The warnings a user of the connection records on itself. */
export function warnAboutConnection(scope: IConstruct, connection: ElasticsearchConnection, names: { tlsVerify: string } = OWN_NAMES): void {
  if (connection.tls && !connection.tlsVerify) {
    warn(scope, `${names.tlsVerify} is false: Elasticsearch's certificate is not checked, so anyone on the path can read the logs and credentials`);
  }
  if (connection.credentials && !connection.tls) {
    warn(scope, `Elasticsearch credentials from Secret '${connection.credentials.secretName}' go to ${connection.url} over plain HTTP: prefer an https:// URL`);
  }
}

/** The credential variables of a container, from the connection's Secret (none without credentials). */
export function credentialEnv(scope: IConstruct, id: string, connection: ElasticsearchConnection): { [name: string]: kplus.EnvValue } {
  const c = connection.credentials;
  if (c === undefined) return {};
  const secret = kplus.Secret.fromSecretName(scope, id, c.secretName);
  return {
    [ELASTICSEARCH_CREDENTIAL_ENV.username]: kplus.EnvValue.fromSecretValue({ secret, key: c.usernameKey! }),
    [ELASTICSEARCH_CREDENTIAL_ENV.password]: kplus.EnvValue.fromSecretValue({ secret, key: c.passwordKey! }),
  };
}

import * as checks from './checks';
import { Problem } from './errors';
import {
  JAEGER_DEFAULT_IMAGE,
  JAEGER_DEFAULT_VERSION,
  JAEGER_UNOFFERED_STORAGE,
  JAEGER_V1_END_OF_LIFE,
  JaegerStorage,
} from '../tracing/facts';

/**
 * Pure checks of the tracing inputs, shared by the Jaeger construct and the CLI so both word a
 * refusal the same way. Each returns undefined for a good value or the problem ("must be ...").
 */

/** The storage values, in the order they are offered. */
export const JAEGER_STORAGE_VALUES: readonly string[] = Object.values(JaegerStorage);

/** A storage kind: `memory`, `badger` or `elasticsearch` (the `--jaeger-storage` flag). */
export function jaegerStorage(value: string): Problem {
  if (typeof value === 'string' && JAEGER_STORAGE_VALUES.includes(value)) return undefined;
  const allowed = `must be one of ${JAEGER_STORAGE_VALUES.map((v) => `'${v}'`).join(', ')}`;
  if (typeof value === 'string' && JAEGER_UNOFFERED_STORAGE.includes(value.toLowerCase())) {
    return `${allowed}: Jaeger's ${value.toLowerCase()} backend is not offered by this library`;
  }
  return allowed;
}

/** The namespace of the tracing objects (the `--jaeger-namespace` flag). */
export function jaegerNamespace(value: string): Problem {
  return checks.dnsLabel(value);
}

const V1_REPOSITORIES = ['all-in-one', 'jaeger-collector', 'jaeger-query', 'jaeger-agent', 'jaeger-ingester'];

/** Splits an image reference into repository, tag and digest. */
export function splitImage(value: string): { repository: string; tag?: string; digest?: string } {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  }
  return { repository: rest, digest };
}

function v1Problem(what: string): string {
  return `is ${what}, and Jaeger v1 reached end of life on ${JAEGER_V1_END_OF_LIFE}: use a Jaeger v2 image such as '${JAEGER_DEFAULT_IMAGE}' `
    + '(one binary configured by a YAML file; docs/tracing.md maps the v1 settings to v2)';
}

/**
 * A Jaeger v2 image: a repository named `jaeger` (any registry or mirror), pinned to a 2.x tag or
 * a digest. Jaeger v1 images (`all-in-one`, `jaeger-collector`, ... or a 1.x tag) are refused.
 */
export function jaegerImage(value: string): Problem {
  const syntax = checks.image(value);
  if (syntax !== undefined) {
    return `must be a container image reference such as '${JAEGER_DEFAULT_IMAGE}': lower-case registry path, optional ':tag' and '@sha256:digest'`;
  }
  const { repository, tag, digest } = splitImage(value);
  const last = repository.split('/').pop()!;
  if (V1_REPOSITORIES.includes(last)) return v1Problem(`the Jaeger v1 image '${last}'`);
  if (last !== 'jaeger') {
    return `must be a Jaeger v2 image: a repository named 'jaeger' such as '${JAEGER_DEFAULT_IMAGE}' (a mirror must keep the name)`;
  }
  if (tag === undefined) {
    return digest !== undefined ? undefined
      : `must be pinned to a 2.x release tag such as '${JAEGER_DEFAULT_VERSION}' or to a digest: an untagged image means 'latest'`;
  }
  const m = /^v?(\d+)(?:\.\d+){1,2}(?:-[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!m) {
    return `must be pinned to a 2.x release tag such as '${JAEGER_DEFAULT_VERSION}' (or a digest): '${tag}' is not a release, and the configuration is written for Jaeger 2.x`;
  }
  const major = Number(m[1]);
  if (major < 2) return v1Problem(`Jaeger ${tag}, a v1 release`);
  if (major > 2) return `must be a Jaeger 2.x image: this library writes the Jaeger v2 configuration and has not been checked against ${tag}`;
  return undefined;
}

/** The memory store's bound. */
export function maxTraces(value: number): Problem {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100000000) {
    return 'must be a whole number from 1 to 100000000: the memory store keeps at most this many traces and drops the oldest';
  }
  return undefined;
}

/** A TCP port number. */
export function portNumber(value: number): Problem {
  return checks.integer(value, 1, 65535);
}

/** A port that two roles share. */
export interface PortCollision {
  /** The role that was given the number second, e.g. `zipkin`. */
  readonly field: string;
  /** The shared number. */
  readonly port: number;
  /** The role that has it first, e.g. `otlpGrpc`. */
  readonly other: string;
}

/**
 * The first number that two of the given roles share, in the order given; undefined if all differ.
 */
export function findPortCollision(ports: ReadonlyArray<readonly [string, number]>): PortCollision | undefined {
  const seen = new Map<number, string>();
  for (const [field, port] of ports) {
    const other = seen.get(port);
    if (other !== undefined) return { field, port, other };
    seen.set(port, field);
  }
  return undefined;
}

/** The problem text for a collision. */
export function portCollisionProblem(c: PortCollision): string {
  return `must differ from ${c.other}'s port ${c.port}: every receiver on, and the query, health and metrics ports, need their own number`;
}

/** A Go duration as Jaeger reads it, from a positive Prometheus-style duration such as '72h' or '7d'. */
export function goDuration(ms: number): string {
  if (ms % 3600000 === 0) return `${ms / 3600000}h`;
  if (ms % 60000 === 0) return `${ms / 60000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** An OTLP endpoint as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it: http or https, a host and a port. */
export function otlpEndpoint(value: string): Problem {
  const allowed = "must be an http or https URL with a host and a port, such as 'http://jaeger.monitoring.svc.cluster.local:4317'";
  if (typeof value !== 'string') return allowed;
  const m = /^(https?):\/\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):(\d{1,5})(\/[^\s?#]*)?$/.exec(value);
  if (!m || checks.integer(Number(m[5]), 1, 65535) !== undefined) return allowed;
  return undefined;
}

/** The propagators OpenTelemetry SDKs know by name (`OTEL_PROPAGATORS`). */
export const OTEL_PROPAGATOR_NAMES: readonly string[] = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'];

/** A list of propagators: known names, no repeats, `none` alone. */
export function otelPropagators(values: readonly string[]): Problem {
  const allowed = `must be a non-empty list of ${OTEL_PROPAGATOR_NAMES.map((n) => `'${n}'`).join(', ')} without repeats ('none' alone)`;
  if (!Array.isArray(values) || values.length === 0) return allowed;
  if (values.some((v) => !OTEL_PROPAGATOR_NAMES.includes(v)) || new Set(values).size !== values.length) return allowed;
  if (values.includes('none') && values.length > 1) return allowed;
  return undefined;
}

/** An OTLP protocol as `OTEL_EXPORTER_OTLP_PROTOCOL` takes it (this library's two). */
export function oneOfProtocol(value: string): Problem {
  return checks.oneOf(value, ['grpc', 'http/protobuf']);
}

import { DATASOURCE_UIDS } from '../dashboards/grafana-datasources';

/**
 * What this library knows about Jaeger v2: the pinned image, the ports of the all-in-one
 * `jaeger` binary (an OpenTelemetry Collector distribution), and the names other pillars share.
 * Every other file asks this one.
 */

/**
 * The Jaeger release the default image is pinned to: the one the tests run for real
 * (test/real/jaeger.test.ts; the Go module tag v1.76.0 is release 2.13.0).
 */
export const JAEGER_DEFAULT_VERSION = '2.13.0';

/** The Jaeger v2 image repository (Docker Hub; also on quay.io and cr.jaegertracing.io). */
export const JAEGER_IMAGE_REPOSITORY = 'jaegertracing/jaeger';

/** The default Jaeger image. */
export const JAEGER_DEFAULT_IMAGE = `${JAEGER_IMAGE_REPOSITORY}:${JAEGER_DEFAULT_VERSION}`;

/** The day Jaeger v1 (`jaegertracing/all-in-one`, `jaeger-collector`, `jaeger-query`, ...) reached end of life. */
export const JAEGER_V1_END_OF_LIFE = '2025-12-31';

/** The numeric user of the Jaeger v2 image (`USER 10001` in its Dockerfile). */
export const JAEGER_IMAGE_USER = 10001;

/** The stable uid of the Grafana Jaeger datasource; dashboards and links use it (its home is DATASOURCE_UIDS). */
export const JAEGER_DATASOURCE_UID: string = DATASOURCE_UIDS.jaeger;

/** The default object name: Deployment, Service, ConfigMap (`<name>-config`). */
export const JAEGER_DEFAULT_NAME = 'jaeger';

/** The default bound of the memory store (`max_traces`). */
export const JAEGER_DEFAULT_MAX_TRACES = 100000;

/** Where the configuration file is mounted; the container runs `--config <this>/config.yaml`. */
export const JAEGER_CONFIG_DIR = '/etc/jaeger';
export const JAEGER_CONFIG_FILE = 'config.yaml';

/** Where the badger data volume is mounted. */
export const JAEGER_BADGER_DIR = '/badger';

/** Path of the health-check extension's status endpoint (`healthcheckv2`, `use_v2: true`). */
export const JAEGER_HEALTH_PATH = '/status';

/** Path of the internal telemetry (Prometheus) endpoint. */
export const JAEGER_METRICS_PATH = '/metrics';

/** A named port. */
export interface JaegerPortSpec {
  /** The Service and container port name (IANA_SVC_NAME, at most 15 characters). */
  readonly name: string;
  /** The default number. */
  readonly port: number;
  /** What it serves, for error messages and docs. */
  readonly description: string;
}

/** The ports of the Jaeger v2 binary, by role. */
export const JAEGER_PORTS = {
  otlpGrpc: { name: 'otlp-grpc', port: 4317, description: 'OTLP over gRPC receiver' },
  otlpHttp: { name: 'otlp-http', port: 4318, description: 'OTLP over HTTP receiver' },
  jaegerThriftHttp: { name: 'thrift-http', port: 14268, description: 'Jaeger thrift over HTTP receiver (the v1 collector port)' },
  zipkin: { name: 'zipkin', port: 9411, description: 'Zipkin receiver' },
  query: { name: 'http-query', port: 16686, description: 'query API and UI' },
  health: { name: 'health', port: 13133, description: 'health check' },
  metrics: { name: 'metrics', port: 8888, description: 'internal telemetry (Prometheus metrics)' },
} as const;

/** A key of JAEGER_PORTS. */
export type JaegerPortKey = keyof typeof JAEGER_PORTS;

/** The receivers, in the order they appear in the pipeline and the Service. */
export const JAEGER_RECEIVER_PORTS: readonly JaegerPortKey[] = ['otlpGrpc', 'otlpHttp', 'jaegerThriftHttp', 'zipkin'];

/** The ports that are always on. */
export const JAEGER_FIXED_PORTS: readonly JaegerPortKey[] = ['query', 'health', 'metrics'];

/** Where Jaeger keeps the spans. */
export enum JaegerStorage {
  /** In the Jaeger process's memory, bounded by `max_traces`; lost on restart. One replica only. */
  MEMORY = 'memory',
  /** Badger, an embedded key-value store, on a PersistentVolumeClaim. One replica only. */
  BADGER = 'badger',
  /** An Elasticsearch cluster (7.x or 8.x; OpenSearch-compatible endpoints work too). */
  ELASTICSEARCH = 'elasticsearch',
}

/** Jaeger storage backends this library does not offer, named in the refusal of one of them. */
export const JAEGER_UNOFFERED_STORAGE: readonly string[] = ['cassandra', 'opensearch', 'clickhouse', 'grpc'];

import { Yaml } from 'cdk8s';
import { JAEGER_HEALTH_PATH, JaegerStorage } from './facts';
import { ELASTICSEARCH_CREDENTIAL_ENV } from '../elasticsearch/connection';

/**
 * The Jaeger v2 configuration as a model, and its rendering to the YAML file the `jaeger` binary
 * reads with `--config`. Pure: the Jaeger construct validates its props into this model.
 *
 * Jaeger v2 is an OpenTelemetry Collector distribution, so the file has the Collector's shape:
 * `receivers`, `processors`, `exporters`, `extensions` and `service` (the pipeline, the enabled
 * extensions and the internal telemetry). Storage lives in the `jaeger_storage` extension; the
 * `jaeger_storage_exporter` writes to it and the `jaeger_query` extension (UI and API) reads it.
 */

/** The name of the one storage backend in `jaeger_storage.backends`. */
export const JAEGER_TRACE_STORE = 'trace_store';

/** Where the spans go. */
export type JaegerStorageModel =
  | { readonly kind: JaegerStorage.MEMORY; readonly maxTraces: number }
  | { readonly kind: JaegerStorage.BADGER; readonly directory: string; readonly spanTtl: string }
  | {
    readonly kind: JaegerStorage.ELASTICSEARCH;
    readonly url: string;
    readonly indexPrefix?: string;
    /** Whether the credentials come from the ES_USERNAME / ES_PASSWORD environment variables. */
    readonly credentialsFromEnv: boolean;
  };

/** Everything the configuration file is rendered from. */
export interface JaegerConfigModel {
  /** Port of each receiver that is on; a receiver left out is off. */
  readonly receivers: {
    readonly otlpGrpc?: number;
    readonly otlpHttp?: number;
    readonly jaegerThriftHttp?: number;
    readonly zipkin?: number;
  };
  readonly queryPort: number;
  readonly healthPort: number;
  readonly metricsPort: number;
  readonly storage: JaegerStorageModel;
  /** `service.name` of Jaeger's own telemetry. */
  readonly serviceName: string;
  /** Level of Jaeger's own logs (JSON lines on stderr). */
  readonly logLevel: string;
}

const ANY_ADDRESS = '0.0.0.0';

function listen(port: number): { endpoint: string } {
  return { endpoint: `${ANY_ADDRESS}:${port}` };
}

function storageBackend(s: JaegerStorageModel): Record<string, unknown> {
  switch (s.kind) {
    case JaegerStorage.MEMORY:
      return { memory: { max_traces: s.maxTraces } };
    case JaegerStorage.BADGER:
      return {
        badger: {
          directories: { keys: `${s.directory}/keys`, values: `${s.directory}/values` },
          ephemeral: false,
          ttl: { spans: s.spanTtl },
        },
      };
    case JaegerStorage.ELASTICSEARCH: {
      const es: Record<string, unknown> = { server_urls: [s.url] };
      if (s.credentialsFromEnv) {
        es.auth = { basic: { username: `\${env:${ELASTICSEARCH_CREDENTIAL_ENV.username}}`, password: `\${env:${ELASTICSEARCH_CREDENTIAL_ENV.password}}` } };
      }
      if (s.indexPrefix !== undefined) es.indices = { index_prefix: s.indexPrefix };
      return { elasticsearch: es };
    }
  }
}

/** The configuration as plain data, keys in the order they are written. */
export function jaegerConfigObject(m: JaegerConfigModel): Record<string, any> {
  const r = m.receivers;
  const receivers: Record<string, unknown> = {};
  if (r.otlpGrpc !== undefined || r.otlpHttp !== undefined) {
    const protocols: Record<string, unknown> = {};
    if (r.otlpGrpc !== undefined) protocols.grpc = listen(r.otlpGrpc);
    if (r.otlpHttp !== undefined) protocols.http = listen(r.otlpHttp);
    receivers.otlp = { protocols };
  }
  if (r.jaegerThriftHttp !== undefined) receivers.jaeger = { protocols: { thrift_http: listen(r.jaegerThriftHttp) } };
  if (r.zipkin !== undefined) receivers.zipkin = listen(r.zipkin);

  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: {
          receivers: Object.keys(receivers),
          processors: ['batch'],
          exporters: ['jaeger_storage_exporter'],
        },
      },
      telemetry: {
        resource: { 'service.name': m.serviceName },
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: ANY_ADDRESS, port: m.metricsPort } } } }],
        },
        logs: { level: m.logLevel, encoding: 'json' },
      },
    },
    extensions: {
      healthcheckv2: {
        use_v2: true,
        http: { ...listen(m.healthPort), status: { enabled: true, path: JAEGER_HEALTH_PATH } },
      },
      jaeger_storage: { backends: { [JAEGER_TRACE_STORE]: storageBackend(m.storage) } },
      jaeger_query: {
        storage: { traces: JAEGER_TRACE_STORE },
        http: listen(m.queryPort),
      },
    },
    receivers,
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: JAEGER_TRACE_STORE } },
  };
}

/** The configuration file's text. */
export function renderJaegerConfig(m: JaegerConfigModel): string {
  return Yaml.stringify(jaegerConfigObject(m));
}

/**
 * What RobustMQ v0.4.11 really is on the wire and on disk. The one home of these facts:
 * every other file asks here.
 */

/** The RobustMQ release this library is built and tested against. */
export const ROBUSTMQ_DEFAULT_VERSION = '0.4.11';

/** The image repository RobustMQ publishes; tags are `v<version>`. */
export const ROBUSTMQ_IMAGE_REPOSITORY = 'ghcr.io/robustmq/robustmq';

/** The default image for a RobustMQ version. */
export function robustMqImage(version: string): string {
  return `${ROBUSTMQ_IMAGE_REPOSITORY}:v${version}`;
}

/** The service name RobustMQ uses for itself (OpenTelemetry `service.name`, `app.kubernetes.io/name`). */
export const ROBUSTMQ_SERVICE_NAME = 'robustmq';

/** The server binary and its working directory inside the image. */
export const ROBUSTMQ_WORKDIR = '/robustmq';
export const ROBUSTMQ_BINARY = '/robustmq/libs/broker-server';
/** Where RobustMQ keeps its data (RocksDB, Raft log, file logs); relative `./data` from the workdir. */
export const ROBUSTMQ_DATA_DIR = '/robustmq/data';

/** A RobustMQ port: its default number and the Kubernetes port name this library gives it. */
export interface RobustMqPortSpec {
  readonly name: string;
  readonly port: number;
  /** `UDP` for QUIC; every other listener is TCP. */
  readonly protocol?: 'UDP';
}

/**
 * Every port a RobustMQ v0.4.11 process listens on, and its name in the pods and Services this
 * library makes (`src/common/config/src/default.rs` and `config.rs` at v0.4.11: `grpc_port`,
 * `http_port`, `[mqtt_runtime.server]`, `[storage_runtime] tcp_port`, `[kafka_runtime]`,
 * `[amqp_runtime]`, `[nats_runtime]`).
 */
export const ROBUSTMQ_PORTS = {
  /** Inter-node gRPC (meta service Raft, broker calls), all roles. */
  grpc: { name: 'grpc', port: 1228 },
  /** Admin HTTP: `/metrics`, `/api/*` (JWT unless from loopback), pprof and an unauthenticated `/mcp`. */
  http: { name: 'http-admin', port: 58080 },
  /** MQTT over TCP. */
  mqtt: { name: 'mqtt', port: 1883 },
  /** MQTT over TLS. */
  mqtts: { name: 'mqtt-tls', port: 1885 },
  /** MQTT over WebSocket. */
  mqttWs: { name: 'mqtt-ws', port: 8083 },
  /** MQTT over secure WebSocket. */
  mqttWss: { name: 'mqtt-wss', port: 8085 },
  /** MQTT over QUIC (UDP). */
  mqttQuic: { name: 'mqtt-quic', port: 9083, protocol: 'UDP' },
  /** Kafka protocol. */
  kafka: { name: 'kafka', port: 9092 },
  /** AMQP 0-9-1. */
  amqp: { name: 'amqp', port: 5672 },
  /** NATS over TCP. */
  nats: { name: 'nats', port: 4222 },
  /** NATS over TLS. */
  natsTls: { name: 'nats-tls', port: 4223 },
  /** NATS over WebSocket. */
  natsWs: { name: 'nats-ws', port: 4080 },
  /** NATS over secure WebSocket. */
  natsWss: { name: 'nats-wss', port: 4443 },
  /** Storage engine TCP, between nodes. */
  engine: { name: 'engine', port: 1778 },
} as const satisfies Record<string, RobustMqPortSpec>;

/** The listeners each role opens, besides gRPC and admin HTTP which every process opens. */
export const ROBUSTMQ_ROLE_PORTS: { readonly [role: string]: readonly RobustMqPortSpec[] } = {
  meta: [],
  broker: [
    ROBUSTMQ_PORTS.mqtt, ROBUSTMQ_PORTS.mqtts, ROBUSTMQ_PORTS.mqttWs, ROBUSTMQ_PORTS.mqttWss, ROBUSTMQ_PORTS.mqttQuic,
    ROBUSTMQ_PORTS.kafka, ROBUSTMQ_PORTS.amqp,
    ROBUSTMQ_PORTS.nats, ROBUSTMQ_PORTS.natsTls, ROBUSTMQ_PORTS.natsWs, ROBUSTMQ_PORTS.natsWss,
  ],
  engine: [ROBUSTMQ_PORTS.engine],
};

/** The protocols RobustMQ serves to clients, each on its own listener. */
export enum ClientProtocol {
  /** MQTT over TCP, 1883. */
  MQTT = 'mqtt',
  /** MQTT over TLS, 1885. */
  MQTT_TLS = 'mqtt-tls',
  /** MQTT over WebSocket, 8083. */
  WEBSOCKET = 'websocket',
  /** MQTT over secure WebSocket, 8085. */
  WEBSOCKET_TLS = 'websocket-tls',
  /** MQTT over QUIC, 9083/UDP. */
  QUIC = 'quic',
  /** Kafka protocol, 9092. */
  KAFKA = 'kafka',
  /** AMQP, 5672. */
  AMQP = 'amqp',
  /** NATS over TCP, 4222. */
  NATS = 'nats',
}

/** The listener of each client protocol. */
export const CLIENT_PROTOCOL_PORTS: { readonly [p in ClientProtocol]: RobustMqPortSpec } = {
  [ClientProtocol.MQTT]: ROBUSTMQ_PORTS.mqtt,
  [ClientProtocol.MQTT_TLS]: ROBUSTMQ_PORTS.mqtts,
  [ClientProtocol.WEBSOCKET]: ROBUSTMQ_PORTS.mqttWs,
  [ClientProtocol.WEBSOCKET_TLS]: ROBUSTMQ_PORTS.mqttWss,
  [ClientProtocol.QUIC]: ROBUSTMQ_PORTS.mqttQuic,
  [ClientProtocol.KAFKA]: ROBUSTMQ_PORTS.kafka,
  [ClientProtocol.AMQP]: ROBUSTMQ_PORTS.amqp,
  [ClientProtocol.NATS]: ROBUSTMQ_PORTS.nats,
};

/** The protocols the client Service exposes unless told otherwise. */
export const DEFAULT_CLIENT_PROTOCOLS: readonly ClientProtocol[] = [ClientProtocol.MQTT, ClientProtocol.WEBSOCKET];

/**
 * Values RobustMQ v0.4.11 uses when the config sets none (`src/common/config/src/config.rs`
 * `default_admin_*`, `src/common/config/src/default.rs` `default_mqtt_auth`). They are public,
 * so a deployment must never run with them: the start script refuses them.
 */
export const ROBUSTMQ_KNOWN_DEFAULT_SECRETS: readonly string[] = ['admin', 'robustmq', 'robustmq-change-me-in-production'];

/** The keys of the credentials Secret unless told otherwise. */
export const DEFAULT_CREDENTIAL_KEYS = {
  adminUsername: 'admin-username',
  adminPassword: 'admin-password',
  jwtSecret: 'jwt-secret',
  mqttUsername: 'mqtt-username',
  mqttPassword: 'mqtt-password',
} as const;

/** The path of the Prometheus endpoint on the admin HTTP port. */
export const ROBUSTMQ_METRICS_PATH = '/metrics';

/** The roles a RobustMQ process can run. */
export enum RobustMqRole {
  /** Meta service (formerly placement center): Raft-replicated cluster metadata. */
  META = 'meta',
  /** The MQTT broker. */
  BROKER = 'broker',
  /** The storage engine (formerly journal server). */
  ENGINE = 'engine',
}

/** Levels RobustMQ's logger accepts for a target. */
export enum RobustMqLogLevel {
  /** Most verbose. */
  TRACE = 'trace',
  /** Debugging detail. */
  DEBUG = 'debug',
  /** Normal operation (the default). */
  INFO = 'info',
  /** Something unexpected that RobustMQ recovered from. */
  WARN = 'warn',
  /** Failures only. */
  ERROR = 'error',
}

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
}

/** Default ports of RobustMQ v0.4.11 and their names in the Services this library makes. */
export const ROBUSTMQ_PORTS = {
  /** Inter-node and client gRPC, all roles. */
  grpc: { name: 'grpc', port: 1228 },
  /** Admin HTTP: `/metrics`, `/health/*`, `/api/*`. */
  http: { name: 'http-admin', port: 58080 },
  /** MQTT over TCP. */
  mqtt: { name: 'mqtt', port: 1883 },
  /** MQTT over TLS. */
  mqtts: { name: 'mqtt-tls', port: 1885 },
  /** MQTT over WebSocket. */
  mqttWs: { name: 'mqtt-ws', port: 8083 },
  /** MQTT over secure WebSocket. */
  mqttWss: { name: 'mqtt-wss', port: 8085 },
  /** Storage engine TCP, between nodes. */
  engine: { name: 'engine', port: 1778 },
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

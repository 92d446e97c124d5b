/**
 * What the MQTT round-trip prober is, read from its source: inovex/mqtt_blackbox_exporter v0.7.0,
 * `main.go` (cited as main.go:LINE). The one home of these facts: every other file asks here.
 */

/** The image the probe Deployment runs (Debian-based, with /bin/sh and sed: its Dockerfile). */
export const PROBE_DEFAULT_IMAGE = 'inovex/mqtt_blackbox_exporter:v0.7.0';

/** The exporter's binary in the image (Dockerfile: `COPY mqtt_blackbox_exporter /bin/...`). */
export const PROBE_BINARY = '/bin/mqtt_blackbox_exporter';

/** The flag naming the YAML configuration file (main.go:92) and the one for the listen address (main.go:93). */
export const PROBE_CONFIG_FLAG = '-config.file';
export const PROBE_LISTEN_FLAG = '-web.listen-address';

/** The metrics port: the exporter's default listen address `:9214` (main.go:93), served at `/metrics` (main.go:309). */
export const PROBE_METRICS_PORT = 9214;
export const PROBE_METRICS_PORT_NAME = 'metrics';
export const PROBE_METRICS_PATH = '/metrics';

/**
 * The metric families the exporter registers (main.go:43-90, registered at main.go:98-105), each
 * with the labels `name` (the probe's name) and `broker` (its broker URL).
 */
export const PROBE_METRICS = {
  /** Round trips begun (main.go:68). */
  started: 'probe_mqtt_started_total',
  /** Round trips ended, whatever their outcome: incremented in a `defer` (main.go:74, 199-202). */
  completed: 'probe_mqtt_completed_total',
  /** Connect or subscribe failures (main.go:80, 205-208). */
  errors: 'probe_mqtt_errors_total',
  /** Round trips that did not get every message back in time (main.go:62, 263-266). */
  timeouts: 'probe_mqtt_timeouts_total',
  /** Messages published (main.go:44). */
  published: 'probe_mqtt_messages_published_total',
  /** Publishes not acknowledged in time (main.go:50). */
  publishTimeouts: 'probe_mqtt_messages_publish_timeout_total',
  /** Messages received back (main.go:56). */
  received: 'probe_mqtt_messages_received_total',
  /** Wall time of one round trip, a histogram with the client's default buckets (main.go:86-90). */
  duration: 'probe_mqtt_duration_seconds',
} as const;

/** The sample names of the duration histogram. */
export const PROBE_DURATION_SAMPLES = ['_bucket', '_sum', '_count'].map((s) => `${PROBE_METRICS.duration}${s}`);

/** Every sample name the exporter serves (for the PromQL checks). */
export const PROBE_SAMPLE_NAMES: readonly string[] = [
  ...Object.values(PROBE_METRICS).filter((m) => m !== PROBE_METRICS.duration), ...PROBE_DURATION_SAMPLES,
];

/** The labels every probe series carries (main.go:48 and the other vectors). */
export const PROBE_NAME_LABEL = 'name';
export const PROBE_BROKER_LABEL = 'broker';

/**
 * The highest finite bucket of the duration histogram: client_golang's DefBuckets end at 10 s,
 * and the exporter sets no buckets of its own (main.go:86-90). A p99 above it reads as 10.
 */
export const PROBE_HIGHEST_BUCKET_SECONDS = 10;

/** The only QoS the exporter publishes and subscribes with: `qos := byte(0)` (main.go:188). */
export const PROBE_SUPPORTED_QOS = 0;

/**
 * The exporter gives connecting and subscribing, and then publishing and receiving, a third of
 * the interval each (main.go:185-186).
 */
export const PROBE_PHASES_PER_INTERVAL = 3;

/** The user the probe runs as: nobody (the image's Dockerfile sets none; it would run as root). */
export const PROBE_RUN_AS_USER = 65534;

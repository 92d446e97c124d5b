/**
 * Pure renderers for RobustMQ's configuration files and the start script that turns the
 * shared template into each pod's own `server.toml`. No constructs here: the cluster
 * construct places what these return.
 */

/** Placeholders in the server.toml template, filled in per pod by the start script. */
export const BROKER_ID_PLACEHOLDER = '__ROBUSTMQ_BROKER_ID__';
export const BROKER_IP_PLACEHOLDER = '__ROBUSTMQ_BROKER_IP__';

/** What the server.toml template is rendered from (shared by every pod of a cluster). */
export interface ServerTomlModel {
  readonly clusterName: string;
  readonly roles: string[];
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The stable DNS name of every meta pod, in ordinal order (ordinal 0 first). */
  readonly metaHosts: string[];
  /** Path of logger.toml as the server reads it. */
  readonly loggerConfigPath: string;
  /** Directory for file logs (relative to the working directory or absolute). */
  readonly logPath: string;
}

/** The broker id of the pod with a StatefulSet ordinal: ids start at 1. */
export function brokerIdForOrdinal(ordinal: number): number {
  return ordinal + 1;
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The server.toml shared by every pod, with placeholders for `broker_id` and `broker_ip`.
 */
export function renderServerTomlTemplate(m: ServerTomlModel): string {
  const metaAddrs = m.metaHosts
    .map((host, ordinal) => `${brokerIdForOrdinal(ordinal)} = ${tomlString(`${host}:${m.grpcPort}`)}`)
    .join(', ');
  return [
    '# Rendered by cdk8s-robustmq-observability. broker_id and broker_ip are filled in per pod',
    '# at start-up from the pod\'s StatefulSet ordinal and IP address.',
    `cluster_name = ${tomlString(m.clusterName)}`,
    `broker_id = ${BROKER_ID_PLACEHOLDER}`,
    `broker_ip = "${BROKER_IP_PLACEHOLDER}"`,
    `roles = [${m.roles.map(tomlString).join(', ')}]`,
    `grpc_port = ${m.grpcPort}`,
    `http_port = ${m.httpPort}`,
    `meta_addrs = { ${metaAddrs} }`,
    '',
    '[log]',
    `log_config = ${tomlString(m.loggerConfigPath)}`,
    `log_path = ${tomlString(m.logPath)}`,
    '',
  ].join('\n');
}

/**
 * The server.toml one pod runs with: what the start script produces from the template.
 */
export function renderServerToml(m: ServerTomlModel, ordinal: number, podIp: string): string {
  return renderServerTomlTemplate(m)
    .replace(BROKER_ID_PLACEHOLDER, String(brokerIdForOrdinal(ordinal)))
    .replace(BROKER_IP_PLACEHOLDER, podIp);
}

/** Options of logger.toml. */
export interface LoggerTomlModel {
  /** The level for all targets. */
  readonly level: string;
}

/**
 * logger.toml: one console appender writing JSON lines without ANSI escape codes, so the
 * log pipeline reads structured records from the container's stdout.
 */
export function renderLoggerToml(m: LoggerTomlModel): string {
  return [
    '# Rendered by cdk8s-robustmq-observability: JSON lines on stdout, no colour codes.',
    '[stdout]',
    'kind = "console"',
    `targets = [{ path = "", level = ${tomlString(m.level)} }]`,
    'ansi = false',
    'formatter = "json"',
    '',
  ].join('\n');
}

/** Paths the start script works with. */
export interface StartScriptModel {
  /** The server.toml template (read-only, from the ConfigMap). */
  readonly templatePath: string;
  /** Where the pod's own server.toml is written (a writable emptyDir). */
  readonly renderedPath: string;
  /** The server binary. */
  readonly binary: string;
}

/**
 * The container's start script (POSIX sh). It derives the StatefulSet ordinal from
 * `HOSTNAME`, which Kubernetes sets to the pod name (`<statefulset>-<ordinal>`), so every pod
 * gets a distinct `broker_id` by construction; `broker_ip` is the pod IP from the downward
 * API (`POD_IP`). Then it replaces itself with the server.
 */
export function renderStartScript(m: StartScriptModel): string {
  return [
    'set -eu',
    'ordinal="${HOSTNAME##*-}"',
    'case "$ordinal" in',
    '  ""|*[!0-9]*) echo "robustmq-start: cannot read a StatefulSet ordinal from HOSTNAME=$HOSTNAME" >&2; exit 1 ;;',
    'esac',
    ': "${POD_IP:?robustmq-start: POD_IP is not set}"',
    'broker_id=$((ordinal + 1))',
    `sed -e "s|${BROKER_ID_PLACEHOLDER}|$broker_id|" -e "s|${BROKER_IP_PLACEHOLDER}|$POD_IP|" ${shellQuote(m.templatePath)} > ${shellQuote(m.renderedPath)}`,
    'echo "robustmq-start: pod $HOSTNAME runs as broker_id=$broker_id broker_ip=$POD_IP" >&2',
    `exec ${shellQuote(m.binary)} --conf=${shellQuote(m.renderedPath)}`,
    '',
  ].join('\n');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

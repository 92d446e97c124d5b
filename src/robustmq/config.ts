import { createHash } from 'crypto';
import { ROBUSTMQ_KNOWN_DEFAULT_SECRETS } from './facts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
  /**
   * RocksDB's directory (top-level `data_path`): the meta service's Raft log and state go to
   * `<dataPath>/_rocksdb`, snapshots to `<dataPath>/_snapshot`
   * (`src/common/rocksdb-engine/src/storage/family.rs` at v0.4.11).
   */
  readonly dataPath: string;
  /**
   * The storage engine's folders (`[storage_runtime] data_path`), set when the `engine` role is
   * on: without one the node registers no storage folder and exits at start-up.
   */
  readonly engineDataPaths: string[];
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
    `data_path = ${tomlString(m.dataPath)}`,
    '',
    '[log]',
    `log_config = ${tomlString(m.loggerConfigPath)}`,
    `log_path = ${tomlString(m.logPath)}`,
    '',
    ...(m.engineDataPaths.length > 0 ? [
      '[storage_runtime]',
      `data_path = [${m.engineDataPaths.map(tomlString).join(', ')}]`,
      '',
    ] : []),
    '# [admin] and [mqtt_runtime.auth] are appended per pod by the start script, from the',
    '# credentials Secret: they are never in this ConfigMap.',
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

/** The environment variables the credentials Secret is injected as (read by the pod script only). */
export const CREDENTIAL_ENV = {
  adminUsername: 'ROBUSTMQ_ADMIN_USERNAME',
  adminPassword: 'ROBUSTMQ_ADMIN_PASSWORD',
  jwtSecret: 'ROBUSTMQ_ADMIN_JWT_SECRET',
  mqttUsername: 'ROBUSTMQ_MQTT_USERNAME',
  mqttPassword: 'ROBUSTMQ_MQTT_PASSWORD',
} as const;

/** The credential fields, in the order the script checks and writes them. */
export type CredentialField = keyof typeof CREDENTIAL_ENV;

/** The credentials that are secrets, checked against RobustMQ's public defaults. */
const SECRET_FIELDS: readonly CredentialField[] = ['adminPassword', 'jwtSecret', 'mqttPassword'];

/** The shortest JWT secret the script accepts: 32 bytes, the HS256 key size. */
export const MIN_JWT_SECRET_LENGTH = 32;

/** What the pod script is rendered from. */
export interface PodScriptModel {
  /** The server.toml template (read-only, from the ConfigMap). */
  readonly templatePath: string;
  /** Where the pod's own server.toml is written (a writable emptyDir). */
  readonly renderedPath: string;
  /** The server binary. */
  readonly binary: string;
  /** The StatefulSet's name: pods are `<name>-<ordinal>`. */
  readonly statefulSetName: string;
  /** The data volume's mount: the marker of a past Raft member lives there. */
  readonly dataDir: string;
  /** Ordinal 0's stable DNS name, which fresh pods wait for. */
  readonly firstPeerHost: string;
  /** The admin HTTP port (58080). */
  readonly httpPort: number;
  /** The TCP listeners the readiness check requires, besides gRPC and admin HTTP. */
  readonly tcpPorts: number[];
  /** The gRPC port. */
  readonly grpcPort: number;
  /** The UDP listeners the readiness check requires (QUIC). */
  readonly udpPorts: number[];
  /** How long a fresh pod waits for ordinal 0 before it exits (and is restarted). */
  readonly peerWaitSeconds: number;
  /** The Secret the credentials come from, and its key of each credential, for error messages. */
  readonly secretName: string;
  readonly secretKeys: { readonly [f in CredentialField]: string };
}

/** The file a pod writes, the first time it is Ready, to mark that it has joined the Raft group. */
export const MEMBER_MARKER = '.robustmq-member';

/**
 * The pod script (POSIX sh, run by the image's `/bin/sh`), with two commands:
 *
 * `start` derives the StatefulSet ordinal from `HOSTNAME` (Kubernetes sets it to the pod name),
 * writes the pod's `server.toml` from the template with its `broker_id`, `broker_ip` and the
 * credentials from the Secret (never echoed), then decides how to start so that exactly one
 * Raft group forms (RobustMQ v0.4.11 `src/meta-service/src/raft/manager.rs`: a node with no
 * state that reaches no peer within 500 ms bootstraps a group of its own, and a join to a peer
 * without a leader exits):
 * - ordinal 0 starts at once: on a fresh cluster it is the one node that bootstraps; with
 *   state it recovers; having lost its state it finds a peer and joins;
 * - any pod that has been a member (the marker on its data volume) starts at once and recovers,
 *   so a full restart of every pod comes back without waiting on anyone;
 * - any other pod waits, bounded and logging, until ordinal 0's admin API answers `/api/info`
 *   with a meta-service leader, then starts and joins through it. Past the bound it exits
 *   non-zero and Kubernetes restarts it.
 *
 * `ready` is the readiness check: the local meta service answers `/api/info` (loopback needs no
 * token) with a leader, and every listener of the node's roles is open. On success it writes
 * the member marker.
 */
export function renderPodScript(m: PodScriptModel): string {
  const q = shellQuote;
  const creds = Object.keys(CREDENTIAL_ENV) as CredentialField[];
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  const env = CREDENTIAL_ENV;
  return [
    '#!/bin/sh',
    '# Rendered by cdk8s-robustmq-observability. Usage: robustmq.sh start | ready',
    'set -eu',
    `sts=${q(m.statefulSetName)}`,
    `template=${q(m.templatePath)}`,
    `rendered=${q(m.renderedPath)}`,
    `binary=${q(m.binary)}`,
    `marker=${q(`${m.dataDir}/${MEMBER_MARKER}`)}`,
    `first_peer=${q(m.firstPeerHost)}`,
    `http_port=${m.httpPort}`,
    `tcp_ports='${[m.grpcPort, m.httpPort, ...m.tcpPorts].map(hex).join(' ')}'`,
    `udp_ports='${m.udpPorts.map(hex).join(' ')}'`,
    `wait_seconds=${m.peerWaitSeconds}`,
    `secret=${q(m.secretName)}`,
    // The defaults RobustMQ ships publicly, as SHA-256 so that they appear nowhere in the output.
    `default_hashes='${ROBUSTMQ_KNOWN_DEFAULT_SECRETS.map(sha256).join(' ')}'`,
    '',
    'log() { printf \'robustmq: %s\\n\' "$*" >&2; }',
    'fail() { log "$*"; exit 1; }',
    '# A value as the body of a TOML or JSON basic string: backslash and double quote escaped.',
    'esc() { printf \'%s\' "$1" | sed -e \'s/\\\\/\\\\\\\\/g\' -e \'s/"/\\\\"/g\'; }',
    '# An /api/info answer whose meta service has a leader (AdminServerResponse: code first).',
    'has_leader() { case "$1" in *\'"code":0\'*\'"current_leader":\'[0-9]*) return 0 ;; esac; return 1; }',
    '',
    'ready() {',
    '  info=$(curl -s --max-time 4 "http://127.0.0.1:$http_port/api/info") || { echo "the admin API on port $http_port does not answer"; exit 1; }',
    '  has_leader "$info" || { echo "the meta service has no Raft leader"; exit 1; }',
    // /api/health/ready would be the natural check, but in v0.4.11 it TCP-connects to the QUIC
    // port, which is UDP, so it answers 503 on every broker node
    // (src/common/healthy/src/ready.rs:35, src/common/base/src/port.rs:19): check the same
    // listeners here, QUIC over UDP.
    '  for p in $tcp_ports; do',
    '    grep -Eq "^ *[0-9]+: [0-9A-F]+:$p [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "TCP port 0x$p is not listening"; exit 1; }',
    '  done',
    '  for p in $udp_ports; do',
    '    grep -Eq "^ *[0-9]+: [0-9A-F]+:$p " /proc/net/udp /proc/net/udp6 2>/dev/null || { echo "UDP port 0x$p is not bound"; exit 1; }',
    '  done',
    '  [ -e "$marker" ] || : > "$marker"',
    '}',
    '',
    '# One credential: set, without control characters.',
    'credential() {',
    '  eval "v=\\${$1:-}"',
    '  [ -n "$v" ] || fail "$1 is empty: set key \'$2\' of Secret \'$secret\'"',
    '  case "$v" in *[[:cntrl:]]*) fail "$1 (key \'$2\' of Secret \'$secret\') contains a control character such as a newline" ;; esac',
    '}',
    '# One secret credential: also not a default that RobustMQ ships publicly.',
    'secret_credential() {',
    '  credential "$1" "$2"',
    '  h=$(printf \'%s\' "$v" | sha256sum | cut -d " " -f 1)',
    '  for d in $default_hashes; do',
    '    [ "$h" != "$d" ] || fail "$1 (key \'$2\' of Secret \'$secret\') is a default that RobustMQ ships publicly: choose a random value"',
    '  done',
    '}',
    '',
    '# Whether ordinal 0 answers with a meta-service leader (its admin API wants a token from afar).',
    'peer_ready() {',
    `  body=$(printf '{"username":"%s","password":"%s"}' "$(esc "$${env.adminUsername}")" "$(esc "$${env.adminPassword}")")`,
    '  resp=$(printf \'%s\' "$body" | curl -s --max-time 3 -H \'Content-Type: application/json\' --data-binary @- "http://$first_peer:$http_port/api/v1/login") || return 1',
    '  token=$(printf \'%s\' "$resp" | sed -n \'s/.*"token":"\\([^"]*\\)".*/\\1/p\')',
    '  [ -n "$token" ] || return 1',
    '  printf \'Authorization: Bearer %s\\n\' "$token" > "$header_file"',
    '  info=$(curl -s --max-time 3 -H "@$header_file" "http://$first_peer:$http_port/api/info") || return 1',
    '  has_leader "$info"',
    '}',
    '',
    'start() {',
    '  host="${HOSTNAME:-}"',
    '  case "$host" in "$sts"-*) ;; *) fail "HOSTNAME=\'$host\' is not the name of a pod of StatefulSet \'$sts\' (<name>-<ordinal>)" ;; esac',
    '  ordinal="${host#"$sts"-}"',
    '  case "$ordinal" in ""|*[!0-9]*|0?*) fail "cannot read a StatefulSet ordinal from HOSTNAME=\'$host\'" ;; esac',
    '  [ -n "${POD_IP:-}" ] || fail "POD_IP is not set"',
    // Keys are Secret key names ([-._a-zA-Z0-9]+): plain single quotes are safe.
    ...creds.map((c) => `  ${SECRET_FIELDS.includes(c) ? 'secret_credential' : 'credential'} ${env[c]} '${m.secretKeys[c]}'`),
    `  [ "\${#${env.jwtSecret}}" -ge ${MIN_JWT_SECRET_LENGTH} ] || fail "${env.jwtSecret} (key '${m.secretKeys.jwtSecret}' of Secret '$secret') must be at least ${MIN_JWT_SECRET_LENGTH} characters"`,
    '  broker_id=$((ordinal + 1))',
    '  umask 077',
    `  sed -e "s|${BROKER_ID_PLACEHOLDER}|$broker_id|" -e "s|${BROKER_IP_PLACEHOLDER}|$POD_IP|" "$template" > "$rendered.tmp"`,
    '  {',
    `    printf '\\n[admin]\\nusername = "%s"\\npassword = "%s"\\njwt_secret = "%s"\\n' "$(esc "$${env.adminUsername}")" "$(esc "$${env.adminPassword}")" "$(esc "$${env.jwtSecret}")"`,
    `    printf '\\n[mqtt_runtime.auth]\\ndefault_user = "%s"\\ndefault_password = "%s"\\n' "$(esc "$${env.mqttUsername}")" "$(esc "$${env.mqttPassword}")"`,
    '  } >> "$rendered.tmp"',
    '  mv "$rendered.tmp" "$rendered"',
    '  log "pod $host runs as broker_id=$broker_id broker_ip=$POD_IP"',
    '  if [ "$ordinal" -eq 0 ]; then',
    '    log "ordinal 0 starts at once: on a fresh cluster it forms the Raft group, with local state it recovers"',
    '  elif [ -e "$marker" ]; then',
    '    log "this pod has been a Raft member ($marker): starting at once to recover from its local state"',
    '  else',
    '    log "fresh pod: waiting up to ${wait_seconds}s for ordinal 0 ($first_peer) to answer with a Raft leader, then joining"',
    '    header_file="${TMPDIR:-/tmp}/robustmq-auth.$$"',
    '    began=$(date +%s)',
    '    said=0',
    '    while ! peer_ready; do',
    '      elapsed=$(($(date +%s) - began))',
    '      if [ "$elapsed" -ge "$wait_seconds" ]; then',
    '        rm -f "$header_file"',
    '        fail "ordinal 0 ($first_peer) did not answer with a Raft leader within ${wait_seconds}s: exiting; Kubernetes restarts the pod and the wait begins again"',
    '      fi',
    '      if [ $((elapsed - said)) -ge 10 ]; then said=$elapsed; log "still waiting for ordinal 0 after ${elapsed}s"; fi',
    '      sleep 2',
    '    done',
    '    rm -f "$header_file"',
    '    log "ordinal 0 has a Raft leader: starting and joining"',
    '  fi',
    ...creds.map((c) => `  unset ${env[c]}`),
    '  exec "$binary" --conf="$rendered"',
    '}',
    '',
    'case "${1:-}" in',
    '  start) start ;;',
    '  ready) ready ;;',
    '  *) fail "usage: robustmq.sh start | ready" ;;',
    'esac',
    '',
  ].join('\n');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

import { PROBE_BINARY, PROBE_CONFIG_FLAG, PROBE_LISTEN_FLAG } from './facts';

/**
 * The probe's configuration: the validated model, the exporter's YAML file (with the
 * credentials left as placeholders) and the start script that fills them in from the
 * environment (the Secret) inside the pod. Pure functions, unit-tested apart.
 */

/** One probe of the exporter's `probes:` list (field names: main.go:23-36). */
export interface ProbeConfigModel {
  /** The probe's name: the `name` label of its series. */
  readonly name: string;
  /** `tcp://host:port` of the client Service. */
  readonly brokerUrl: string;
  /** The topic it publishes on and subscribes to. */
  readonly topic: string;
  /** The exporter's client ids are `<clientPrefix>-p` and `<clientPrefix>-s`. */
  readonly clientPrefix: string;
  /** Messages per round trip. */
  readonly messages: number;
  /** The exporter's `interval`: the pause between round trips, and three times each phase's deadline. */
  readonly interval: string;
  /** The files (from the cluster's Secret, mounted in the init container) holding the MQTT user name and password. */
  readonly usernameFile: string;
  readonly passwordFile: string;
}

/** A YAML double-quoted scalar. */
function quoted(s: string): string {
  return JSON.stringify(s);
}

/**
 * The configuration template: the exporter's YAML (read with yaml.v2 into `config`, main.go:287;
 * `interval` is a Go duration, main.go:35) without the credentials, which the start script
 * appends to the one probe entry (`username`, `password`, main.go:28-29).
 */
export function renderProbeConfigTemplate(m: ProbeConfigModel): string {
  return [
    'probes:',
    `  - name: ${quoted(m.name)}`,
    `    broker_url: ${quoted(m.brokerUrl)}`,
    `    topic: ${quoted(m.topic)}`,
    `    client_prefix: ${quoted(m.clientPrefix)}`,
    `    messages: ${m.messages}`,
    `    interval: ${m.interval}`,
    '',
  ].join('\n');
}

/** Where the init container reads the template and writes the configuration. */
export interface ProbeScriptPaths {
  readonly templatePath: string;
  readonly configPath: string;
}

/**
 * The POSIX script the init container runs: it reads the credentials from the Secret's files,
 * refuses empty ones and ones with a line break (they cannot stand in one YAML line), escapes
 * backslashes and double quotes for a YAML double-quoted scalar, and writes the template plus the
 * credentials (mode 0600) into the shared emptyDir, so they never stand in a ConfigMap.
 */
export function renderProbeStartScript(m: ProbeConfigModel, p: ProbeScriptPaths): string {
  return [
    'set -eu',
    '# One value from a file: command substitution drops trailing line breaks, and one inside is refused.',
    'read_secret() {',
    '  if [ ! -r "$1" ]; then echo "$1 is not readable: mount the cluster\'s credentials Secret" >&2; exit 1; fi',
    '  value=$(cat "$1")',
    '  if [ -z "$value" ]; then echo "$1 is empty: set its key in the cluster\'s credentials Secret" >&2; exit 1; fi',
    '  case "$value" in *"',
    '"*) echo "$1 contains a line break: it cannot stand in the exporter\'s YAML" >&2; exit 1 ;; esac',
    '  # A YAML double-quoted scalar: backslash and double quote escaped.',
    '  printf \'%s\' "$value" | sed -e \'s/[\\\\"]/\\\\&/g\'',
    '}',
    `user=$(read_secret ${m.usernameFile})`,
    `pass=$(read_secret ${m.passwordFile})`,
    'umask 077',
    '{',
    `  cat ${p.templatePath}`,
    '  printf \'    username: "%s"\\n\' "$user"',
    '  printf \'    password: "%s"\\n\' "$pass"',
    `} > ${p.configPath}.tmp`,
    `mv ${p.configPath}.tmp ${p.configPath}`,
    '',
  ].join('\n');
}

/** The exporter's command line. */
export function probeArgs(configPath: string, port: number): string[] {
  return [PROBE_BINARY, PROBE_CONFIG_FLAG, configPath, PROBE_LISTEN_FLAG, `:${port}`];
}

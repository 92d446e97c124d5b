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
  /** The environment variables holding the MQTT user name and password. */
  readonly usernameEnv: string;
  readonly passwordEnv: string;
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
 * The POSIX script the init container runs: it refuses empty credentials and ones with a line
 * break (they cannot stand in one YAML line), escapes backslashes and double quotes for a YAML
 * double-quoted scalar, and writes the template plus the credentials (mode 0600) into the
 * shared emptyDir, so they never stand in a ConfigMap.
 */
export function renderProbeStartScript(m: ProbeConfigModel, p: ProbeScriptPaths): string {
  const u = m.usernameEnv;
  const w = m.passwordEnv;
  return [
    'set -eu',
    `for v in ${u} ${w}; do`,
    '  eval "value=\\"\\${$v:-}\\""',
    '  if [ -z "$value" ]; then echo "$v is empty: set its key in the cluster\'s credentials Secret" >&2; exit 1; fi',
    '  case "$value" in *"',
    '"*) echo "$v contains a line break: it cannot stand in the exporter\'s YAML" >&2; exit 1 ;; esac',
    'done',
    '# A YAML double-quoted scalar: backslash and double quote escaped.',
    'esc() { printf \'%s\' "$1" | sed -e \'s/[\\\\"]/\\\\&/g\'; }',
    'umask 077',
    '{',
    `  cat ${p.templatePath}`,
    `  printf '    username: "%s"\\n' "$(esc "$${u}")"`,
    `  printf '    password: "%s"\\n' "$(esc "$${w}")"`,
    `} > ${p.configPath}.tmp`,
    `mv ${p.configPath}.tmp ${p.configPath}`,
    '',
  ].join('\n');
}

/** The exporter's command line. */
export function probeArgs(configPath: string, port: number): string[] {
  return [PROBE_BINARY, PROBE_CONFIG_FLAG, configPath, PROBE_LISTEN_FLAG, `:${port}`];
}

#!/usr/bin/env node
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { thresholdProblem } from './alerts/engine';
import { RuleFiles } from './alerts/rule-file';
import { alertNameProblem, latencyThresholdSeconds } from './alerts/rules';
import { SEARCH_ENGINES, SearchEngine } from './elasticsearch/connection';
import { writeHelmChart } from './helm';
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_LOG_TEMPLATE_PRIORITY } from './logging/es-template';
import { FluentBit, FluentBitConfigFormat } from './logging/fluent-bit';
import { ClientProtocol, RobustMqLogLevel } from './robustmq/facts';
import { AlertmanagerMatcherStrategy } from './routing/alert-routing';
import { SPEC_RECEIVER_KINDS, receiverFromSpec } from './routing/receivers';
import { DEFAULT_SECRETS_DIR } from './routing/render';
import { DEFAULT_STACK_OPTIONS, STACK_CHART, StackOptions, buildStack } from './stack';
import { JaegerStorage } from './tracing/facts';
import * as checks from './validation/checks';
import { duration, durationMs } from './validation/duration';
import { ValidationError } from './validation/errors';
import { configFormat, logLevelName } from './validation/logging';
import { maskPasswords } from './validation/secrets';
import * as tracingChecks from './validation/tracing';

/**
 * Where `synth` writes unless told: its own folder, apart from `dist/js` where the package's
 * tarball goes (`cdk8s synth` empties its output folder).
 */
export const DEFAULT_MANIFEST_DIR = 'dist/manifests';

/** Exit status for a bad flag or a refused input. */
export const EXIT_USAGE = 2;

/** Where the CLI writes; the process streams by default, a buffer in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

type Command = 'synth' | 'rules' | 'rule-tests' | 'es-template' | 'alertmanager-config';
const COMMANDS: { [c in Command]: string } = {
  'synth': `write the stack as Kubernetes YAML (--out DIR, default ${DEFAULT_MANIFEST_DIR})`,
  'rules': 'write the alert and recording rules as a plain Prometheus rule file (--out FILE, default stdout)',
  'rule-tests': 'write promtool unit tests for every alert (--out FILE, default stdout)',
  'alertmanager-config': 'write the alert routing as a plain alertmanager.yml, secrets read from files under --secrets-dir (needs --critical-receiver; --out FILE, default stdout)',
  'es-template': 'write the index template and retention policy (ILM; ISM with --log-backend opensearch) as JSON, keyed by the path to PUT each to (--out FILE, default stdout)',
};

interface FlagSpec {
  readonly name: string;
  /** Placeholder in --help; '' for a switch. */
  readonly value: string;
  readonly help: string;
  readonly default?: string;
  readonly repeatable?: boolean;
}

const FLAGS: FlagSpec[] = [
  { name: 'out', value: 'PATH', help: 'synth: directory of the YAML files; rules, rule-tests: the file', default: `${DEFAULT_MANIFEST_DIR} / stdout` },
  { name: 'namespace', value: 'NS', help: 'namespace of the RobustMQ cluster', default: DEFAULT_STACK_OPTIONS.namespace },
  { name: 'cluster-name', value: 'NAME', help: 'RobustMQ cluster_name and base of object names', default: DEFAULT_STACK_OPTIONS.clusterName },
  { name: 'replicas', value: 'N', help: 'number of RobustMQ pods (odd is best for Raft)', default: String(DEFAULT_STACK_OPTIONS.replicas) },
  { name: 'robustmq-version', value: 'VERSION', help: 'RobustMQ release', default: DEFAULT_STACK_OPTIONS.robustmqVersion },
  { name: 'image', value: 'IMAGE', help: 'RobustMQ container image', default: 'ghcr.io/robustmq/robustmq:v<version>' },
  { name: 'credentials-secret', value: 'NAME', help: 'Secret with RobustMQ\'s admin-username, admin-password, jwt-secret, mqtt-username and mqtt-password', default: '<cluster-name>-credentials' },
  { name: 'protocols', value: 'LIST', help: `client protocols the client Service exposes, comma-separated: ${Object.values(ClientProtocol).join(', ')}`, default: DEFAULT_STACK_OPTIONS.protocols.join(',') },
  { name: 'no-network-policy', value: '', help: 'emit no NetworkPolicy (RobustMQ, Fluent Bit, Jaeger and the index-template Job)' },
  { name: 'monitoring-namespace', value: 'NS', help: 'namespace of the ServiceMonitor and PrometheusRule', default: DEFAULT_STACK_OPTIONS.monitoringNamespace },
  { name: 'prometheus-release', value: 'NAME', help: "value of the 'release' label Prometheus selects monitors and rules by", default: DEFAULT_STACK_OPTIONS.prometheusRelease },
  { name: 'scrape-interval', value: 'DURATION', help: 'how often Prometheus scrapes RobustMQ', default: DEFAULT_STACK_OPTIONS.scrapeInterval },
  { name: 'scrape-timeout', value: 'DURATION', help: 'scrape timeout, at most the interval', default: DEFAULT_STACK_OPTIONS.scrapeTimeout },
  { name: 'keep-high-cardinality-metrics', value: '', help: 'keep the per-client, per-topic and per-connection families' },
  { name: 'min-healthy-nodes', value: 'N', help: 'RobustMQClusterDown fires below this many nodes up', default: 'a Raft majority' },
  { name: 'latency-p99-threshold', value: 'DURATION', help: 'RobustMQHighLatency fires above this p99', default: '1s' },
  { name: 'error-rate-threshold', value: 'RATIO', help: 'RobustMQHighErrorRate fires above this ratio (0 to 1)', default: '0.05' },
  { name: 'disable-alert', value: 'NAME', help: 'leave this alert out (repeatable)', repeatable: true },
  { name: 'runbook-url-pattern', value: 'URL', help: "runbook link, '{alert}' is the alert name, '{anchor}' the lower-cased name", default: "the alert's panel of the runbooks dashboard in --grafana-url" },
  { name: 'grafana-url', value: 'URL', help: "Grafana's URL for the alerts' dashboard links", default: 'http://localhost:3000' },
  { name: 'no-alerts', value: '', help: 'emit no PrometheusRule' },
  { name: 'no-slos', value: '', help: 'emit no SLO recording rules and burn-rate alerts (built-in: PUBLISH latency)' },
  { name: 'grafana-namespace', value: 'NS', help: "namespace of the dashboard and datasource ConfigMaps (Grafana's sidecars)", default: DEFAULT_STACK_OPTIONS.grafanaNamespace },
  { name: 'grafana-folder', value: 'NAME', help: 'Grafana folder of the dashboards', default: DEFAULT_STACK_OPTIONS.grafanaFolder },
  { name: 'no-dashboards', value: '', help: 'emit no dashboard ConfigMaps' },
  { name: 'no-datasources', value: '', help: 'emit no datasource ConfigMap' },
  { name: 'log-backend', value: 'ENGINE', help: `search engine of the logs: ${SEARCH_ENGINES.map((e) => `'${e}'`).join(' or ')} (Fluent Bit output, index template and retention dialect, Grafana datasource; the --elasticsearch-* flags then describe it)`, default: DEFAULT_STACK_OPTIONS.logBackend },
  { name: 'elasticsearch-url', value: 'URL', help: 'Elasticsearch that Fluent Bit ships logs to', default: DEFAULT_STACK_OPTIONS.elasticsearchUrl },
  { name: 'elasticsearch-index', value: 'NAME', help: 'Elasticsearch index of the logs', default: DEFAULT_STACK_OPTIONS.elasticsearchIndex },
  { name: 'elasticsearch-secret', value: 'NAME', help: "Secret with keys 'username' and 'password' for Elasticsearch", default: 'no authentication' },
  { name: 'elasticsearch-tls', value: '', help: 'talk TLS to Elasticsearch' },
  { name: 'fluent-bit-config-format', value: 'FORMAT', help: "Fluent Bit configuration format: 'yaml' or 'classic'", default: DEFAULT_STACK_OPTIONS.fluentBitConfigFormat },
  { name: 'elasticsearch-daily-indices', value: '', help: 'write daily indices <index>-YYYY.MM.DD, deleted by age by the ILM (OpenSearch: ISM) policy' },
  { name: 'log-retention-days', value: 'DAYS', help: 'days a daily index is kept (needs --elasticsearch-daily-indices)', default: String(DEFAULT_LOG_RETENTION_DAYS) },
  { name: 'index-template-priority', value: 'N', help: 'priority of the index template, above 200', default: String(DEFAULT_LOG_TEMPLATE_PRIORITY) },
  { name: 'no-index-template-job', value: '', help: 'emit no Job installing the index template (install the es-template output yourself)' },
  { name: 'log-level-min', value: 'LEVEL', help: 'ship RobustMQ records of this level and above', default: 'INFO' },
  { name: 'no-logs', value: '', help: 'deploy no Fluent Bit' },
  { name: 'no-tracing', value: '', help: 'deploy no Jaeger and set no OpenTelemetry variables' },
  { name: 'jaeger-storage', value: 'KIND', help: 'Jaeger span storage: memory, badger or elasticsearch', default: DEFAULT_STACK_OPTIONS.jaegerStorage },
  { name: 'jaeger-namespace', value: 'NS', help: 'namespace of Jaeger', default: DEFAULT_STACK_OPTIONS.jaegerNamespace },
  { name: 'critical-receiver', value: 'KIND:SECRET/KEY', help: `route the alerts (AlertmanagerConfig): critical alerts page this receiver, KIND ${SPEC_RECEIVER_KINDS.join(', ')}, its URL or routing key in that Secret key`, default: 'no routing' },
  { name: 'warning-receiver', value: 'KIND:SECRET/KEY', help: 'warning alerts go to this receiver (info alerts go nowhere)', default: 'the critical receiver' },
  { name: 'alertmanager-matcher-strategy', value: 'TYPE', help: `the Alertmanager's alertmanagerConfigMatcherStrategy: ${Object.values(AlertmanagerMatcherStrategy).join(' or ')}`, default: AlertmanagerMatcherStrategy.ON_NAMESPACE },
  { name: 'secrets-dir', value: 'DIR', help: 'alertmanager-config: where the Secrets are mounted, one folder per Secret', default: DEFAULT_SECRETS_DIR },
  { name: 'no-probe', value: '', help: 'deploy no synthetic MQTT probe (and none of its alerts)' },
  { name: 'format', value: 'FORMAT', help: "synth: 'plain' YAML files or a 'helm' chart directory", default: 'plain' },
  { name: 'chart-version', value: 'VERSION', help: 'synth --format helm: the chart\'s SemVer version', default: 'the library\'s version' },
  { name: 'rules-file', value: 'PATH', help: 'rule-tests: the rule file as the tests name it', default: 'robustmq-rules.yaml' },
  { name: 'help', value: '', help: 'show this help (also -h)' },
  { name: 'version', value: '', help: 'print the version (also -V)' },
];

/** Short options and the long flag each stands for. */
const SHORT_FLAGS: { [short: string]: string } = { '-h': '--help', '-V': '--version' };

/**
 * The parts of the stack that read each flag, by the switch that turns the part off. A flag all
 * of whose readers are switched off would have no effect: it is refused, naming both.
 */
const FLAG_READERS: { [flag: string]: string[] } = {
  'min-healthy-nodes': ['no-alerts'],
  'disable-alert': ['no-alerts'],
  'runbook-url-pattern': ['no-alerts'],
  'grafana-url': ['no-alerts'],
  'no-slos': ['no-alerts'],
  'latency-p99-threshold': ['no-alerts', 'no-dashboards'],
  'error-rate-threshold': ['no-alerts', 'no-dashboards'],
  'grafana-folder': ['no-dashboards'],
  'grafana-namespace': ['no-dashboards', 'no-datasources'],
  'log-backend': ['no-logs', 'no-datasources', 'no-dashboards'],
  'elasticsearch-url': ['no-logs', 'no-datasources', 'jaeger-elasticsearch'],
  'elasticsearch-index': ['no-logs', 'no-datasources'],
  'elasticsearch-secret': ['no-logs', 'jaeger-elasticsearch'],
  'elasticsearch-tls': ['no-logs'],
  'fluent-bit-config-format': ['no-logs'],
  'log-level-min': ['no-logs'],
  'elasticsearch-daily-indices': ['no-logs'],
  'log-retention-days': ['no-logs'],
  'index-template-priority': ['no-logs'],
  'no-index-template-job': ['no-logs'],
  'jaeger-storage': ['no-tracing'],
  'jaeger-namespace': ['no-tracing'],
  'critical-receiver': ['no-alerts'],
  'warning-receiver': ['no-alerts'],
  'alertmanager-matcher-strategy': ['no-alerts'],
};

/** Construct fields whose refusal the CLI reports under the flag that set them. */
const FIELD_FLAGS: { [field: string]: string } = {
  'minHealthyNodes': 'min-healthy-nodes',
  'latencyP99Threshold': 'latency-p99-threshold',
  'errorRateThreshold': 'error-rate-threshold',
  'disabledAlerts': 'disable-alert',
  'runbookUrlPattern': 'runbook-url-pattern',
  'grafanaUrl': 'grafana-url',
  // The one ElasticsearchConnection the --elasticsearch-* flags make validates them.
  'engine': 'log-backend',
  'url': 'elasticsearch-url',
  'index': 'elasticsearch-index',
  'credentials.secretName': 'elasticsearch-secret',
  'tls.enabled': 'elasticsearch-tls',
  'configFormat': 'fluent-bit-config-format',
  'logLevelMin': 'log-level-min',
  'logRetentionDays': 'log-retention-days',
  'indexTemplatePriority': 'index-template-priority',
  'storage': 'jaeger-storage',
};

/** The CLI's usage text. */
export function usage(): string {
  const lines = ['Usage: cdk8s-robustmq-observability <command> [flags]', '', 'Commands:'];
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 1;
  for (const [c, help] of Object.entries(COMMANDS)) lines.push(`  ${c.padEnd(width)}${help}`);
  lines.push('', 'Flags (every command takes the stack flags, so all outputs describe the same stack):');
  for (const f of FLAGS) {
    const left = `  --${f.name}${f.value ? ` ${f.value}` : ''}`;
    const help = `${f.help}${f.default !== undefined ? ` (default: ${f.default})` : ''}`;
    lines.push(left.length >= 32 ? `${left}\n${''.padEnd(32)}${help}` : `${left.padEnd(32)}${help}`);
  }
  lines.push('', 'A bad flag value, or a flag that another makes pointless, exits with status 2 and writes nothing.', '');
  return lines.join('\n');
}

/** A refused flag: the message names the flag, the value and what is allowed. */
class FlagError extends Error {}

function flagProblem(flag: string, value: string, problem: string | undefined): void {
  if (problem !== undefined) {
    // A value may carry a password (https://user:password@host): never echo it.
    throw new FlagError(`--${flag} '${maskPasswords(value)}' ${problem}`);
  }
}

type Flags = Map<string, string | true | string[]>;

/** Parses argv into a command and flag values. Accepts `--flag value` and `--flag=value`. */
function parse(argv: string[]): { command?: string; flags: Flags } {
  const known = new Map(FLAGS.map((f) => [f.name, f]));
  const flags: Flags = new Map();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = SHORT_FLAGS[argv[i]] ?? argv[i];
    if (arg.startsWith('-') && !arg.startsWith('--') && arg.length > 1) {
      throw new FlagError(`unknown option '${arg}': allowed are ${Object.keys(SHORT_FLAGS).join(', ')} and the --flags of --help`);
    }
    if (!arg.startsWith('--')) {
      if (command !== undefined) throw new FlagError(`unexpected argument '${arg}': only one command is allowed`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = known.get(name);
    if (!spec) {
      throw new FlagError(`unknown flag '--${name}': allowed are ${FLAGS.map((f) => `--${f.name}`).join(', ')}`);
    }
    if (flags.has(name) && !spec.repeatable) throw new FlagError(`--${name} is given more than once`);
    if (!spec.value) {
      if (eq >= 0) throw new FlagError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (value.startsWith('--') && eq < 0)) {
      throw new FlagError(`--${name} needs a value ${spec.value}`);
    }
    if (spec.repeatable) {
      flags.set(name, [...((flags.get(name) as string[] | undefined) ?? []), value]);
    } else {
      flags.set(name, value);
    }
  }
  return { command, flags };
}

function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function wholeNumber(text: string): number {
  return /^[0-9]+$/.test(text) ? Number(text) : NaN;
}

/** Refuses a flag whose every reader is switched off by another flag. */
function checkFlagsTakeEffect(flags: Flags): void {
  // Jaeger reads the Elasticsearch flags only with Elasticsearch storage.
  const jaegerEs = !flags.has('no-tracing') && stringFlag(flags, 'jaeger-storage') === JaegerStorage.ELASTICSEARCH;
  for (const [flag, readers] of Object.entries(FLAG_READERS)) {
    if (!flags.has(flag)) continue;
    const off = readers.map((r) => (r === 'jaeger-elasticsearch' ? (jaegerEs ? undefined : 'jaeger-storage') : (flags.has(r) ? r : undefined)));
    if (off.every((r) => r !== undefined)) {
      const switches = off.filter((r) => r !== 'jaeger-storage').map((r) => `--${r}`);
      const jaeger = off.includes('jaeger-storage') ? ' and Jaeger reads it only with --jaeger-storage elasticsearch' : '';
      throw new FlagError(`--${flag} has no effect with ${switches.join(' and ')}${jaeger}: leave one of them out`);
    }
  }
}

/**
 * Checks, before any work and without leaving anything behind, that `dir` can be created (or
 * written, if it exists): a path under /proc or below a file fails at once with its reason.
 */
function checkWritableDir(flag: string, given: string, dir: string): void {
  const fail = (why: string): never => {
    throw new FlagError(`--${flag} '${given}' cannot be written: ${why}`);
  };
  let existing = dir;
  let firstMissing: string | undefined;
  while (!fs.existsSync(existing)) {
    firstMissing = existing;
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!fs.statSync(existing).isDirectory()) fail(`'${existing}' is a file, not a directory`);
  const probe = firstMissing ?? path.join(existing, `.cdk8s-robustmq-observability-${process.pid}`);
  try {
    if (firstMissing) {
      fs.mkdirSync(probe);
      fs.rmdirSync(probe);
    } else {
      fs.writeFileSync(probe, '');
      fs.rmSync(probe);
    }
  } catch (e) {
    fail(`cannot create '${probe}' (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Turns the flags into validated stack options. */
function stackOptions(flags: Flags): Partial<StackOptions> {
  const o: { -readonly [K in keyof StackOptions]?: StackOptions[K] } = {};
  const text = (name: string, check: (v: string) => string | undefined, set: (v: string) => void) => {
    const v = stringFlag(flags, name);
    if (v === undefined) return;
    flagProblem(name, v, check(v));
    set(v);
  };
  text('namespace', (v) => checks.dnsLabel(v), (v) => { o.namespace = v; });
  text('cluster-name', (v) => checks.dns1035Label(v, 52), (v) => { o.clusterName = v; });
  text('replicas', (v) => checks.integer(wholeNumber(v), 1, 99), (v) => { o.replicas = wholeNumber(v); });
  text('robustmq-version', (v) => checks.version(v), (v) => { o.robustmqVersion = v; });
  text('image', (v) => checks.image(v), (v) => { o.image = v; });
  text('credentials-secret', (v) => checks.dnsSubdomain(v), (v) => { o.credentialsSecret = v; });
  text('protocols', (v) => {
    const list = v.split(',');
    const allowed = Object.values(ClientProtocol) as string[];
    const bad = list.find((p) => !allowed.includes(p));
    if (bad !== undefined) return `names protocol '${bad}': allowed are ${allowed.map((p) => `'${p}'`).join(', ')}, comma-separated`;
    return new Set(list).size !== list.length ? 'must not repeat a protocol' : undefined;
  }, (v) => { o.protocols = v.split(',') as ClientProtocol[]; });
  if (flags.has('no-network-policy')) o.networkPolicy = false;
  text('monitoring-namespace', (v) => checks.dnsLabel(v), (v) => { o.monitoringNamespace = v; });
  text('prometheus-release', (v) => checks.labelValue(v) ?? (v === '' ? 'must not be empty' : undefined), (v) => { o.prometheusRelease = v; });
  text('scrape-interval', duration, (v) => { o.scrapeInterval = v; });
  text('scrape-timeout', duration, (v) => { o.scrapeTimeout = v; });
  const interval = o.scrapeInterval ?? DEFAULT_STACK_OPTIONS.scrapeInterval;
  const timeout = o.scrapeTimeout ?? DEFAULT_STACK_OPTIONS.scrapeTimeout;
  if (durationMs(timeout)! > durationMs(interval)!) {
    throw new FlagError(`--scrape-timeout '${timeout}' must not exceed --scrape-interval '${interval}'`);
  }
  if (flags.has('keep-high-cardinality-metrics')) o.keepHighCardinalityMetrics = true;

  const replicas = o.replicas ?? DEFAULT_STACK_OPTIONS.replicas;
  text('min-healthy-nodes', (v) => thresholdProblem('count', wholeNumber(v), replicas), (v) => { o.minHealthyNodes = wholeNumber(v); });
  text('latency-p99-threshold', (v) => latencyThresholdSeconds(v).problem, (v) => { o.latencyP99Threshold = v; });
  text('error-rate-threshold', (v) => thresholdProblem('ratio', /^-?[0-9]*\.?[0-9]+$/.test(v) ? Number(v) : NaN),
    (v) => { o.errorRateThreshold = Number(v); });
  const disabled = (flags.get('disable-alert') as string[] | undefined) ?? [];
  for (const name of disabled) flagProblem('disable-alert', name, alertNameProblem(name));
  o.disabledAlerts = disabled;
  text('runbook-url-pattern', () => undefined, (v) => { o.runbookUrlPattern = v; });
  text('grafana-url', () => undefined, (v) => { o.grafanaUrl = v; });
  if (flags.has('no-alerts')) o.alerts = false;
  if (flags.has('no-slos')) o.slos = false;
  text('grafana-namespace', (v) => checks.dnsLabel(v), (v) => { o.grafanaNamespace = v; });
  text('grafana-folder', (v) => checks.grafanaFolder(v), (v) => { o.grafanaFolder = v; });
  if (flags.has('no-dashboards')) o.dashboards = false;
  if (flags.has('no-datasources')) o.datasources = false;
  text('log-backend', (v) => checks.oneOf(v, SEARCH_ENGINES), (v) => { o.logBackend = v as SearchEngine; });
  // Jaeger's storage here is Elasticsearch only, and it shares the stack's one connection.
  if (o.logBackend === SearchEngine.OPENSEARCH && !flags.has('no-tracing')
    && stringFlag(flags, 'jaeger-storage') === JaegerStorage.ELASTICSEARCH) {
    throw new FlagError(`--log-backend '${SearchEngine.OPENSEARCH}' cannot go with --jaeger-storage '${JaegerStorage.ELASTICSEARCH}': Jaeger's storage is Elasticsearch only and would share the OpenSearch; use --jaeger-storage memory or badger`);
  }
  // Validated once, by the ElasticsearchConnection buildStack makes of them (its refusals name the flags).
  text('elasticsearch-url', () => undefined, (v) => { o.elasticsearchUrl = v; });
  text('elasticsearch-index', () => undefined, (v) => { o.elasticsearchIndex = v; });
  text('elasticsearch-secret', () => undefined, (v) => { o.elasticsearchSecret = v; });
  if (flags.has('elasticsearch-tls')) o.elasticsearchTls = true;
  text('fluent-bit-config-format', configFormat, (v) => { o.fluentBitConfigFormat = v as FluentBitConfigFormat; });
  text('log-level-min', logLevelName, (v) => { o.logLevelMin = v.toLowerCase() as RobustMqLogLevel; });
  if (flags.has('elasticsearch-daily-indices')) o.elasticsearchDailyIndices = true;
  // Validated by the FluentBit construct (its refusals name the flags).
  text('log-retention-days', (v) => (/^[0-9]+$/.test(v) ? undefined : 'must be a whole number of days, at least 1'),
    (v) => { o.logRetentionDays = wholeNumber(v); });
  text('index-template-priority', (v) => (/^[0-9]+$/.test(v) ? undefined : 'must be a whole number above 200'),
    (v) => { o.indexTemplatePriority = wholeNumber(v); });
  if (flags.has('no-index-template-job')) o.indexTemplateJob = false;
  if (flags.has('no-logs')) o.logs = false;
  if (flags.has('no-tracing')) o.tracing = false;
  if (flags.has('no-probe')) o.probe = false;
  text('jaeger-storage', (v) => tracingChecks.jaegerStorage(v), (v) => { o.jaegerStorage = v as JaegerStorage; });
  text('jaeger-namespace', (v) => tracingChecks.jaegerNamespace(v), (v) => { o.jaegerNamespace = v; });
  text('critical-receiver', (v) => receiverFromSpec('critical', v).problem, (v) => { o.criticalReceiver = v; });
  text('warning-receiver', (v) => receiverFromSpec('warning', v).problem, (v) => { o.warningReceiver = v; });
  text('alertmanager-matcher-strategy', (v) => checks.oneOf(v, Object.values(AlertmanagerMatcherStrategy)),
    (v) => { o.alertmanagerMatcherStrategy = v as AlertmanagerMatcherStrategy; });
  for (const f of ['warning-receiver', 'alertmanager-matcher-strategy']) {
    if (flags.has(f) && !flags.has('critical-receiver')) throw new FlagError(`--${f} has no effect without --critical-receiver: give --critical-receiver too`);
  }
  return o;
}

function writeOut(io: CliIo, out: string | undefined, content: string): void {
  if (out === undefined) {
    io.stdout(content);
    return;
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(path.resolve(out), content);
  io.stderr(`wrote ${out}\n`);
}

/**
 * Runs the CLI and returns its exit status. Nothing is written unless every input is valid.
 */
export function main(argv: string[], io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
}): number {
  try {
    const { command, flags } = parse(argv);
    if (flags.has('help') || command === 'help') {
      io.stdout(usage());
      return 0;
    }
    if (flags.has('version')) {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (command === undefined) {
      io.stderr(usage());
      return EXIT_USAGE;
    }
    if (!(command in COMMANDS)) {
      throw new FlagError(`unknown command '${command}': allowed are ${Object.keys(COMMANDS).map((c) => `'${c}'`).join(', ')}`);
    }
    for (const flag of ['format', 'chart-version']) {
      if (flags.has(flag) && command !== 'synth') throw new FlagError(`--${flag} is only for 'synth', not '${command}'`);
    }
    const format = stringFlag(flags, 'format') ?? 'plain';
    flagProblem('format', format, checks.oneOf(format, ['plain', 'helm']));
    const chartVersion = stringFlag(flags, 'chart-version') ?? packageVersion();
    if (flags.has('chart-version')) {
      if (format !== 'helm') throw new FlagError('--chart-version has no effect without --format helm: leave one of them out');
      flagProblem('chart-version', chartVersion, /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(chartVersion)
        ? undefined : 'must be a SemVer 2 version such as 1.2.3');
    }
    if (flags.has('secrets-dir') && command !== 'alertmanager-config') {
      throw new FlagError(`--secrets-dir is only for 'alertmanager-config', not '${command}'`);
    }
    if (flags.has('secrets-dir')) {
      const dir = stringFlag(flags, 'secrets-dir')!;
      flagProblem('secrets-dir', dir, dir.startsWith('/') ? undefined : 'must be an absolute path (Alertmanager reads the files from it)');
    }
    if (flags.has('rules-file') && command !== 'rule-tests') {
      throw new FlagError(`--rules-file is only for 'rule-tests', not '${command}'`);
    }
    checkFlagsTakeEffect(flags);
    const options = stackOptions(flags);
    const out = stringFlag(flags, 'out');
    // The output must be writable before any work is done.
    if (command === 'synth') {
      const given = out ?? DEFAULT_MANIFEST_DIR;
      const outdir = path.resolve(given);
      if (fs.existsSync(outdir) && !fs.statSync(outdir).isDirectory()) {
        throw new FlagError(`--out '${given}' must be a directory, and a file of that name exists`);
      }
      checkWritableDir('out', given, outdir);
      // The path as given (relative to the working directory when it was), or absolute by default.
      const shown = (file: string) => (out !== undefined ? path.join(out, file) : path.join(outdir, file));
      if (format === 'helm') {
        if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0) {
          throw new FlagError(`--out '${given}' must be an empty or new directory for --format helm`);
        }
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-helm-'));
        try {
          const app = new App({ outdir: scratch, yamlOutputType: YamlOutputType.FILE_PER_CHART });
          const stack = buildStack(app, options);
          app.synth();
          const manifests = Object.fromEntries(fs.readdirSync(scratch).map((f) => [f, fs.readFileSync(path.join(scratch, f), 'utf8')]));
          const files = writeHelmChart(outdir, {
            name: STACK_CHART,
            version: chartVersion,
            appVersion: stack.observability.cluster?.version ?? DEFAULT_STACK_OPTIONS.robustmqVersion,
            description: 'RobustMQ and its observability stack, synthesized by cdk8s-robustmq-observability',
            manifests,
          });
          io.stdout(`wrote the Helm chart ${out ?? outdir} (${files.join(', ')})\n`);
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true });
        }
        return 0;
      }
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
      const stack = buildStack(app, options);
      app.synth();
      io.stdout(`wrote ${shown(`${stack.chart.node.id}${app.outputFileExtension}`)}\n`);
      return 0;
    }
    if (out !== undefined) {
      const file = path.resolve(out);
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
        throw new FlagError(`--out '${out}' must be a file, and a directory of that name exists`);
      }
      checkWritableDir('out', out, path.dirname(file));
    }
    if (command === 'es-template') {
      if (options.logs === false) throw new FlagError(`--no-logs leaves '${command}' nothing to write`);
      const { observability } = buildStack(new App({ outdir: path.resolve(DEFAULT_MANIFEST_DIR) }), options);
      writeOut(io, out, esTemplateJson(observability.fluentBit!));
      return 0;
    }
    if (options.alerts === false) {
      throw new FlagError(`--no-alerts leaves '${command}' nothing to write`);
    }
    if (command === 'alertmanager-config') {
      if (options.criticalReceiver === undefined) throw new FlagError(`'${command}' needs --critical-receiver: there is no routing without a receiver`);
      const { observability } = buildStack(new App({ outdir: path.resolve(DEFAULT_MANIFEST_DIR) }), options);
      writeOut(io, out, observability.routing!.alertmanagerConfigYaml(stringFlag(flags, 'secrets-dir')));
      return 0;
    }
    // The rules of every PrometheusRule of the stack: RobustMQ's, then Jaeger's with tracing.
    const { observability } = buildStack(new App({ outdir: path.resolve(DEFAULT_MANIFEST_DIR) }), options);
    const content = command === 'rules'
      ? RuleFiles.ruleFileYaml(observability.ruleGroups())
      : observability.ruleTestsYaml(stringFlag(flags, 'rules-file') ?? 'robustmq-rules.yaml');
    writeOut(io, out, content);
    return 0;
  } catch (e) {
    if (e instanceof FlagError) {
      io.stderr(`cdk8s-robustmq-observability: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof ValidationError) {
      const flag = FIELD_FLAGS[e.field];
      io.stderr(`cdk8s-robustmq-observability: ${flag ? `--${flag} '${maskPasswords(e.value)}' ${e.problem}` : maskPasswords(e.message)}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/**
 * The index template and retention policy (ILM, or ISM for OpenSearch) of a Fluent Bit, keyed by
 * the path each is PUT to (policy first). An existing ISM policy is updated only with its
 * `?if_seq_no=&if_primary_term=` (the installer Job reads them first).
 */
function esTemplateJson(fb: FluentBit): string {
  const out: { [path: string]: unknown } = {};
  if (fb.retentionPolicyPath && fb.retentionPolicyJson) out[fb.retentionPolicyPath] = JSON.parse(fb.retentionPolicyJson);
  out[`_index_template/${fb.indexTemplateName}`] = JSON.parse(fb.indexTemplateJson);
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The package's version, from its package.json. */
function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

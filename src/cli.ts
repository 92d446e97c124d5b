#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { DEFAULT_STACK_OPTIONS, StackOptions, buildStack } from './stack';
import * as checks from './validation/checks';
import { duration, durationMs } from './validation/duration';
import { ValidationError } from './validation/errors';

/** Exit status for a bad flag or a refused input. */
export const EXIT_USAGE = 2;

/** Where the CLI writes; the process streams by default, a buffer in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface FlagSpec {
  readonly name: string;
  readonly value: string; // placeholder in --help, '' for a switch
  readonly help: string;
  readonly default?: string;
}

const SYNTH_FLAGS: FlagSpec[] = [
  { name: 'out', value: 'DIR', help: 'directory the YAML files are written to', default: 'dist' },
  { name: 'namespace', value: 'NS', help: 'namespace of the RobustMQ cluster', default: DEFAULT_STACK_OPTIONS.namespace },
  { name: 'cluster-name', value: 'NAME', help: 'RobustMQ cluster_name and base of object names', default: DEFAULT_STACK_OPTIONS.clusterName },
  { name: 'replicas', value: 'N', help: 'number of RobustMQ pods (odd is best for Raft)', default: String(DEFAULT_STACK_OPTIONS.replicas) },
  { name: 'robustmq-version', value: 'VERSION', help: 'RobustMQ release', default: DEFAULT_STACK_OPTIONS.robustmqVersion },
  { name: 'image', value: 'IMAGE', help: 'RobustMQ container image', default: 'ghcr.io/robustmq/robustmq:v<version>' },
  { name: 'monitoring-namespace', value: 'NS', help: 'namespace of the ServiceMonitor', default: DEFAULT_STACK_OPTIONS.monitoringNamespace },
  { name: 'prometheus-release', value: 'NAME', help: "value of the 'release' label Prometheus selects monitors by", default: DEFAULT_STACK_OPTIONS.prometheusRelease },
  { name: 'scrape-interval', value: 'DURATION', help: 'how often Prometheus scrapes RobustMQ', default: DEFAULT_STACK_OPTIONS.scrapeInterval },
  { name: 'scrape-timeout', value: 'DURATION', help: 'scrape timeout, at most the interval', default: DEFAULT_STACK_OPTIONS.scrapeTimeout },
  { name: 'keep-high-cardinality-metrics', value: '', help: 'keep the per-client, per-topic and per-connection families' },
  { name: 'help', value: '', help: 'show this help' },
];

/** The CLI's usage text. */
export function usage(): string {
  const lines = [
    'Usage: cdk8s-robustmq-observability <command> [flags]',
    '',
    'Commands:',
    '  synth    write the RobustMQ stack as Kubernetes YAML, one file per chart',
    '',
    'Flags of synth:',
  ];
  for (const f of SYNTH_FLAGS) {
    const left = `  --${f.name}${f.value ? ` ${f.value}` : ''}`;
    lines.push(`${left.padEnd(30)}${f.help}${f.default !== undefined ? ` (default: ${f.default})` : ''}`);
  }
  lines.push('', 'A bad flag value exits with status 2 and writes nothing.', '');
  return lines.join('\n');
}

/** A refused flag: the message names the flag, the value and what is allowed. */
class FlagError extends Error {}

function flagProblem(flag: string, value: string, problem: string | undefined): void {
  if (problem !== undefined) {
    throw new FlagError(`--${flag} '${value}' ${problem}`);
  }
}

/**
 * Parses argv (without node and the script) into a command and flag values. Accepts
 * `--flag value` and `--flag=value`.
 */
function parse(argv: string[]): { command?: string; flags: Map<string, string | true> } {
  const known = new Map(SYNTH_FLAGS.map((f) => [f.name, f]));
  const flags = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (command !== undefined) throw new FlagError(`unexpected argument '${arg}': only one command is allowed`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = known.get(name);
    if (!spec) {
      throw new FlagError(`unknown flag '--${name}': allowed are ${SYNTH_FLAGS.map((f) => `--${f.name}`).join(', ')}`);
    }
    if (flags.has(name)) throw new FlagError(`--${name} is given more than once`);
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
    flags.set(name, value);
  }
  return { command, flags };
}

function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Turns the synth flags into validated stack options. */
function stackOptions(flags: Map<string, string | true>): Partial<StackOptions> {
  const o: { -readonly [K in keyof StackOptions]?: StackOptions[K] } = {};
  const namespace = stringFlag(flags, 'namespace');
  if (namespace !== undefined) {
    flagProblem('namespace', namespace, checks.dnsLabel(namespace));
    o.namespace = namespace;
  }
  const clusterName = stringFlag(flags, 'cluster-name');
  if (clusterName !== undefined) {
    flagProblem('cluster-name', clusterName, checks.dnsLabel(clusterName, 52));
    o.clusterName = clusterName;
  }
  const replicas = stringFlag(flags, 'replicas');
  if (replicas !== undefined) {
    const n = /^[0-9]+$/.test(replicas) ? Number(replicas) : NaN;
    flagProblem('replicas', replicas, checks.integer(n, 1, 99));
    o.replicas = n;
  }
  const version = stringFlag(flags, 'robustmq-version');
  if (version !== undefined) {
    flagProblem('robustmq-version', version, checks.version(version));
    o.robustmqVersion = version;
  }
  const image = stringFlag(flags, 'image');
  if (image !== undefined) {
    flagProblem('image', image, checks.image(image));
    o.image = image;
  }
  const monitoringNamespace = stringFlag(flags, 'monitoring-namespace');
  if (monitoringNamespace !== undefined) {
    flagProblem('monitoring-namespace', monitoringNamespace, checks.dnsLabel(monitoringNamespace));
    o.monitoringNamespace = monitoringNamespace;
  }
  const release = stringFlag(flags, 'prometheus-release');
  if (release !== undefined) {
    flagProblem('prometheus-release', release, checks.labelValue(release) ?? (release === '' ? 'must not be empty' : undefined));
    o.prometheusRelease = release;
  }
  const interval = stringFlag(flags, 'scrape-interval');
  if (interval !== undefined) {
    flagProblem('scrape-interval', interval, duration(interval));
    o.scrapeInterval = interval;
  }
  const timeout = stringFlag(flags, 'scrape-timeout');
  if (timeout !== undefined) {
    flagProblem('scrape-timeout', timeout, duration(timeout));
    o.scrapeTimeout = timeout;
  }
  const effectiveInterval = o.scrapeInterval ?? DEFAULT_STACK_OPTIONS.scrapeInterval;
  const effectiveTimeout = o.scrapeTimeout ?? DEFAULT_STACK_OPTIONS.scrapeTimeout;
  if (durationMs(effectiveTimeout)! > durationMs(effectiveInterval)!) {
    throw new FlagError(`--scrape-timeout '${effectiveTimeout}' must not exceed --scrape-interval '${effectiveInterval}'`);
  }
  if (flags.has('keep-high-cardinality-metrics')) {
    o.keepHighCardinalityMetrics = true;
  }
  return o;
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
    if (command === undefined) {
      io.stderr(usage());
      return EXIT_USAGE;
    }
    if (command !== 'synth') {
      throw new FlagError(`unknown command '${command}': allowed is 'synth'`);
    }
    const options = stackOptions(flags);
    const outdir = path.resolve(stringFlag(flags, 'out') ?? 'dist');
    if (fs.existsSync(outdir) && !fs.statSync(outdir).isDirectory()) {
      throw new FlagError(`--out '${stringFlag(flags, 'out')}' must be a directory, and a file of that name exists`);
    }
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const stack = buildStack(app, options);
    app.synth();
    const files = stack.charts.map((c) => path.join(outdir, `${c.node.id}${app.outputFileExtension}`));
    io.stdout(files.map((f) => `wrote ${path.relative(process.cwd(), f) || f}\n`).join(''));
    return 0;
  } catch (e) {
    if (e instanceof FlagError || e instanceof ValidationError) {
      io.stderr(`cdk8s-robustmq-observability: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

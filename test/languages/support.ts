import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

export const ROOT = path.join(__dirname, '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');

/** The language tests run only when asked (scripts/test-languages.sh sets it): they take minutes. */
export const LANGUAGE_TESTS = process.env.RMQ_LANGUAGE_TESTS === '1';

/** The version of an npm package in node_modules: the other languages pin the peers to the same. */
export function npmVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** A fresh scratch directory (removed by `removeScratch`). */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rmq-${prefix}-`));
}

export function removeScratch(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Every YAML file of a synth output folder, parsed: file name -> its documents. */
export function manifests(dir: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    out[file] = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJSON());
  }
  return out;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Milliseconds before the command is killed. */
  readonly timeout: number;
}

/** Runs a program; on failure throws with the tail of its output so the jest report says why. */
export function run(cmd: string, args: string[], opts: RunOptions): string {
  try {
    return execFileSync(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', ...opts.env },
      timeout: opts.timeout,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (e: any) {
    const tail = (s: unknown) => String(s ?? '').split('\n').slice(-40).join('\n');
    const why = e.signal ? `killed by ${e.signal}${e.signal === 'SIGKILL' ? ` (time limit ${opts.timeout} ms?)` : ''}` : `exit ${e.status}`;
    throw new Error(`${cmd} ${args.join(' ')}: ${why}\n--- stdout\n${tail(e.stdout)}\n--- stderr\n${tail(e.stderr)}`);
  }
}

/** The one file in `dir` whose name matches, or an error that says which task builds it. */
export function built(dir: string, pattern: RegExp, task: string): string {
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => pattern.test(f)) : [];
  if (found.length !== 1) {
    throw new Error(`expected one ${pattern} in ${path.relative(ROOT, dir)}, found ${found.length}: run \`npx projen ${task}\` first`);
  }
  return path.join(dir, found[0]);
}

/** Synthesizes the TypeScript twin of the README example into `outdir`. */
export function synthTypeScript(outdir: string): void {
  run(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(EXAMPLES, 'compose.ts')], {
    cwd: ROOT,
    env: { CDK8S_OUTDIR: outdir },
    timeout: 120_000,
  });
}

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prometheusBuilds } from './real-tools';

// The stack's merged test file takes about a minute on an idle 2-CPU machine, and several
// suites run promtool at once: a hang guard, not a speed limit.
const TIMEOUT_SECONDS = 300;

function run(binary: string, args: string[], cwd: string): { status: number; output: string } {
  const r = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: TIMEOUT_SECONDS * 1000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`${binary} ${args.join(' ')} did not finish within ${TIMEOUT_SECONDS} s`);
  }
  if (r.error) {
    throw new Error(`${binary} could not run (${r.error.message}): run 'bash scripts/install-test-tools.sh' and 'bash scripts/install-real-tools.sh'`);
  }
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/**
 * Runs promtool with the same arguments on every Prometheus release the project supports
 * (Debian's 2.42 and 3.x, see real-tools.ts) and requires them to agree: a rule or test that one
 * release accepts and the other refuses is an error naming both outputs. Returns the common
 * status and each release's output under its version.
 */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const results = prometheusBuilds().map((b) => ({ version: b.version, ...run(b.promtool, args, cwd) }));
  const statuses = new Set(results.map((r) => r.status === 0));
  const output = results.map((r) => `== promtool ${r.version} (exit ${r.status})\n${r.output}`).join('\n');
  if (statuses.size > 1) {
    throw new Error(`promtool ${args.join(' ')}: the Prometheus releases disagree\n${output}`);
  }
  return { status: results[0].status, output };
}

/** The versions promtool() runs, for test titles. */
export function promtoolVersion(): string {
  return prometheusBuilds().map((b) => `promtool ${b.version}`).join(' and ');
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

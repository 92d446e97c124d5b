import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** promtool from Debian's `prometheus` package; the tests need it (scripts/install-test-tools.sh). */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) {
    throw new Error(`promtool is not installed (${r.error.message}): run 'bash scripts/install-test-tools.sh'`);
  }
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

export function promtoolVersion(): string {
  return execFileSync('promtool', ['--version'], { encoding: 'utf8' }).split('\n')[0];
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

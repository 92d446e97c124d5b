import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Where the tests find the real programs that scripts/install-real-tools.sh builds from the
 * registries into `.tools/bin` (Prometheus 3, Alertmanager, Jaeger, kube-apiserver, checkov).
 * A missing one is an error that names the command to run, never a silent skip.
 */

export const TOOLS_BIN = path.resolve(__dirname, '..', '..', '.tools', 'bin');

/** The absolute path of an installed real tool; throws with the install command when missing. */
export function realTool(name: string): string {
  const file = path.join(TOOLS_BIN, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${name} is not installed in ${TOOLS_BIN}: run 'bash scripts/install-real-tools.sh'`);
  }
  return file;
}

/** One Prometheus release the rules and dashboards are checked on. */
export interface PrometheusBuild {
  /** `2.42.0`, `3.16.0`. */
  readonly version: string;
  readonly promtool: string;
  readonly prometheus: string;
}

let builds: PrometheusBuild[] | undefined;

function versionOf(promtool: string): string {
  const r = spawnSync(promtool, ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`${promtool}: ${r.error.message}: run 'bash scripts/install-test-tools.sh'`);
  const m = /version (\d+\.\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`);
  if (!m) throw new Error(`${promtool} --version printed no version: ${r.stdout}${r.stderr}`);
  return m[1];
}

/**
 * Both Prometheus releases users run: Debian's 2.42 (`promtool` and `prometheus` on the PATH, from
 * scripts/install-test-tools.sh) and 3.x built from its Go module (scripts/install-real-tools.sh).
 */
export function prometheusBuilds(): PrometheusBuild[] {
  if (!builds) {
    const promtool3 = realTool('promtool');
    builds = [
      { version: versionOf('promtool'), promtool: 'promtool', prometheus: 'prometheus' },
      { version: versionOf(promtool3), promtool: promtool3, prometheus: realTool('prometheus') },
    ];
  }
  return builds;
}

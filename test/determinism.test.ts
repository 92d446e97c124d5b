import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { byCodePoint } from '../src/order';
import { tmpDir } from './support/promtool';

/**
 * Two synths are byte-identical on any machine, locale and time zone: the CLI and a
 * WorkloadIdentity with keys whose order differs between locales, run as real processes under
 * several `LANG` and `TZ` settings.
 */

const ENVIRONMENTS: Array<Record<string, string>> = [
  { LANG: 'C', LC_ALL: 'C', TZ: 'America/St_Johns' },
  { LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8', TZ: 'Europe/Copenhagen' },
  { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Kiritimati' },
];

function node(script: string, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    encoding: 'utf8',
    cwd: path.join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ROBUSTMQ_OBSERVABILITY_QUIET: '1', ...env },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

test('the order is by code point, not by locale', () => {
  expect(['z.y', 'aa.x', 'Zeta', 'é', 'e'].sort(byCodePoint)).toEqual(['Zeta', 'aa.x', 'e', 'z.y', 'é']);
  // Astral characters compare by code point, not by UTF-16 unit.
  expect(['\u{1F600}', '\uFFFF'].sort(byCodePoint)).toEqual(['\uFFFF', '\u{1F600}']);
});

describe('one process per locale and time zone', () => {
  // One process each (ts-node compiles the library once per process): the identity string, the
  // env order, and the CLI's whole YAML.
  const outputs = ENVIRONMENTS.map((env) => {
    const dir = tmpDir('rmq-determinism-');
    const out = node(`
      const { WorkloadIdentity } = require('./src/identity/workload-identity');
      const id = new WorkloadIdentity({ serviceName: 's', clusterName: 'c', version: '1.0.0',
        resourceAttributes: { 'z.y': '1', 'aa.x': '2', 'Å.q': '3' }, fieldRefs: { ZZ_UID: 'metadata.uid', AA_SA: 'spec.serviceAccountName' } });
      process.stdout.write(id.resourceAttributeString() + '\\n' + JSON.stringify(id.environmentNames()));
      process.exitCode = require('./src/cli').main(['synth', '--out', ${JSON.stringify(dir)}], { stdout: () => {}, stderr: (t) => process.stderr.write(t) });`, env);
    return { identity: out, yaml: fs.readFileSync(path.join(dir, 'robustmq-observability.k8s.yaml'), 'utf8') };
  });

  test('WorkloadIdentity orders resource attributes and field refs the same under every locale', () => {
    expect(outputs[0].identity).toContain('aa.x=2,z.y=1,Å.q=3');
    for (const o of outputs) expect(o.identity).toBe(outputs[0].identity);
  });

  test('the CLI writes byte-identical YAML under every locale and time zone', () => {
    for (const o of outputs) expect(o.yaml === outputs[0].yaml).toBe(true);
  });
});

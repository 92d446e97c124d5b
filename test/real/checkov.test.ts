import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { tmpDir } from '../support/promtool';
import { realTool } from '../support/real-tools';
import { appObjects } from '../support/synth';
import { VARIANTS } from './support/variants';

/**
 * checkov, a Kubernetes security scanner that is not ours (PyPI, scripts/install-real-tools.sh),
 * over every synthesized variant. Each finding is either fixed or listed with its reason in
 * test/real/checkov-skips.yaml; a finding in neither fails, and so does a skip nothing needs.
 */

jest.setTimeout(180_000);
process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

interface Skip {
  readonly check: string;
  readonly resource: string;
  readonly reason: string;
}

interface Finding {
  readonly check: string;
  readonly resource: string;
  readonly file: string;
}

const SKIPS: Skip[] = YAML.parse(fs.readFileSync(path.join(__dirname, 'checkov-skips.yaml'), 'utf8'));

function scan(dir: string): { findings: Finding[]; passed: number } {
  const r = spawnSync(realTool('checkov'), ['-d', dir, '--framework', 'kubernetes', '--quiet', '--compact', '-o', 'json', '--skip-download'], {
    encoding: 'utf8', timeout: 150_000, env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
  });
  if (r.error) throw r.error;
  const parsed = JSON.parse(r.stdout);
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const findings = reports.flatMap((x: any) => x.results.failed_checks
    .map((f: any) => ({ check: f.check_id, resource: f.resource, file: f.file_path })));
  return { findings, passed: reports.reduce((n: number, x: any) => n + x.summary.passed, 0) };
}

const matches = (s: Skip, f: Finding) => s.check === f.check && new RegExp(s.resource).test(f.resource);

describe('checkov over every synthesized variant', () => {
  const dir = tmpDir('rmq-checkov-');
  for (const [name, build] of VARIANTS) {
    const app = Testing.app();
    build(app);
    fs.writeFileSync(path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`), Yaml.stringify(...appObjects(app)));
  }
  const result = scan(dir);

  test('it scanned every variant and passed checks', () => {
    expect(new Set(result.findings.map((f) => f.file)).size).toBe(VARIANTS.length);
    expect(result.passed).toBeGreaterThan(100);
  });

  test('every finding is listed in checkov-skips.yaml with a reason', () => {
    const unexplained = result.findings.filter((f) => !SKIPS.some((s) => matches(s, f))).map((f) => `${f.check} ${f.resource} (${f.file})`);
    expect(unexplained).toEqual([]);
    for (const s of SKIPS) expect(s.reason.length).toBeGreaterThan(20);
  });

  test('every skip is still needed', () => {
    const unused = SKIPS.filter((s) => !result.findings.some((f) => matches(s, f))).map((s) => `${s.check} ${s.resource}`);
    expect(unused).toEqual([]);
  });

  test('the test can fail: a privileged container with host networking is found', () => {
    const bad = tmpDir('rmq-checkov-bad-');
    fs.writeFileSync(path.join(bad, 'bad.yaml'), Yaml.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'default' },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] },
    }));
    const found = scan(bad).findings.map((f) => f.check);
    expect(found).toEqual(expect.arrayContaining(['CKV_K8S_16', 'CKV_K8S_19']));
    expect(found.filter((c) => !SKIPS.some((s) => s.check === c)).length).toBeGreaterThan(0);
  });
});

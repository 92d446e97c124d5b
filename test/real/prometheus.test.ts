import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promtool, tmpDir } from '../support/promtool';
import { prometheusBuilds } from '../support/real-tools';

/**
 * Every promtool run in the suite goes through test/support/promtool.ts, which runs it on both
 * Prometheus releases users run and requires them to agree. These tests pin that the two are
 * really there and really different programs, so the agreement means something.
 */

describe('the Prometheus releases the rules are checked on', () => {
  test('Debian 2.x and 3.x built from the module are both installed', () => {
    const versions = prometheusBuilds().map((b) => b.version);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatch(/^2\.\d+\.\d+$/);
    expect(versions[1]).toMatch(/^3\.\d+\.\d+$/);
  });

  test('a rule one release accepts and the other refuses is an error naming both', () => {
    const dir = tmpDir('rmq-prom-versions-');
    // holt_winters was removed in Prometheus 3.0 (renamed double_exponential_smoothing, behind a flag).
    fs.writeFileSync(path.join(dir, 'rules.yaml'), [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - record: job:smoothed',
      '        expr: holt_winters(up[10m], 0.5, 0.5)',
      '',
    ].join('\n'));
    expect(() => promtool(['check', 'rules', 'rules.yaml'], dir)).toThrow(/the Prometheus releases disagree[\s\S]*promtool 2\.[\s\S]*promtool 3\./);
  });

  test('3.x selects ranges left-open: a 5m range at a 2m30s interval holds 3 samples on 2.x and 2 on 3.x, the floor the monitors enforce', () => {
    const dir = tmpDir('rmq-prom-versions-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), 'groups: []\n');
    const counted = (n: number) => [
      'rule_files: [rules.yaml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 2m30s',
      '    input_series:',
      "      - series: 'x'",
      "        values: '0+1x10'",
      '    promql_expr_test:',
      '      - expr: count_over_time(x[5m])',
      '        eval_time: 10m',
      '        exp_samples:',
      `          - value: ${n}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'three.yaml'), counted(3));
    fs.writeFileSync(path.join(dir, 'two.yaml'), counted(2));
    const [v2, v3] = prometheusBuilds();
    const status = (bin: string, file: string) => spawnSync(bin, ['test', 'rules', file], { cwd: dir, encoding: 'utf8' }).status;
    expect({ v2three: status(v2.promtool, 'three.yaml'), v3two: status(v3.promtool, 'two.yaml') }).toEqual({ v2three: 0, v3two: 0 });
    expect({ v2two: status(v2.promtool, 'two.yaml'), v3three: status(v3.promtool, 'three.yaml') }).toEqual({ v2two: 1, v3three: 1 });
  });

  test('both report each release under its version', () => {
    const dir = tmpDir('rmq-prom-versions-');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), 'groups:\n  - name: g\n    rules:\n      - record: job:up\n        expr: sum by (job) (up)\n');
    const r = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(r.status).toBe(0);
    for (const b of prometheusBuilds()) expect(r.output).toContain(`== promtool ${b.version} (exit 0)`);
  });
});

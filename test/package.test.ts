import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * The npm tarball holds only what a user runs: no source maps of bundled dependencies, no
 * scripts, sources, tests, docs or generated API reference (`npm pack --dry-run`, which runs the
 * prepack script as a real pack does).
 */
test('the tarball ships no source maps, scripts, sources, tests or docs', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 120_000,
  });
  expect(r.status).toBe(0);
  const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
  const unwanted = files.filter((f) => f.endsWith('.map') || /^(scripts|src|test|docs|examples|imports|\.tools|\.ci)\//.test(f) || f === 'API.md');
  expect(unwanted).toEqual([]);
  // The bundled PromQL grammar and Grafana SDK are in, as the library needs them at run time.
  expect(files.some((f) => f.startsWith('node_modules/@prometheus-io/lezer-promql/'))).toBe(true);
  expect(files.some((f) => f.startsWith('node_modules/@grafana/grafana-foundation-sdk/'))).toBe(true);
});

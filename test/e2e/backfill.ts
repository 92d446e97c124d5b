import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TestSeries } from '../../src/alerts/engine';
import { PrometheusBuild } from '../support/real-tools';

/**
 * History for a real Prometheus: test series (promtool's notation, one sample a step) written as
 * OpenMetrics text and turned into TSDB blocks by the build's own
 * `promtool tsdb create-blocks-from openmetrics`, in the data directory a PrometheusServer then
 * starts on.
 */

/** promtool's expanding notation ('a+bxn', 'axn', '_', '_xn'), one value a step; undefined is a gap. */
export function expandValues(values: string): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (const token of values.trim().split(/\s+/)) {
    const gap = /^_(?:x(\d+))?$/.exec(token);
    if (gap) {
      for (let i = 0; i < Number(gap[1] ?? 1); i++) out.push(undefined);
      continue;
    }
    const num = '\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?';
    const m = new RegExp(`^(-?${num})(?:([+-]${num})?x(\\d+))?$`).exec(token);
    if (!m) throw new Error(`cannot expand '${token}' of '${values}'`);
    const start = Number(m[1]);
    const step = m[2] === undefined ? 0 : Number(m[2]);
    const n = m[3] === undefined ? 0 : Number(m[3]);
    for (let i = 0; i <= n; i++) out.push(start + i * step);
  }
  return out;
}

/** One series as samples: its name, its labels, and a value (or a gap) a step. */
export interface Samples {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly values: Array<number | undefined>;
}

/** A test series' name and labels (`name{a="x", b="y"}`) and its expanded values. */
export function parseTestSeries(s: TestSeries): Samples {
  const brace = s.series.indexOf('{');
  const name = brace < 0 ? s.series : s.series.slice(0, brace);
  const labels: { [key: string]: string } = {};
  for (const m of s.series.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g)) labels[m[1]] = JSON.parse(m[2]);
  return { name, labels, values: expandValues(s.values) };
}

/** A label set in the exposition formats' notation: `{a="x",b="y"}`, or nothing when empty. */
export function labelText(labels: { [key: string]: string }): string {
  const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return body ? `{${body}}` : '';
}

/** One series as timed samples: `[seconds since the epoch, value]`. */
export interface Points {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A series of values one a step as points, sample `i` at `startS + i * stepS` (gaps left out). */
export function atSteps(s: Samples, startS: number, stepS: number): Points {
  return { name: s.name, labels: s.labels, points: s.values.flatMap((v, i) => (v === undefined ? [] : [[startS + i * stepS, v] as const])) };
}

/**
 * Writes the series as OpenMetrics text (families kept together, as the format requires) and
 * turns it into blocks in `dataDir` with the build's promtool. No TYPE lines: untyped, as the
 * live test exporters serve them, so that neither reader rewrites a bucket's `le` (Prometheus
 * normalizes it only for a typed histogram, model/textparse/openmetricsparse.go:773-783).
 */
export function createBlocks(b: PrometheusBuild, dir: string, dataDir: string, series: readonly Points[]): void {
  const file = path.join(dir, 'history.om');
  const byName = new Map<string, Points[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const fd = fs.openSync(file, 'w');
  try {
    for (const name of [...byName.keys()].sort()) {
      for (const s of byName.get(name)!) {
        const text = `${s.name}${labelText(s.labels)}`;
        if (s.points.length > 0) fs.writeSync(fd, s.points.map(([t, v]) => `${text} ${v} ${+t.toFixed(3)}\n`).join(''));
      }
    }
    fs.writeSync(fd, '# EOF\n');
  } finally {
    fs.closeSync(fd);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const r = spawnSync(b.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`promtool ${b.version} could not backfill: ${r.stdout}${r.stderr}`);
  fs.rmSync(file);
}

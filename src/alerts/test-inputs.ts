import { AlertTestCases, TestSeries } from './engine';

/**
 * Building blocks of promtool test inputs, shared by every alert set's definitions.
 */

/** A series with its labels and samples. */
export function series(name: string, labels: { [key: string]: string }, values: string): TestSeries {
  const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return { series: `${name}{${body}}`, values };
}

/** A gauge holding `v` for `minutes` minutes. */
export function constant(v: number, minutes: number): string {
  return `${v}x${minutes}`;
}

/** A counter from 0 growing by `perMinute` each minute. */
export function growing(perMinute: number, minutes: number): string {
  return `0+${perMinute}x${minutes}`;
}

/** The labels without the given keys. */
export function without<T extends object>(o: T, ...keys: string[]): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v as string;
  return out;
}

/** A ratio as a percentage for descriptions: `5%`, `0.5%`. */
export function pct(ratio: number): string {
  return `${+(ratio * 100).toFixed(4)}%`;
}

/** An alert on a counter's per-second rate above `t`; tested at t+1 and 0 per second. */
export function rateTests(t: number, minutes: number, metric: string, labels: { [key: string]: string },
  expectLabels: { [key: string]: string }): AlertTestCases {
  return {
    fire: [{ description: `${+(t + 1).toFixed(6)}/s is above ${t}/s`, series: [series(metric, labels, growing(60 * (t + 1), minutes))], expected: [{ labels: expectLabels, value: t + 1 }] }],
    quiet: [{ description: 'no increase', series: [series(metric, labels, constant(7, minutes))], expected: [] }],
  };
}

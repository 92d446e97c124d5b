/**
 * Orders strings by Unicode code point, the same on every machine: unlike `localeCompare`,
 * the result does not depend on `LANG` (in Danish `aa` sorts after `z`), so synthesized
 * output does not change with the locale of the machine that builds it.
 */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

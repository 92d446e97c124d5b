/**
 * The small part of Prometheus's alert templating (Go text/template plus Prometheus's
 * functions) that the alert annotations use, reimplemented so that the generated promtool
 * tests can state the exact annotations an alert must carry. promtool then checks this
 * rendering against Prometheus's own.
 */

/**
 * Go's `%.4g`: four significant digits (rounded half to even on the exact binary value, as Go
 * does), trailing zeros dropped, exponent form outside 1e-4..1e4.
 */
export function goG4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const precision = 4;
  // 100 significant digits: the exact decimal value of the double for all practical purposes.
  const [mant, expText] = Math.abs(v).toExponential(99).split('e');
  const all = mant.replace('.', '');
  let exp = Number(expText);
  let digits = all.slice(0, precision).split('').map(Number);
  const rest = all.slice(precision);
  const half = '5'.padEnd(rest.length, '0');
  const up = rest > half || (rest === half && digits[precision - 1] % 2 === 1);
  if (up) {
    let i = precision - 1;
    while (i >= 0 && digits[i] === 9) {
      digits[i] = 0;
      i--;
    }
    if (i < 0) {
      digits = [1, ...digits.slice(0, precision - 1)];
      exp++;
    } else {
      digits[i]++;
    }
  }
  const sign = v < 0 ? '-' : '';
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${strip(`${digits[0]}.${digits.slice(1).join('')}`)}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const text = digits.join('');
  if (exp < 0) return `${sign}${strip(`0.${'0'.repeat(-exp - 1)}${text}`)}`;
  return `${sign}${strip(`${text.slice(0, exp + 1)}.${text.slice(exp + 1)}`)}`;
}

/** Go's `%v` of a float64 (strconv 'g', shortest). */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = v.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${Math.abs(n) < 10 ? '0' : ''}${Math.abs(n)}`;
  }
  return String(v);
}

/** Prometheus's `humanize`: SI prefixes, four significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goG4(v)}${prefix}`;
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}`;
}

/** Prometheus's `humanizePercentage`: the ratio times 100, four significant digits, and `%`. */
export function humanizePercentage(v: number): string {
  return `${goG4(v * 100)}%`;
}

/** Prometheus's `humanizeDuration` of seconds. */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goG4(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const a = Math.abs(v);
    const seconds = Math.trunc(a) % 60;
    const minutes = Math.trunc(a / 60) % 60;
    const hours = Math.trunc(a / 3600) % 24;
    const days = Math.trunc(a / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goG4(a)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}

const FUNCTIONS: { [name: string]: (v: number) => string } = {
  humanize,
  humanizePercentage,
  humanizeDuration,
};

/**
 * Renders an annotation template with the alert's labels and value. Supports
 * `{{ $labels.NAME }}`, `{{ $value }}` and `{{ $value | FN }}` with FN one of humanize,
 * humanizePercentage, humanizeDuration. Anything else is refused, so a template this renderer
 * cannot check never reaches a rule.
 */
export function renderTemplate(template: string, labels: { [key: string]: string }, value: number): string {
  return template.replace(/\{\{(.*?)\}\}/g, (_m, inner: string) => {
    const expr = inner.trim();
    let m = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(expr);
    if (m) return labels[m[1]] ?? '';
    if (expr === '$value') return goFloat(value);
    m = /^\$value \| ([a-zA-Z]+)$/.exec(expr);
    if (m && FUNCTIONS[m[1]]) return FUNCTIONS[m[1]](value);
    throw new Error(`unsupported template action '{{${inner}}}'`);
  });
}

/** The template actions a template uses that renderTemplate cannot render, if any. */
export function unsupportedActions(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(/\{\{(.*?)\}\}/g)) {
    try {
      renderTemplate(m[0], {}, 0);
    } catch {
      out.push(m[0]);
    }
  }
  if (/\{\{(?![^]*?\}\})/.test(template.replace(/\{\{.*?\}\}/g, ''))) out.push('an unclosed {{');
  return out;
}

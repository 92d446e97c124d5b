import { parser } from '@prometheus-io/lezer-promql';
import { suggestion } from './catalog';
import { KnownMetrics } from './known';

/**
 * PromQL checked with Prometheus's own grammar (the lezer grammar the Prometheus UI uses), plus
 * the type rules the grammar leaves to the server that bite most often, and helpers that write
 * the patterns that are easy to get wrong.
 */

/** One problem in an expression: where and why. */
export interface PromQLProblem {
  /** 0-based offset into the expression. */
  readonly offset: number;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

/** A metric name an expression selects, and where. */
export interface SelectedMetric {
  readonly name: string;
  readonly offset: number;
}

/** What parsing found. */
export interface ParsedPromQL {
  readonly problems: PromQLProblem[];
  readonly metrics: SelectedMetric[];
}

/** Functions whose (first) argument must be a range vector. */
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear', 'resets', 'changes',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'quantile_over_time',
  'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time', 'absent_over_time',
  'holt_winters', 'double_exponential_smoothing', 'mad_over_time',
]);
/** Functions whose argument must be an instant vector (a range vector there is a type error). */
const INSTANT_FUNCTIONS = new Set(['abs', 'absent', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max',
  'exp', 'ln', 'log2', 'log10', 'sqrt', 'sort', 'sort_desc', 'label_replace', 'label_join', 'timestamp', 'vector']);

/**
 * Every other name that may stand before '(' (Prometheus 3.x promql/parser/functions.go and the
 * aggregation and binary-operator keywords), for naming an unknown function as one.
 */
const OTHER_CALLABLES = [
  'histogram_quantile', 'histogram_count', 'histogram_sum', 'histogram_fraction', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar',
  'scalar', 'time', 'minute', 'hour', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'month', 'year', 'sgn',
  'acos', 'asin', 'atan', 'acosh', 'asinh', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad', 'pi',
  'sort_by_label', 'sort_by_label_desc', 'info', 'label_join', 'ts_of_max_over_time', 'ts_of_min_over_time', 'ts_of_last_over_time',
  'first_over_time', 'histogram_quantiles',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'atan2', 'offset',
];
const FUNCTION_NAMES = [...RANGE_FUNCTIONS, ...INSTANT_FUNCTIONS, ...OTHER_CALLABLES.slice(0, OTHER_CALLABLES.indexOf('by'))];
const CALLABLES = new Set([...RANGE_FUNCTIONS, ...INSTANT_FUNCTIONS, ...OTHER_CALLABLES]);

/** Calls of names that are no PromQL function (`rat(x[5m])`), which the grammar reports only as a syntax error. */
function unknownFunctions(expr: string): PromQLProblem[] {
  // String literals blanked out, so that a '(' in a label value is not a call.
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (m) => ' '.repeat(m.length));
  const out: PromQLProblem[] = [];
  for (const m of masked.matchAll(/(?<![A-Za-z0-9_:.])([A-Za-z_][A-Za-z0-9_:]*)\s*\(/g)) {
    if (!CALLABLES.has(m[1])) out.push(problem(expr, m.index!, `unknown function '${m[1]}'${suggestion(m[1], FUNCTION_NAMES)}`));
  }
  return out;
}

const EXPRESSION_NODES = new Set(['MatrixSelector', 'SubqueryExpr', 'VectorSelector', 'FunctionCall', 'AggregateExpr',
  'BinaryExpr', 'ParenExpr', 'NumberDurationLiteral', 'StringLiteral', 'UnaryExpr', 'OffsetExpr', 'StepInvariantExpr']);

function position(expr: string, offset: number): { line: number; column: number } {
  const before = expr.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function problem(expr: string, offset: number, reason: string): PromQLProblem {
  return { offset, ...position(expr, offset), reason };
}

function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal);
  } catch {
    return literal.slice(1, -1);
  }
}

/** Parses done, by expression, so that each distinct expression is parsed once per process. */
const PARSED = new Map<string, ParsedPromQL>();
/** Beyond this many distinct expressions the memo starts again (fleet-sized apps, bounded memory). */
const PARSED_LIMIT = 50_000;
let grammarRuns = 0;

/** How many times the grammar has run in this process (the memo's misses), for the tests. */
export function promqlGrammarRuns(): number {
  return grammarRuns;
}

/**
 * Parses an expression: syntax errors (with position), type errors in range/instant function
 * arguments, histogram quantiles that aggregate `le` away, and the metric names selected.
 * Alerts, recording rules and dashboards ask for the same expressions; each distinct one is
 * parsed once per process and the frozen result shared.
 */
export function parsePromQL(expr: string): ParsedPromQL {
  const known = PARSED.get(expr);
  if (known) return known;
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  grammarRuns++;
  const parsed = parseUncached(expr);
  const frozen: ParsedPromQL = Object.freeze({
    problems: Object.freeze(parsed.problems.map((p) => Object.freeze(p))) as PromQLProblem[],
    metrics: Object.freeze(parsed.metrics.map((m) => Object.freeze(m))) as SelectedMetric[],
  });
  PARSED.set(expr, frozen);
  return frozen;
}

function parseUncached(expr: string): ParsedPromQL {
  const problems: PromQLProblem[] = [];
  const metrics: SelectedMetric[] = [];
  if (expr.trim() === '') {
    return { problems: [problem(expr, 0, 'the expression is empty')], metrics };
  }
  // The grammar would say "unexpected '('" and take the name for a metric.
  const unknown = unknownFunctions(expr);
  if (unknown.length > 0) return { problems: unknown, metrics };
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        if (problems.length === 0) {
          const at = ref.from;
          const rest = expr.slice(at).trim();
          const reason = rest === ''
            ? `unexpected end of expression after '${expr.slice(Math.max(0, at - 20), at).trimStart()}'`
            : `unexpected '${rest.slice(0, Math.max(1, ref.to - ref.from)).slice(0, 20)}'`;
          problems.push(problem(expr, at, `syntax error: ${reason}`));
        }
        return;
      }
      switch (ref.name) {
        case 'VectorSelector': {
          const node = ref.node;
          const id = node.getChild('Identifier');
          if (id) {
            metrics.push({ name: expr.slice(id.from, id.to), offset: id.from });
          }
          for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
            const label = m.getChild('LabelName');
            const op = m.getChild('MatchOp');
            const value = m.getChild('StringLiteral');
            if (label && value && expr.slice(label.from, label.to) === '__name__' && op && expr.slice(op.from, op.to) === '=') {
              metrics.push({ name: unquote(expr.slice(value.from, value.to)), offset: value.from });
            }
          }
          for (const q of node.getChild('LabelMatchers')?.getChildren('QuotedLabelName') ?? []) {
            // {"metric_name"} form (Prometheus 3 quoted names).
            const lit = q.getChild('StringLiteral');
            if (lit) metrics.push({ name: unquote(expr.slice(lit.from, lit.to)), offset: lit.from });
          }
          return;
        }
        case 'FunctionCall': {
          const node = ref.node;
          const fnNode = node.getChild('FunctionIdentifier');
          const body = node.getChild('FunctionCallBody');
          if (!fnNode || !body) return;
          const fn = expr.slice(fnNode.from, fnNode.to);
          const args: Array<{ name: string; from: number; to: number }> = [];
          for (let c = body.firstChild; c; c = c.nextSibling) {
            if (EXPRESSION_NODES.has(c.name)) args.push({ name: c.name, from: c.from, to: c.to });
          }
          const rangeArg = fn === 'predict_linear' || fn === 'holt_winters' || fn === 'double_exponential_smoothing' || fn === 'quantile_over_time'
            ? (fn === 'quantile_over_time' ? args[1] : args[0])
            : args[0];
          if (RANGE_FUNCTIONS.has(fn) && rangeArg && rangeArg.name !== 'MatrixSelector' && rangeArg.name !== 'SubqueryExpr') {
            problems.push(problem(expr, rangeArg.from,
              `${fn}() needs a range vector such as x[5m], got '${expr.slice(rangeArg.from, rangeArg.to)}'`));
          }
          if (INSTANT_FUNCTIONS.has(fn) && args[0] && args[0].name === 'MatrixSelector') {
            problems.push(problem(expr, args[0].from, `${fn}() needs an instant vector, got the range vector '${expr.slice(args[0].from, args[0].to)}'`));
          }
          if (fn === 'histogram_quantile' && args[1]) {
            checkQuantileAggregation(expr, node.getChild('FunctionCallBody')!, args[1], problems);
          }
          return;
        }
        default:
          return;
      }
    },
  });
  return { problems, metrics };
}

/** histogram_quantile over an aggregation must keep the `le` label. */
function checkQuantileAggregation(expr: string, body: any, arg: { name: string; from: number; to: number }, problems: PromQLProblem[]): void {
  if (arg.name !== 'AggregateExpr') return;
  let agg: any;
  for (let c = body.firstChild; c; c = c.nextSibling) {
    if (c.from === arg.from && c.to === arg.to) agg = c;
  }
  const modifier = agg?.getChild('AggregateModifier');
  const labels: string[] = (modifier?.getChild('GroupingLabels')?.getChildren('LabelName') ?? [])
    .map((l: any) => expr.slice(l.from, l.to));
  const isBy = modifier?.getChild('By') !== null && modifier?.getChild('By') !== undefined;
  const isWithout = modifier?.getChild('Without') !== null && modifier?.getChild('Without') !== undefined;
  if ((!modifier || (isBy && !labels.includes('le')) || (isWithout && labels.includes('le')))) {
    problems.push(problem(expr, arg.from, "histogram_quantile() over an aggregation must keep 'le': aggregate with sum by (le, ...)"));
  }
}

/**
 * All problems of an expression: syntax and type problems, then every selected metric name
 * that `known` does not contain (with the nearest known name as a suggestion).
 */
export function promqlProblems(expr: string, known: KnownMetrics): PromQLProblem[] {
  const parsed = parsePromQL(expr);
  const out = [...parsed.problems];
  for (const m of parsed.metrics) {
    if (!known.has(m.name)) {
      out.push(problem(expr, m.offset, `unknown metric '${m.name}'${suggestion(m.name, known.all())}`));
    }
  }
  return out;
}

/** The metric names an expression selects, sorted and without repeats. */
export function selectedMetrics(expr: string): string[] {
  return [...new Set(parsePromQL(expr).metrics.map((m) => m.name))].sort();
}

/**
 * A problem as one line: `line 1, column 18: syntax error: ...`. Single-line expressions omit
 * the line.
 */
export function describeProblem(expr: string, p: PromQLProblem): string {
  const where = expr.includes('\n') ? `line ${p.line}, column ${p.column}` : `column ${p.column}`;
  return `${where}: ${p.reason}`;
}

// ---- helpers that write the easy-to-get-wrong patterns ----

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const GRAFANA_RATE_INTERVAL = '$__rate_interval';

/** Quotes a label value for a matcher. */
export function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

/**
 * A vector selector: `name{a="x",b=~"y"}`. Matchers are given as written (`a="x"`), so Grafana
 * variables (`pod=~"$pod"`) pass through.
 */
export function selector(metric: string, matchers: readonly string[] = []): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

/** `rate(name{...}[window])`. */
export function rate(metric: string, window: string, matchers: readonly string[] = []): string {
  return `rate(${selector(metric, matchers)}[${window}])`;
}

/** `increase(name{...}[window])`. */
export function increase(metric: string, window: string, matchers: readonly string[] = []): string {
  return `increase(${selector(metric, matchers)}[${window}])`;
}

/** `sum by (a, b) (expr)`, or `sum(expr)` with no labels. */
export function sumBy(by: readonly string[], expr: string): string {
  return by.length === 0 ? `sum(${expr})` : `sum by (${by.join(', ')}) (${expr})`;
}

/**
 * `histogram_quantile(q, sum by (le, ...) (rate(x_bucket{...}[window])))`: the one right way
 * to take a quantile of a Prometheus histogram across series.
 */
export function histogramQuantile(
  q: number, bucketMetric: string, window: string, by: readonly string[] = [], matchers: readonly string[] = [],
): string {
  if (!(q > 0 && q < 1)) throw new Error(`quantile ${q} must be between 0 and 1`);
  if (!bucketMetric.endsWith('_bucket')) throw new Error(`histogramQuantile needs a _bucket series, got ${bucketMetric}`);
  const grouping = ['le', ...by.filter((l) => l !== 'le')];
  return `histogram_quantile(${q}, ${sumBy(grouping, rate(bucketMetric, window, matchers))})`;
}

/**
 * A ratio of two counters' rates, e.g. errored / received packets:
 * `sum by (...) (rate(errors[w])) / sum by (...) (rate(total[w]))`. Where nothing was received
 * the ratio is NaN (0/0), never shown as 0, and `NaN > threshold` is false, so an alert stays quiet.
 */
export function ratio(numerator: string, denominator: string, window: string, by: readonly string[] = [], matchers: readonly string[] = []): string {
  return `${sumBy(by, rate(numerator, window, matchers))} / ${sumBy(by, rate(denominator, window, matchers))}`;
}

export { suggestion };

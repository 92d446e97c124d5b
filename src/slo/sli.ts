/**
 * Service level indicators: what fraction of events went wrong, as two PromQL queries over a
 * window (`{{.window}}`, Sloth's placeholder), built by static factories.
 */

/** The placeholder a ratio SLI's queries take the window by (Sloth's `{{.window}}`). */
export const WINDOW_PLACEHOLDER = '{{.window}}';

/** Properties of a ratio SLI. */
export interface RatioSliProps {
  /**
   * The rate of bad events over `{{.window}}`, e.g.
   * `sum(rate(requests_total{code=~"5.."}[{{.window}}]))`.
   */
  readonly errorQuery: string;
  /** The rate of all events over `{{.window}}`, e.g. `sum(rate(requests_total[{{.window}}]))`. */
  readonly totalQuery: string;
}

/** Properties of a latency SLI: the events slower than a threshold are the bad ones. */
export interface LatencySliProps {
  /**
   * The histogram family (without `_bucket`), in seconds (`..._seconds`) or milliseconds
   * (`..._ms`, `..._milliseconds`): the unit of its `le` bounds.
   */
  readonly histogram: string;
  /** The threshold as a Prometheus duration (`250ms`, `1s`); it must be one of the histogram's bucket bounds. */
  readonly threshold: string;
  /**
   * Label values the histogram's series are selected by (equality matchers).
   *
   * @default - every series of the family
   */
  readonly selector?: { [label: string]: string };
}

/** A counter series the generated tests can write: the metric and the labels selected. */
export interface SliTestSeries {
  readonly metric: string;
  readonly labels: { [key: string]: string };
}

/**
 * How the promtool tests feed an SLI: the series counting all events, and the ones counting the
 * bad events (their sum) or the one counting the good ones.
 */
export interface SliTestShape {
  readonly total: SliTestSeries;
  readonly errors?: SliTestSeries[];
  readonly good?: SliTestSeries;
}

/** What an SLI is, for validation and rendering. */
export interface SliModel {
  readonly errorQuery: string;
  readonly totalQuery: string;
  /** Where the latency SLI's threshold came from (for validation). */
  readonly latency?: { readonly histogram: string; readonly threshold: string; readonly unit?: 'seconds' | 'milliseconds' };
  /** How tests feed it, when the queries have a shape the generator knows. */
  readonly testShape?: SliTestShape;
}

/** A service level indicator. */
export class Sli {
  /**
   * The ratio of two queries: bad events over all events, each a rate over `{{.window}}`.
   * The recording rules divide them as Sloth does, `(errorQuery) / (totalQuery)`.
   */
  public static fromRatio(props: RatioSliProps): Sli {
    return new Sli({
      errorQuery: props.errorQuery,
      totalQuery: props.totalQuery,
      testShape: ratioShape(props.errorQuery, props.totalQuery),
    });
  }

  /**
   * The fraction of a histogram's observations above `threshold`: all observations
   * (`_count`) less those in the threshold's bucket (`_bucket{le="threshold"}`), over all.
   * The `le` matcher takes both spellings of a whole bound (`128` and Prometheus 3's `128.0`).
   */
  public static fromLatency(props: LatencySliProps): Sli {
    const unit = props.histogram.endsWith('_seconds') ? 'seconds' as const
      : (props.histogram.endsWith('_ms') || props.histogram.endsWith('_milliseconds') ? 'milliseconds' as const : undefined);
    const labels = { ...(props.selector ?? {}) };
    const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    const le = leBound(props.threshold, unit);
    const sel = (extra: string[]) => {
      const all = [...matchers, ...extra];
      return all.length === 0 ? '' : `{${all.join(', ')}}`;
    };
    const count = `sum(rate(${props.histogram}_count${sel([])}[${WINDOW_PLACEHOLDER}]))`;
    const good = `sum(rate(${props.histogram}_bucket${sel([`le=~${JSON.stringify(leRegex(le))}`])}[${WINDOW_PLACEHOLDER}]))`;
    return new Sli({
      errorQuery: `${count} - ${good}`,
      totalQuery: count,
      latency: { histogram: props.histogram, threshold: props.threshold, unit },
      testShape: le === undefined ? undefined : {
        total: { metric: `${props.histogram}_count`, labels },
        good: { metric: `${props.histogram}_bucket`, labels: { ...labels, le } },
      },
    });
  }

  private readonly model: SliModel;

  private constructor(model: SliModel) {
    this.model = model;
  }

  /** The query of the bad events' rate (with `{{.window}}`). */
  public get errorQuery(): string {
    return this.model.errorQuery;
  }

  /** The query of all events' rate (with `{{.window}}`). */
  public get totalQuery(): string {
    return this.model.totalQuery;
  }

  /** @internal */
  public _model(): SliModel {
    return this.model;
  }
}

/** The threshold in the histogram's unit as its `le` label writes it (`128`, `0.25`), or undefined if not a duration. */
export function leBound(threshold: string, unit: 'seconds' | 'milliseconds' | undefined): string | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(threshold);
  if (!m || threshold === '' || unit === undefined) return undefined;
  const ms = (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
  return String(unit === 'seconds' ? ms / 1000 : ms);
}

/** A whole bound matches `128` and `128.0` (Prometheus 3 writes classic bounds as floats). */
function leRegex(le: string | undefined): string {
  if (le === undefined) return '';
  const escaped = le.replace(/\./g, '\\.');
  return le.includes('.') ? escaped : `${escaped}(\\.0)?`;
}

const TERM = /^sum\(rate\(([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\[\{\{\.window\}\}\]\)\)$/;

/** `sum(rate(m{a="x"}[{{.window}}]))` as a series with equality labels, or undefined. */
function term(text: string): SliTestSeries | undefined {
  const m = TERM.exec(text.trim());
  if (!m) return undefined;
  const labels: { [key: string]: string } = {};
  if (m[2] !== undefined && m[2].trim() !== '') {
    for (const part of m[2].split(',')) {
      const eq = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
      if (!eq) return undefined;
      labels[eq[1]] = JSON.parse(`"${eq[2]}"`);
    }
  }
  return { metric: m[1], labels };
}

/**
 * The shapes of ratio queries the generated tests can feed: `E / T` with T one counter's summed
 * rate and E one or the sum of several (`E1 + E2`, the kinds of failure counted apart), or
 * `(T - G) / T` (bad events as all less the good).
 */
function ratioShape(errorQuery: string, totalQuery: string): SliTestShape | undefined {
  const total = term(totalQuery);
  if (!total) return undefined;
  const errors = errorQuery.split(' + ').map(term);
  if (errors.every((e): e is SliTestSeries => e !== undefined)) return { total, errors };
  const minus = errorQuery.indexOf(' - ');
  if (minus < 0) return undefined;
  const first = term(errorQuery.slice(0, minus));
  const good = term(errorQuery.slice(minus + 3));
  if (!first || !good || first.metric !== total.metric || JSON.stringify(first.labels) !== JSON.stringify(total.labels)) return undefined;
  return { total, good };
}

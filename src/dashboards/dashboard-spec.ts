/** Grafana lays panels out on a grid 24 columns wide (gridPos.w and x count in columns). */
export const GRID_COLUMNS = 24;

/**
 * A jsii-friendly description of a Prometheus dashboard: rows of panels with PromQL queries.
 * The library's own dashboards are written in it, and users add theirs the same way; the
 * renderer turns it into Grafana's JSON model (with the Grafana foundation SDK, kept out of the
 * public API) and the checks hold it to the dashboard-linter rules.
 */

/** The kinds of panel a spec can ask for. */
export enum PanelKind {
  /** Lines over time. */
  TIMESERIES = 'timeseries',
  /** One big number, coloured by thresholds. */
  STAT = 'stat',
  /** A gauge, coloured by thresholds. */
  GAUGE = 'gauge',
  /** A table of the queries' latest values. */
  TABLE = 'table',
  /** Horizontal bars, one per series. */
  BAR_GAUGE = 'bargauge',
  /** A histogram's buckets over time as colour: give one query summing `rate(<family>_bucket[...])` by `le`. */
  HEATMAP = 'heatmap',
}

/** One PromQL query of a panel. */
export interface PanelQuerySpec {
  /**
   * The PromQL expression. Use `$__rate_interval` as the window of `rate()` and `increase()`,
   * and filter on the dashboard's variables (`$cluster`, `$namespace`, `$pod`).
   */
  readonly expr: string;
  /**
   * Legend format, e.g. `{{pod}}`.
   *
   * @default '__auto'
   */
  readonly legend?: string;
  /**
   * Evaluate only at the end of the time range (for stat, gauge and table panels).
   *
   * @default - true for stat, gauge, table and bar gauge panels, false for time series
   */
  readonly instant?: boolean;
}

/** A threshold step: from `value` up, use `color`. */
export interface ThresholdStepSpec {
  /**
   * Where the step starts.
   *
   * @default - the base step (from minus infinity)
   */
  readonly value?: number;
  /** A Grafana colour name or hex code: 'green', 'yellow', 'red', '#73BF69'. */
  readonly color: string;
}

/** One panel. */
export interface PanelSpec {
  /** The panel's title. */
  readonly title: string;
  /** What it shows and how to read it. */
  readonly description: string;
  /** A Grafana unit id: 'short', 'percent', 'percentunit', 'ms', 's', 'bytes', 'Bps', 'reqps', 'pps'... */
  readonly unit: string;
  /**
   * The kind of panel.
   *
   * @default PanelKind.TIMESERIES
   */
  readonly kind?: PanelKind;
  /** The queries (at least one). */
  readonly queries: PanelQuerySpec[];
  /**
   * Width in grid columns (1 to 24).
   *
   * @default 8
   */
  readonly width?: number;
  /**
   * Height in grid units.
   *
   * @default 8 (4 for stat panels)
   */
  readonly height?: number;
  /**
   * Colour thresholds, base step first.
   *
   * @default - green base only
   */
  readonly thresholds?: ThresholdStepSpec[];
  /**
   * Draw the thresholds as lines on a time series.
   *
   * @default false
   */
  readonly thresholdLines?: boolean;
  /**
   * Lowest value of the axis or gauge.
   *
   * @default - automatic
   */
  readonly min?: number;
  /**
   * Highest value of the axis or gauge.
   *
   * @default - automatic
   */
  readonly max?: number;
  /**
   * Stack the series of a time series.
   *
   * @default false
   */
  readonly stacked?: boolean;
}

/** A row of panels under a title. */
export interface DashboardRowSpec {
  /** The row's title. */
  readonly title: string;
  /** The panels, laid out left to right and wrapped at 24 columns. */
  readonly panels: PanelSpec[];
}

/** A Prometheus dashboard. */
export interface DashboardSpec {
  /** Stable uid, 8 to 40 letters, digits, '-' and '_'. */
  readonly uid: string;
  /** The title. */
  readonly title: string;
  /**
   * What the dashboard is for.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Tags; `robustmq` is always added so the dashboards link to each other.
   *
   * @default ['robustmq']
   */
  readonly tags?: string[];
  /** The rows. */
  readonly rows: DashboardRowSpec[];
}

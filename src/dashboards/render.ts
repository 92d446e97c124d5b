import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugeBuilder } from '@grafana/grafana-foundation-sdk/gauge';
import { HeatmapColorMode, PanelBuilder as HeatmapBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder as PrometheusQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DashboardSpec, GRID_COLUMNS, PanelKind, PanelSpec } from './dashboard-spec';
import { DASHBOARD_VARIABLES } from './uids';

/**
 * Renders dashboard specs to Grafana's JSON model with the Grafana foundation SDK. The SDK's
 * types never leave this module.
 */

/** The tag every dashboard of this library carries; the dashboards link to each other by it. */
export const DASHBOARD_TAG = 'robustmq';

/** What the rendering needs besides the spec. */
export interface RenderContext {
  /** The label that carries the RobustMQ cluster name. */
  readonly clusterLabel: string;
  /** A metric every RobustMQ pod exports, whose labels feed the template variables. */
  readonly anchorMetric: string;
}

/** The datasource reference every Prometheus panel and target uses. */
export function datasourceRef(type: string): { type: string; uid: string } {
  return { type, uid: `\${${DASHBOARD_VARIABLES.datasource}}` };
}

/** The matchers every RobustMQ query filters by: `cluster=~"$cluster", namespace=~"$namespace", pod=~"$pod"`. */
export function variableMatchers(clusterLabel: string): string[] {
  return [
    `${clusterLabel}=~"$${DASHBOARD_VARIABLES.cluster}"`,
    `namespace=~"$${DASHBOARD_VARIABLES.namespace}"`,
    `pod=~"$${DASHBOARD_VARIABLES.pod}"`,
  ];
}

/** The datasource, cluster, namespace and pod variables of a Prometheus dashboard. */
export function prometheusVariables(ctx: RenderContext): dashboard.VariableModel[] {
  const ds = datasourceRef('prometheus');
  const cl = ctx.clusterLabel;
  const query = (name: string, label: string, q: string) => new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(ds)
    .query(q)
    .definition(q)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' })
    .build();
  return [
    new dashboard.DatasourceVariableBuilder(DASHBOARD_VARIABLES.datasource).label('Prometheus').type('prometheus').build(),
    query(DASHBOARD_VARIABLES.cluster, 'Cluster', `label_values(${ctx.anchorMetric}, ${cl})`),
    query(DASHBOARD_VARIABLES.namespace, 'Namespace', `label_values(${ctx.anchorMetric}{${cl}=~"$cluster"}, namespace)`),
    query(DASHBOARD_VARIABLES.pod, 'Pod', `label_values(${ctx.anchorMetric}{${cl}=~"$cluster", namespace=~"$namespace"}, pod)`),
  ];
}

/** The links between the library's dashboards (by tag), keeping time range and variables. */
export function dashboardLinks(): dashboard.DashboardLinkBuilder[] {
  return [new dashboard.DashboardLinkBuilder('RobustMQ dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([DASHBOARD_TAG])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true)];
}

/** Lays panels out on the 24-column grid: left to right, wrapping, each row under its title. */
export class GridLayout {
  private y = 0;
  private x = 0;
  private rowHeight = 0;

  /** A full-width row header. */
  public row(): dashboard.GridPos {
    this.newLine();
    const pos = { x: 0, y: this.y, w: GRID_COLUMNS, h: 1 };
    this.y += 1;
    return pos;
  }

  /** The next place for a panel of this size. */
  public panel(w: number, h: number): dashboard.GridPos {
    if (this.x + w > GRID_COLUMNS) this.newLine();
    const pos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return pos;
  }

  private newLine(): void {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

/** Wraps a plain model object for SDK methods that take builders. */
function built<T>(value: T): { build: () => T } {
  return { build: () => value };
}

const LAST_VALUE = built({ calcs: ['lastNotNull'], values: false, fields: '' });

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfig {
  const steps = (spec.thresholds ?? [{ color: 'green' }]).map((s) => ({ value: (s.value ?? null) as number, color: s.color }));
  return { mode: dashboard.ThresholdsMode.Absolute, steps };
}

/** The builder methods every panel kind shares. */
interface PanelBuilderLike<B> {
  title(t: string): B;
  description(d: string): B;
  unit(u: string): B;
  datasource(d: any): B;
  id(n: number): B;
  gridPos(g: dashboard.GridPos): B;
  thresholds(t: any): B;
  withTarget(t: any): B;
}

/** One panel of a spec, with its position and id. */
export function renderPanel(spec: PanelSpec, id: number, pos: dashboard.GridPos): dashboard.Panel {
  const ds = datasourceRef('prometheus');
  const kind = spec.kind ?? PanelKind.TIMESERIES;
  const instantDefault = kind !== PanelKind.TIMESERIES && kind !== PanelKind.HEATMAP;
  const targets = spec.queries.map((q, i) => {
    const t = new PrometheusQuery()
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto')
      .refId(String.fromCharCode(65 + i))
      .datasource(ds);
    // A heatmap reads the buckets as Prometheus's heatmap format: le-sorted, de-cumulated.
    if (kind === PanelKind.HEATMAP) t.format(PromQueryFormat.Heatmap);
    return (q.instant ?? instantDefault) ? t.instant() : t.range();
  });
  const common = <B extends PanelBuilderLike<B>>(b: B): B => {
    let out = b.title(spec.title).description(spec.description).unit(spec.unit)
      .datasource(ds).id(id).gridPos(pos).thresholds(built(thresholds(spec)));
    for (const t of targets) out = out.withTarget(t);
    return out;
  };
  switch (kind) {
    case PanelKind.STAT: {
      let b = common(new StatBuilder()).reduceOptions(LAST_VALUE as any);
      if (spec.min !== undefined) b = b.min(spec.min);
      if (spec.max !== undefined) b = b.max(spec.max);
      return b.build();
    }
    case PanelKind.GAUGE: {
      let b = common(new GaugeBuilder()).reduceOptions(LAST_VALUE as any);
      if (spec.min !== undefined) b = b.min(spec.min);
      if (spec.max !== undefined) b = b.max(spec.max);
      return b.build();
    }
    case PanelKind.BAR_GAUGE: {
      let b = common(new BarGaugeBuilder()).reduceOptions(LAST_VALUE as any);
      if (spec.min !== undefined) b = b.min(spec.min);
      if (spec.max !== undefined) b = b.max(spec.max);
      return b.build();
    }
    case PanelKind.TABLE:
      return common(new TableBuilder()).build();
    case PanelKind.HEATMAP:
      // The buckets come precomputed (calculate false); the y axis carries the unit.
      return common(new HeatmapBuilder()).calculate(false)
        .yAxis(built({ unit: spec.unit }) as any)
        .color(built({ mode: HeatmapColorMode.Scheme, scheme: 'Oranges', fill: 'dark-orange', exponent: 0.5, steps: 64, reverse: false }) as any)
        .build();
    case PanelKind.TIMESERIES:
    default: {
      let b = common(new TimeseriesBuilder()).fillOpacity(10).lineWidth(1)
        .legend(built({ displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] }) as any)
        .tooltip(built({ mode: 'multi', sort: 'desc' }) as any);
      if (spec.thresholdLines) b = b.thresholdsStyle(built({ mode: 'line' }) as any);
      if (spec.stacked) b = b.stacking(built({ mode: 'normal', group: 'A' }) as any);
      if (spec.min !== undefined) b = b.min(spec.min);
      if (spec.max !== undefined) b = b.max(spec.max);
      return b.build();
    }
  }
}

/** A Prometheus dashboard spec as Grafana JSON. */
export function renderDashboard(spec: DashboardSpec, ctx: RenderContext): Record<string, any> {
  const tags = [...new Set([DASHBOARD_TAG, ...(spec.tags ?? [])])];
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .tags(tags)
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .links(dashboardLinks());
  if (spec.description) builder.description(spec.description);
  for (const v of prometheusVariables(ctx)) builder.withVariable(built(v));
  const layout = new GridLayout();
  const panels: dashboard.Panel[] = [];
  const rows: dashboard.RowPanel[] = [];
  let id = 1;
  const out: Array<dashboard.Panel | dashboard.RowPanel> = [];
  for (const row of spec.rows) {
    const r = new dashboard.RowBuilder(row.title).id(id++).gridPos(layout.row()).collapsed(false).build();
    rows.push(r);
    out.push(r);
    for (const p of row.panels) {
      const w = p.width ?? 8;
      const h = p.height ?? ((p.kind ?? PanelKind.TIMESERIES) === PanelKind.STAT ? 4 : 8);
      const panel = renderPanel(p, id++, layout.panel(w, h));
      panels.push(panel);
      out.push(panel);
    }
  }
  const json: Record<string, any> = JSON.parse(JSON.stringify(builder.build()));
  json.panels = JSON.parse(JSON.stringify(out));
  return json;
}

import { GRID_COLUMNS } from './dashboard-spec';
import { DECLARED_METRICS, KnownMetrics } from '../metrics/known';
import { describeProblem, parsePromQL, promqlProblems } from '../metrics/promql';
import { PROBE_SAMPLE_NAMES } from '../probe/facts';

/**
 * The dashboard-linter rules, checked in-process on Grafana's JSON model, for the library's
 * dashboards and for users' alike. Each problem names the panel and the rule.
 */

const UID = /^[a-zA-Z0-9_-]{8,40}$/;
/** Panel types that show no data and so take no unit. */
const UNITLESS_TYPES = ['row', 'text', 'news', 'dashlist'];
/** Panel types that query no datasource: no datasource reference, no targets. */
const QUERYLESS_TYPES = ['row', 'text', 'dashlist'];
const VARIABLE_REF = /^\$\{?([A-Za-z0-9_]+)(?::[a-z]+)?\}?$/;

/** Grafana's variables substituted by plausible values, so an expression can be parsed. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{__(rate_interval|interval|range)\}/g, '5m')
    .replace(/\$__range_s\b/g, '300')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?/g, 'x');
}

/** What lintDashboard checks a dashboard against. */
export interface LintOptions {
  /** Metric names Prometheus queries may select. */
  readonly known: KnownMetrics;
}

function variableName(uid: unknown): string | undefined {
  if (typeof uid !== 'string') return undefined;
  return VARIABLE_REF.exec(uid)?.[1];
}

/** Every panel, rows' nested panels included. */
export function allPanels(json: any): any[] {
  const out: any[] = [];
  for (const p of json.panels ?? []) {
    out.push(p);
    for (const nested of p.panels ?? []) out.push(nested);
  }
  return out;
}

/**
 * Problems of one dashboard's JSON: uid, the single datasource variable and its use by every
 * panel and target (no hard-coded datasource uid), unique panel ids, the 24-column grid without
 * overlaps, title/description/unit on every panel, `$__rate_interval` in rates, and PromQL that
 * parses and selects known metrics while filtering on the query variables.
 */
export function lintDashboard(json: any, options: LintOptions): string[] {
  const problems: string[] = [];
  const uid = json?.uid;
  if (typeof uid !== 'string' || !UID.test(uid)) {
    problems.push(`uid '${uid}' must be 8 to 40 letters, digits, '-' and '_'`);
  }
  if (typeof json?.title !== 'string' || json.title.trim() === '') problems.push('the dashboard must have a title');

  const variables: any[] = json?.templating?.list ?? [];
  const datasourceVars = variables.filter((v) => v.type === 'datasource');
  const queries = allPanels(json).some((p) => !QUERYLESS_TYPES.includes(p.type)) || variables.some((v) => v.type === 'query');
  if (datasourceVars.length !== 1 && (queries || datasourceVars.length > 1)) {
    problems.push(`must have exactly one datasource template variable, has ${datasourceVars.length}`);
  }
  const dsVar = datasourceVars[0]?.name;
  const dsType = datasourceVars[0]?.query;
  const queryVars = variables.filter((v) => v.type === 'query' || v.type === 'custom').map((v) => v.name as string);

  const checkRef = (where: string, ref: any) => {
    if (ref === undefined || ref === null) {
      problems.push(`${where} must name the datasource \${${dsVar}}, names none`);
      return;
    }
    const uidValue = typeof ref === 'string' ? ref : ref.uid;
    const name = variableName(uidValue);
    if (name === undefined) {
      problems.push(`${where} uses the hard-coded datasource uid '${uidValue}': use the \${${dsVar}} variable`);
    } else if (name !== dsVar) {
      problems.push(`${where} uses the variable '${name}' as datasource, not the datasource variable '${dsVar}'`);
    }
  };
  for (const v of variables) {
    if (v.type === 'query') checkRef(`variable '${v.name}'`, v.datasource);
  }

  const ids = new Map<number, string>();
  const boxes: Array<{ title: string; x: number; y: number; w: number; h: number }> = [];
  for (const p of allPanels(json)) {
    const title = typeof p.title === 'string' && p.title.trim() !== '' ? p.title : undefined;
    const name = `panel '${title ?? p.id}'`;
    if (!title) problems.push(`panel ${p.id} must have a title`);
    if (typeof p.id !== 'number') {
      problems.push(`${name} must have a numeric id`);
    } else if (ids.has(p.id)) {
      problems.push(`${name} has id ${p.id}, already used by panel '${ids.get(p.id)}'`);
    } else {
      ids.set(p.id, title ?? String(p.id));
    }
    const g = p.gridPos;
    if (!g || ![g.x, g.y, g.w, g.h].every((n) => Number.isInteger(n))) {
      problems.push(`${name} must have a gridPos with whole x, y, w, h`);
    } else {
      if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) {
        problems.push(`${name} gridPos ${JSON.stringify(g)} must lie inside the ${GRID_COLUMNS}-column grid`);
      }
      for (const b of boxes) {
        if (g.x < b.x + b.w && b.x < g.x + g.w && g.y < b.y + b.h && b.y < g.y + g.h) {
          problems.push(`${name} overlaps panel '${b.title}'`);
        }
      }
      boxes.push({ title: title ?? String(p.id), x: g.x, y: g.y, w: g.w, h: g.h });
    }
    if (p.type === 'row') continue;
    if (typeof p.description !== 'string' || p.description.trim() === '') problems.push(`${name} must have a description`);
    if (!UNITLESS_TYPES.includes(p.type) && !p.fieldConfig?.defaults?.unit) problems.push(`${name} must have a unit`);
    if (QUERYLESS_TYPES.includes(p.type)) {
      if (p.targets?.length) problems.push(`${name} is a ${p.type} panel: its queries would never run`);
      continue;
    }
    checkRef(name, p.datasource);
    const targets: any[] = p.targets ?? [];
    if (targets.length === 0) problems.push(`${name} must have at least one query`);
    for (const t of targets) {
      const tname = `${name} query ${t.refId ?? '?'}`;
      checkRef(tname, t.datasource ?? p.datasource);
      if (dsType === 'prometheus' || typeof t.expr === 'string') {
        problems.push(...lintPromQLTarget(tname, t.expr, queryVars, options.known));
      } else if (typeof t.query === 'string') {
        for (const v of queryVars) {
          if (!new RegExp(`\\$\\{?${v}\\b`).test(t.query)) problems.push(`${tname} must filter on the variable $${v}`);
        }
      }
    }
  }
  return problems;
}

function lintPromQLTarget(name: string, expr: unknown, queryVars: string[], known: KnownMetrics): string[] {
  if (typeof expr !== 'string' || expr.trim() === '') return [`${name} has no PromQL expression`];
  const out: string[] = [];
  for (const m of expr.matchAll(/\b(rate|irate|increase)\(([^\[]*)\[([^\]]+)\]/g)) {
    if (m[3] !== '$__rate_interval' && m[3] !== '${__rate_interval}') {
      out.push(`${name} uses ${m[1]}() over [${m[3]}]: use [$__rate_interval]`);
    }
  }
  const parsable = substituteGrafanaVariables(expr);
  for (const p of promqlProblems(parsable, known)) out.push(`${name}: ${describeProblem(parsable, p)}`);
  const metrics = parsePromQL(parsable).metrics.map((m) => m.name);
  // Kubelet volume statistics carry no cluster label; their pods' names carry the cluster.
  const kubeletOnly = metrics.length > 0 && metrics.every((m) => DECLARED_METRICS.kubelet.includes(m));
  // The synthetic probe's series carry the probe's pod, not one of the cluster's pods.
  const probeOnly = metrics.length > 0 && metrics.every((m) => PROBE_SAMPLE_NAMES.includes(m));
  for (const v of queryVars) {
    if (kubeletOnly && v === 'cluster') continue;
    if (probeOnly && v === 'pod') continue;
    if (!new RegExp(`\\$\\{?${v}\\b`).test(expr)) out.push(`${name} must filter on the variable $${v}`);
  }
  return out;
}

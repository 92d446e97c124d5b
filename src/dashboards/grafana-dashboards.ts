import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DashboardSpec } from './dashboard-spec';
import { lintDashboard } from './lint';
import { renderLogsDashboard } from './logs-dashboard';
import { RenderContext, renderDashboard } from './render';
import { DashboardContext, prometheusDashboards } from './robustmq-dashboards';
import { renderRunbooksDashboard } from './runbooks-dashboard';
import { DASHBOARD_UIDS } from './uids';
import { RECORDED_METRICS } from '../alerts/definitions';
import { SEARCH_ENGINES, SearchEngine } from '../elasticsearch/connection';
import { KnownMetrics } from '../metrics/known';
import { IRobustMqMonitor } from '../metrics/scrape';
import { probeDashboardRow } from '../probe/dashboard';
import { PROBE_SAMPLE_NAMES } from '../probe/facts';
import { DEFAULT_REPLICAS, IRobustMqTarget } from '../robustmq/target';
import { SLO_DASHBOARD_METRICS, renderSloDashboard } from '../slo/dashboard';
import * as checks from '../validation/checks';
import { check, invalid, showValue } from '../validation/errors';
import { claimObjectName } from '../validation/names';
import { warn } from '../validation/warnings';

const KIND = 'GrafanaDashboards';
/** Kubernetes refuses objects over 1 MiB. */
const MAX_OBJECT_BYTES = 1024 * 1024;
/** Client-side `kubectl apply` stores the object in an annotation limited to 256 KiB. */
const CLIENT_APPLY_BYTES = 256 * 1024;

/**
 * Lint results by dashboard JSON text. cdk8s validates the whole app once per chart it
 * synthesizes, and many instances carry identical dashboards: each distinct dashboard is
 * parsed and checked once.
 */
const LINT_CACHE = new Map<string, string[]>();
const LINT_CACHE_SIZE = 256;
const MAX_JSON_DEPTH = 64;

/** How deep a parsed JSON value nests (a scalar is 0), without recursion. */
function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d + 1);
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}


/** Properties of GrafanaDashboards. */
export interface GrafanaDashboardsProps {
  /**
   * Namespace of the ConfigMaps (where Grafana's dashboard sidecar looks).
   *
   * @default - the enclosing Chart's namespace
   */
  readonly namespace?: string;
  /**
   * Label key the sidecar selects dashboard ConfigMaps by.
   *
   * @default 'grafana_dashboard'
   */
  readonly labelKey?: string;
  /**
   * Label value the sidecar selects dashboard ConfigMaps by.
   *
   * @default '1'
   */
  readonly labelValue?: string;
  /**
   * The Grafana folder to put the dashboards in (the sidecar's folderAnnotation).
   *
   * @default 'RobustMQ'
   */
  readonly folder?: string;
  /**
   * The annotation the sidecar reads the folder from (its `folderAnnotation`).
   *
   * @default 'grafana_folder'
   */
  readonly folderAnnotation?: string;
  /**
   * The monitor whose series the dashboards show (for its cluster label).
   *
   * @default - series carry the cluster name in a label named `cluster`
   */
  readonly monitor?: IRobustMqMonitor;
  /**
   * The RobustMQ shown (the Cluster Health thresholds scale with its replicas). The dashboards
   * have a cluster variable: they serve every cluster of a Grafana.
   *
   * @default - a cluster of `replicas` pods
   */
  readonly target?: IRobustMqTarget;
  /**
   * Number of RobustMQ pods (the Cluster Health thresholds scale with it).
   *
   * @default 3
   * @deprecated use `target`
   */
  readonly replicas?: number;
  /**
   * The latency alert threshold in seconds, drawn on the latency panel.
   *
   * @default 1
   */
  readonly latencyThresholdSeconds?: number;
  /**
   * The error-ratio alert threshold, drawn on the error panels.
   *
   * @default 0.05
   */
  readonly errorRateThreshold?: number;
  /**
   * Include the library's RobustMQ dashboards (overview, MQTT broker, meta service).
   *
   * @default true
   */
  readonly robustMqDashboards?: boolean;
  /**
   * Add the synthetic MQTT probe's row (success, round-trip percentiles, heatmap) to the
   * overview dashboard.
   *
   * @default false
   */
  readonly probe?: boolean;
  /**
   * Include the RobustMQ Logs dashboard (needs the logs datasource).
   *
   * @default true
   */
  readonly logsDashboard?: boolean;
  /**
   * The search engine the logs are in: the logs dashboard's queries run on Grafana's
   * Elasticsearch datasource, or on the OpenSearch plugin's (`grafana-opensearch-datasource`).
   *
   * @default SearchEngine.ELASTICSEARCH
   */
  readonly logsSearchEngine?: SearchEngine;
  /**
   * Include the RobustMQ Alert Runbooks dashboard: one text panel per alert, which every alert's
   * default `runbook_url` opens. Leave it out only if the alerts get a `runbookUrlPattern`.
   *
   * @default true
   */
  readonly runbooksDashboard?: boolean;
  /**
   * Include the RobustMQ SLOs dashboard (budget left, burn rates, SLIs), over Sloth's recorded
   * series: the alerts of RobustMqSlos link to it.
   *
   * @default true
   */
  readonly sloDashboard?: boolean;
  /**
   * Metric names, besides RobustMQ's and the declared ones, that your dashboards may query.
   *
   * @default - none
   */
  readonly extraKnownMetrics?: string[];
}

/**
 * Grafana dashboards as ConfigMaps for Grafana's dashboard sidecar (kube-prometheus-stack's
 * Grafana runs one): one ConfigMap per dashboard, labelled for the sidecar, with a folder
 * annotation. Every dashboard, the library's and those you add, is held to the dashboard-linter
 * rules at synth time.
 */
export class GrafanaDashboards extends Construct {
  /** The ConfigMaps, by dashboard uid. */
  public readonly configMaps: { [uid: string]: kplus.ConfigMap } = {};
  /** The namespace of the ConfigMaps. */
  public readonly namespace: string;

  private readonly dashboards = new Map<string, Record<string, any>>();
  /** Each dashboard's JSON text, as its ConfigMap holds it. */
  private readonly bodies = new Map<string, string>();
  /** How many dashboards have passed the lint and size checks (cdk8s validates once per chart). */
  private checkedCount = 0;
  private readonly renderContext: RenderContext;
  private readonly labels: { [key: string]: string };
  private readonly annotations: { [key: string]: string };
  private readonly known: KnownMetrics;
  /** The user's extra known metrics, part of the lint cache key. */
  private readonly knownKey: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardsProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) invalid(this, KIND, 'namespace', namespace, 'must be set, on the construct or its Chart');
    check(this, KIND, 'namespace', namespace, checks.dnsLabel(namespace));
    this.namespace = namespace;
    const labelKey = props.labelKey ?? 'grafana_dashboard';
    const labelValue = props.labelValue ?? '1';
    check(this, KIND, 'labelKey', labelKey, checks.labelKey(labelKey));
    check(this, KIND, 'labelValue', labelValue, checks.labelValue(labelValue));
    const folderAnnotation = props.folderAnnotation ?? 'grafana_folder';
    check(this, KIND, 'folderAnnotation', folderAnnotation, checks.labelKey(folderAnnotation));
    const folder = props.folder ?? 'RobustMQ';
    check(this, KIND, 'folder', folder, checks.grafanaFolder(folder));
    this.labels = { [labelKey]: labelValue };
    this.annotations = { [folderAnnotation]: folder };
    if (props.target !== undefined && props.replicas !== undefined) {
      invalid(this, KIND, 'replicas', props.replicas, 'must not be set together with target: the target decides it');
    }
    const replicas = props.target?.replicas ?? props.replicas ?? DEFAULT_REPLICAS;
    check(this, KIND, 'replicas', replicas, checks.integer(replicas, 1, 99));
    const latency = props.latencyThresholdSeconds ?? 1;
    // Infinity would become JSON null, which Grafana reads as a threshold at minus infinity.
    if (!(latency > 0 && Number.isFinite(latency))) invalid(this, KIND, 'latencyThresholdSeconds', latency, 'must be a finite, positive number of seconds');
    const errorRate = props.errorRateThreshold ?? 0.05;
    if (!(errorRate > 0 && errorRate < 1)) invalid(this, KIND, 'errorRateThreshold', errorRate, 'must be a ratio between 0 and 1');
    const clusterLabel = props.monitor?.clusterLabel ?? 'cluster';
    this.renderContext = { clusterLabel, anchorMetric: 'system_process_cpu_usage' };
    this.known = KnownMetrics.standard()
      .with([...RECORDED_METRICS, ...SLO_DASHBOARD_METRICS, ...PROBE_SAMPLE_NAMES, ...(props.extraKnownMetrics ?? [])]);
    this.knownKey = [...(props.extraKnownMetrics ?? [])].sort().join(',');

    if (props.robustMqDashboards ?? true) {
      const ctx: DashboardContext = { clusterLabel, replicas, latencyThresholdSeconds: latency, errorRateThreshold: errorRate };
      for (const spec of prometheusDashboards(ctx)) {
        const withProbe = props.probe && spec.uid === DASHBOARD_UIDS.overview;
        this.addDashboard(withProbe ? { ...spec, rows: [...spec.rows, probeDashboardRow(clusterLabel)] } : spec);
      }
    }
    if (props.logsDashboard ?? true) {
      const engine = props.logsSearchEngine ?? SearchEngine.ELASTICSEARCH;
      check(this, KIND, 'logsSearchEngine', engine, checks.oneOf(engine, SEARCH_ENGINES));
      this.addDashboardJson(JSON.stringify(renderLogsDashboard(engine)));
    }
    if (props.runbooksDashboard ?? true) {
      this.addDashboardJson(JSON.stringify(renderRunbooksDashboard()));
    }
    if (props.sloDashboard ?? true) {
      this.addDashboardJson(JSON.stringify(renderSloDashboard()));
    }

    this.node.addValidation({ validate: () => this.checkAll() });
  }

  /** Adds a Prometheus dashboard described by a spec; it gets the standard variables and links. */
  public addDashboard(spec: DashboardSpec): kplus.ConfigMap {
    return this.place(renderDashboard(spec, this.renderContext));
  }

  /**
   * Adds a dashboard given as the text of its Grafana JSON model: for dashboards built
   * elsewhere. It is checked like the library's own.
   */
  public addDashboardJson(json: string): kplus.ConfigMap {
    if (typeof json !== 'string') {
      invalid(this, KIND, 'dashboard JSON', showValue(json).slice(0, 40), 'must be the JSON text of a dashboard (JSON.stringify an object first)');
    }
    let model: unknown;
    try {
      model = JSON.parse(json);
    } catch (e) {
      invalid(this, KIND, 'dashboard JSON', json.slice(0, 40), `must be valid JSON: ${(e as Error).message}`);
    }
    if (model === null || typeof model !== 'object' || Array.isArray(model)) {
      invalid(this, KIND, 'dashboard JSON', json.slice(0, 40), 'must be a JSON object');
    }
    // Counted without recursion: writing out a model nested thousands deep would overflow the stack.
    const depth = nestingDepth(model);
    if (depth > MAX_JSON_DEPTH) {
      invalid(this, KIND, 'dashboard JSON', json.slice(0, 40), `must nest at most ${MAX_JSON_DEPTH} levels, nests ${depth} (a Grafana model nests about 10)`);
    }
    return this.place(model as Record<string, any>);
  }

  /** The text of every dashboard's JSON model (as in its ConfigMap), by uid. */
  public dashboardJson(): { [uid: string]: string } {
    return Object.fromEntries(this.bodies.entries());
  }

  private place(json: Record<string, any>): kplus.ConfigMap {
    const uid = json.uid;
    if (typeof uid !== 'string' || !/^[a-zA-Z0-9_-]{8,40}$/.test(uid)) {
      invalid(this, KIND, 'uid', uid, "must be 8 to 40 letters, digits, '-' and '_' (and stable: links and alerts use it)");
    }
    if (this.dashboards.has(uid)) {
      invalid(this, KIND, 'uid', uid, `must be unique: dashboard '${this.dashboards.get(uid)!.title}' already has it`);
    }
    const name = `grafana-dashboard-${uid.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.replace(/-+$/, '');
    claimObjectName(this, KIND, 'uid', uid, { kind: 'ConfigMap', namespace: this.namespace, name },
      ' (ConfigMap names are lower case with \'-\' for \'_\': uids must differ by more than that)');
    this.dashboards.set(uid, json);
    const body = JSON.stringify(json, null, 2);
    this.bodies.set(uid, body);
    const configMap = new kplus.ConfigMap(this, `Dashboard-${uid}`, {
      metadata: { name, namespace: this.namespace, labels: { ...this.labels }, annotations: { ...this.annotations } },
      data: { [`${uid}.json`]: body },
    });
    this.configMaps[uid] = configMap;
    return configMap;
  }

  /** The synth-time checks: lint rules, uids unique in the app, object size. */
  private checkAll(): string[] {
    if (this.checkedCount !== this.dashboards.size) {
      this.checkDashboards();
      this.checkedCount = this.dashboards.size;
    }
    return [];
  }

  /** The lint rules and the object size, for every dashboard. */
  private checkDashboards(): void {
    for (const [uid, json] of this.dashboards) {
      const body = this.bodies.get(uid)!;
      const text = `${this.knownKey}\n${body}`;
      let problems = LINT_CACHE.get(text);
      if (problems === undefined) {
        problems = lintDashboard(json, { known: this.known });
        if (LINT_CACHE.size >= LINT_CACHE_SIZE) LINT_CACHE.delete(LINT_CACHE.keys().next().value!);
        LINT_CACHE.set(text, problems);
      }
      if (problems.length > 0) {
        invalid(this, KIND, `dashboard '${uid}'`, json.title, `breaks the dashboard rules: ${problems.join('; ')}`);
      }
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > MAX_OBJECT_BYTES - 4096) {
        invalid(this, KIND, `dashboard '${uid}'`, `${bytes} bytes`, 'must fit in a ConfigMap: Kubernetes refuses objects over 1 MiB; split the dashboard');
      }
      if (bytes > CLIENT_APPLY_BYTES) {
        warn(this, `dashboard '${uid}' is ${bytes} bytes: client-side 'kubectl apply' fails above 256 KiB (the last-applied annotation); apply with 'kubectl apply --server-side'`);
      }
    }
  }
}

import { DEFAULT_LOG_INDEX, LOG_FIELDS, keywordField } from './schema';
import * as checks from '../validation/checks';
import { ValidationError, showValue } from '../validation/errors';
import { elasticsearchDuration, logLevelName } from '../validation/logging';

/** Options of the "errors by component" query. */
export interface ErrorsByComponentOptions {
  /**
   * How far back to look, an Elasticsearch duration (`@timestamp >= now-<window>`).
   *
   * @default '1h'
   */
  readonly window?: string;
  /**
   * How many components (targets) to return, the most errors first.
   *
   * @default 10
   */
  readonly size?: number;
  /**
   * Only this RobustMQ cluster's records (LOG_FIELDS.cluster).
   *
   * @default - every cluster
   */
  readonly cluster?: string;
  /**
   * Only records from this Kubernetes namespace.
   *
   * @default - every namespace
   */
  readonly namespace?: string;
}

/** Options of a Lucene filter over the log schema. */
export interface LogFilterOptions {
  /**
   * The levels to keep (any case).
   *
   * @default ['ERROR']
   */
  readonly levels?: string[];
  /**
   * Only this RobustMQ cluster's records.
   *
   * @default - every cluster
   */
  readonly cluster?: string;
  /**
   * Only records from this Kubernetes namespace.
   *
   * @default - every namespace
   */
  readonly namespace?: string;
  /**
   * Only records of this component (tracing target), e.g. `meta_service::raft`.
   *
   * @default - every component
   */
  readonly component?: string;
}

const KIND = 'ElasticsearchQuery';

function refuse(method: string, field: string, value: unknown, problem: string): never {
  throw new ValidationError(`${KIND}.${method}`, field, `${KIND} '${method}': ${field} '${showValue(value)}' ${problem}`, showValue(value), problem);
}

function checkName(method: string, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || /[\r\n]/.test(value)) {
    refuse(method, field, value, 'must be a non-empty single line');
  }
}

/** A Lucene phrase: the value in double quotes, `"` and `\` escaped. */
function phrase(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A Lucene query string over the log schema, e.g. `level:ERROR AND robustmq_cluster:"prod-mq"`,
 * for Grafana's Elasticsearch datasource and Kibana. Field names come from LOG_FIELDS.
 */
export function luceneLogFilter(options: LogFilterOptions = {}): string {
  const method = 'luceneFilter';
  const levels = options.levels ?? ['ERROR'];
  if (!Array.isArray(levels) || levels.length === 0) refuse(method, 'levels', levels, 'must name at least one level');
  for (const l of levels) {
    const p = logLevelName(l);
    if (p) refuse(method, 'levels', l, p);
  }
  checkName(method, 'cluster', options.cluster);
  checkName(method, 'namespace', options.namespace);
  checkName(method, 'component', options.component);
  const upper = [...new Set(levels.map((l) => l.toUpperCase()))];
  const parts = [upper.length === 1 ? `${LOG_FIELDS.level}:${upper[0]}` : `${LOG_FIELDS.level}:(${upper.join(' OR ')})`];
  if (options.cluster !== undefined) parts.push(`${LOG_FIELDS.cluster}:${phrase(options.cluster)}`);
  if (options.namespace !== undefined) parts.push(`${LOG_FIELDS.namespace}:${phrase(options.namespace)}`);
  if (options.component !== undefined) parts.push(`${LOG_FIELDS.component}:${phrase(options.component)}`);
  return parts.join(' AND ');
}

/**
 * Elasticsearch queries over the records the FluentBit construct ships, built from the log
 * schema (LOG_FIELDS), as plain JSON bodies for `_search` or a dashboard.
 */
export class ElasticsearchQuery {
  /** The aggregation name of the errors-by-component query. */
  public static readonly ERRORS_BY_COMPONENT_AGG = 'errors_by_component';

  /**
   * "Errors by component in the last hour": a bool filter on level ERROR and
   * `@timestamp >= now-<window>`, and a terms aggregation on the component's keyword field.
   * `size: 0` returns only the aggregation, no hits. Returned as the JSON text of the `_search`
   * body, the same in every language.
   */
  public static errorsByComponent(options: ErrorsByComponentOptions = {}): string {
    const method = 'errorsByComponent';
    const window = options.window ?? '1h';
    const wp = elasticsearchDuration(window);
    if (wp) refuse(method, 'window', window, wp);
    const size = options.size ?? 10;
    const sp = checks.integer(size, 1, 10000);
    if (sp) refuse(method, 'size', size, sp);
    checkName(method, 'cluster', options.cluster);
    checkName(method, 'namespace', options.namespace);

    const filter: Array<Record<string, unknown>> = [
      { term: { [keywordField('level')]: 'ERROR' } },
      { range: { [LOG_FIELDS.time]: { gte: `now-${window}` } } },
    ];
    if (options.cluster !== undefined) filter.push({ term: { [keywordField('cluster')]: options.cluster } });
    if (options.namespace !== undefined) filter.push({ term: { [keywordField('namespace')]: options.namespace } });
    return JSON.stringify({
      size: 0,
      query: { bool: { filter } },
      aggs: {
        [ElasticsearchQuery.ERRORS_BY_COMPONENT_AGG]: {
          terms: { field: keywordField('component'), size, order: { _count: 'desc' } },
        },
      },
    });
  }

  /** A Lucene query string over the log schema (see luceneLogFilter), e.g. `level:ERROR`. */
  public static luceneFilter(options: LogFilterOptions = {}): string {
    return luceneLogFilter(options);
  }

  /** The index pattern to search: the index itself, or `<prefix>-*` for daily indices. */
  public static indexPattern(index: string = DEFAULT_LOG_INDEX, daily: boolean = false): string {
    return daily ? `${index}-*` : index;
  }

  private constructor() {}
}

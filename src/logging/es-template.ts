import { LOG_FIELDS, SPAN_FIELD_PREFIX } from './schema';
import { elasticsearchIndex } from '../validation/elasticsearch';
import { Problem, ValidationError, showValue } from '../validation/errors';

/**
 * The Elasticsearch side of the log pipeline: a composable index template whose mappings fix
 * the type of every field the Fluent Bit pipeline writes, and an ILM policy that deletes old
 * daily indices. Pure: it renders JSON; the CLI prints it and the installer Job PUTs it.
 *
 * Why: with Elasticsearch's dynamic mapping the first record that carries a field decides its
 * type, and a later record with another type is refused with a 400 `mapper_parsing_exception`.
 * Fluent Bit's es output counts a bulk reply as success as soon as one item is 200/201
 * (plugins/out_es/es.c:863 and es.c:1034), so such a record is lost without a retry, a log line
 * or a metric (issue 16, failure 3). The template makes the refusal impossible: the fields the
 * pipeline names are mapped with the one type it writes, free-form values (`fields`, `spans`,
 * the Kubernetes labels) are `flattened` (any JSON object, indexed as keywords), and every other
 * field is kept in `_source` but not indexed (`dynamic: false`), so no unforeseen key can
 * conflict.
 */

/** What the template is built from. */
export interface LogIndexTemplateOptions {
  /** The index, or with `daily` the prefix of the daily indices `<index>-YYYY.MM.DD`. */
  readonly index: string;
  /** Daily indices (Fluent Bit's Logstash_Format); retention needs them (see docs/logging.md). */
  readonly daily: boolean;
  /** Days a daily index is kept before ILM deletes it. */
  readonly retentionDays: number;
  /**
   * The template's priority: above 200, so that Elasticsearch's built-in templates (priority
   * 100) and Fleet's integration templates (up to 200) do not win where patterns overlap.
   */
  readonly priority: number;
}

/** The default retention of the daily indices, in days. */
export const DEFAULT_LOG_RETENTION_DAYS = 14;
/**
 * The default priority of the template: 501, above the 500 that Elasticsearch's current
 * documentation ("Index templates", avoid index pattern collisions) asks of a template whose
 * pattern overlaps a built-in one.
 */
export const DEFAULT_LOG_TEMPLATE_PRIORITY = 501;
/** Priorities allowed: above 200 (built-in templates have 100, Fleet's up to 200), at most a safe integer (Elasticsearch takes a Java long). */
export const LOG_TEMPLATE_PRIORITY_RANGE = { min: 201, max: Number.MAX_SAFE_INTEGER } as const;

/** The rendered template and policy, with their names (the paths they are PUT to). */
export interface LogIndexTemplate {
  /** `PUT _index_template/<templateName>`. */
  readonly templateName: string;
  readonly template: { [key: string]: unknown };
  /** `PUT _ilm/policy/<policyName>`; undefined without daily indices. */
  readonly policyName?: string;
  readonly policy?: { [key: string]: unknown };
}

/** A keyword field that also answers the dynamic mapping's `<field>.keyword` (schema.keywordField). */
const KEYWORD = { type: 'keyword', ignore_above: 1024, fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
/** Timestamps with RobustMQ's microseconds (and Fluent Bit's nanoseconds, Time_Key_Nanos). */
const DATE_NANOS = { type: 'date_nanos', format: 'strict_date_optional_time_nanos' };
const FLATTENED = { type: 'flattened', ignore_above: 1024 };

/** The problems of the options, field by field. */
export function logIndexTemplateProblems(o: LogIndexTemplateOptions): Array<[string, unknown, string]> {
  const out: Array<[string, unknown, string]> = [];
  const push = (field: string, value: unknown, p: Problem) => { if (p !== undefined) out.push([field, value, p]); };
  push('index', o.index, elasticsearchIndex(o.index, o.daily ? { suffix: '-YYYY.MM.DD', appendedBy: 'daily indices append' } : {}));
  push('retentionDays', o.retentionDays, Number.isInteger(o.retentionDays) && o.retentionDays > 0 ? undefined : 'must be a whole number of days, at least 1');
  push('priority', o.priority, Number.isInteger(o.priority) && o.priority >= LOG_TEMPLATE_PRIORITY_RANGE.min && o.priority <= LOG_TEMPLATE_PRIORITY_RANGE.max
    ? undefined
    : `must be a whole number from ${LOG_TEMPLATE_PRIORITY_RANGE.min} (above 200: built-in templates have 100, Fleet's up to 200) to ${LOG_TEMPLATE_PRIORITY_RANGE.max}`);
  return out;
}

/** Throws a ValidationError naming the first refused field of `subject`. */
export function validateLogIndexTemplate(subject: string, o: LogIndexTemplateOptions): void {
  const [p] = logIndexTemplateProblems(o);
  if (p) {
    const [field, value, problem] = p;
    throw new ValidationError(subject, field, `${subject}: ${field} '${showValue(value)}' ${problem}`, showValue(value), problem);
  }
}

/** The mappings of every field the pipeline writes (LOG_FIELDS), the one place their types are fixed. */
export function logMappings(): { [key: string]: unknown } {
  const nested = (path: string) => path.split('.');
  const properties: { [key: string]: any } = {
    [LOG_FIELDS.time]: DATE_NANOS,
    [LOG_FIELDS.level]: KEYWORD,
    [LOG_FIELDS.component]: KEYWORD,
    [LOG_FIELDS.message]: { type: 'text' },
    [LOG_FIELDS.traceId]: KEYWORD,
    [LOG_FIELDS.spanId]: KEYWORD,
    [LOG_FIELDS.spanName]: KEYWORD,
    [LOG_FIELDS.spans]: FLATTENED,
    [LOG_FIELDS.spanPath]: KEYWORD,
    [LOG_FIELDS.spanFields]: KEYWORD,
    [LOG_FIELDS.eventFields]: FLATTENED,
    [LOG_FIELDS.cluster]: KEYWORD,
    // the runtime's stream (cri/docker parsers)
    stream: KEYWORD,
  };
  const kubernetes: { [key: string]: any } = {
    // Replace_Dots On turns `app.kubernetes.io/name` into `app_kubernetes_io/name`; flattened
    // takes any label set without mapping a field per label.
    labels: FLATTENED,
  };
  for (const f of [LOG_FIELDS.pod, LOG_FIELDS.namespace, LOG_FIELDS.node, LOG_FIELDS.container]) {
    const [, leaf] = nested(f);
    kubernetes[leaf] = KEYWORD;
  }
  for (const leaf of ['pod_id', 'pod_ip', 'docker_id', 'container_hash', 'container_image']) kubernetes[leaf] = KEYWORD;
  properties.kubernetes = { type: 'object', dynamic: false, properties: kubernetes };
  return {
    // Keys nobody mapped (a new span field `span_<name>`, `_p`) are kept in _source, not indexed:
    // they can never conflict with an earlier type.
    dynamic: false,
    properties,
    _meta: { note: `${SPAN_FIELD_PREFIX}* fields are kept in _source only (dynamic: false)` },
  };
}

/** The name of the ILM policy of an index. */
export function logPolicyName(index: string): string {
  return `${index}-retention`;
}

/**
 * The template (and the ILM policy for daily indices). Throws a ValidationError for options
 * Elasticsearch would refuse.
 */
export function logIndexTemplate(o: LogIndexTemplateOptions, subject = 'LogIndexTemplate'): LogIndexTemplate {
  validateLogIndexTemplate(subject, o);
  const policyName = o.daily ? logPolicyName(o.index) : undefined;
  const settings: { [key: string]: unknown } = {
    // A value of the wrong type for a mapped date or number is skipped, not refused.
    'index.mapping.ignore_malformed': true,
  };
  if (policyName) settings['index.lifecycle.name'] = policyName;
  const template = {
    index_patterns: [o.daily ? `${o.index}-*` : o.index],
    priority: o.priority,
    template: { settings, mappings: logMappings() },
    _meta: { managed_by: 'cdk8s-robustmq-observability' },
  };
  if (!policyName) return { templateName: o.index, template };
  const policy = {
    policy: {
      phases: {
        hot: { min_age: '0ms', actions: {} },
        delete: { min_age: `${o.retentionDays}d`, actions: { delete: {} } },
      },
      _meta: { managed_by: 'cdk8s-robustmq-observability' },
    },
  };
  return { templateName: o.index, template, policyName, policy };
}

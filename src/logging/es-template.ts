import { LOG_FIELDS, SPAN_FIELD_PREFIX } from './schema';
import { SearchEngine } from '../elasticsearch/connection';
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
 *
 * OpenSearch (2.7 or later) gets the same rules in its dialect: the same composable
 * `_index_template` (OpenSearch kept Elasticsearch 7.10's composable templates, `date_nanos` and
 * the index-level `index.mapping.ignore_malformed`), `flat_object` where Elasticsearch has
 * `flattened`, and an ISM policy that attaches itself to new indices by its `ism_template`
 * instead of an ILM policy named in the index settings. This is modelled on OpenSearch's
 * documentation (opensearch-project/documentation-website: `_field-types/supported-field-types/
 * flat-object.md`, `_im-plugin/ism/api.md`, `_im-plugin/ism/policies.md`), not run against an
 * OpenSearch.
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
  /**
   * The dialect: Elasticsearch (ILM) or OpenSearch (ISM, `flat_object`).
   *
   * @default SearchEngine.ELASTICSEARCH
   */
  readonly engine?: SearchEngine;
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
  /** The retention policy's name; undefined without daily indices. */
  readonly policyName?: string;
  /** The path the policy is PUT to: `_ilm/policy/<name>` (Elasticsearch) or `_plugins/_ism/policies/<name>` (OpenSearch). */
  readonly policyPath?: string;
  readonly policy?: { [key: string]: unknown };
}

/**
 * The ISM policy's own priority among ISM templates whose patterns match the same new index
 * (the higher wins; `_im-plugin/ism/policies.md`, "ISM templates"). Not the index template's priority.
 */
export const ISM_TEMPLATE_PRIORITY = 100;

/** A keyword field that also answers the dynamic mapping's `<field>.keyword` (schema.keywordField). */
const KEYWORD = { type: 'keyword', ignore_above: 1024, fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
/** Timestamps with RobustMQ's microseconds (and Fluent Bit's nanoseconds, Time_Key_Nanos). */
const DATE_NANOS = { type: 'date_nanos', format: 'strict_date_optional_time_nanos' };
const FLATTENED = { type: 'flattened', ignore_above: 1024 };
/**
 * OpenSearch's counterpart of `flattened` (2.7+): the whole object indexed as keywords, leaves
 * reachable by dot path. It takes no parameters and only a field at the document's root may be
 * one (flat-object.md, "Limitations" and "Using flat object").
 */
const FLAT_OBJECT = { type: 'flat_object' };
/** A label value as OpenSearch maps it: a keyword (labels are strings), no `.keyword` sub-field needed. */
const LABEL_KEYWORD = { type: 'keyword', ignore_above: 1024 };

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
export function logMappings(engine: SearchEngine = SearchEngine.ELASTICSEARCH): { [key: string]: unknown } {
  const opensearch = engine === SearchEngine.OPENSEARCH;
  const FREE_FORM = opensearch ? FLAT_OBJECT : FLATTENED;
  const nested = (path: string) => path.split('.');
  const properties: { [key: string]: any } = {
    [LOG_FIELDS.time]: DATE_NANOS,
    [LOG_FIELDS.level]: KEYWORD,
    [LOG_FIELDS.component]: KEYWORD,
    [LOG_FIELDS.message]: { type: 'text' },
    [LOG_FIELDS.traceId]: KEYWORD,
    [LOG_FIELDS.spanId]: KEYWORD,
    [LOG_FIELDS.spanName]: KEYWORD,
    [LOG_FIELDS.spans]: FREE_FORM,
    [LOG_FIELDS.spanPath]: KEYWORD,
    [LOG_FIELDS.spanFields]: KEYWORD,
    [LOG_FIELDS.eventFields]: FREE_FORM,
    [LOG_FIELDS.cluster]: KEYWORD,
    // the runtime's stream (cri/docker parsers)
    stream: KEYWORD,
  };
  const kubernetes: { [key: string]: any } = {
    // Replace_Dots On turns `app.kubernetes.io/name` into `app_kubernetes_io/name`; flattened
    // takes any label set without mapping a field per label.
    // OpenSearch: `flat_object` may not sit under `kubernetes`, so the labels object alone is
    // dynamic and a dynamic template types every label as a keyword. A label key can never turn
    // into an object (Replace_Dots leaves no dot in a key, opensearch.c:124-130), so no later
    // label can conflict.
    labels: opensearch ? { type: 'object', dynamic: true } : FLATTENED,
  };
  for (const f of [LOG_FIELDS.pod, LOG_FIELDS.namespace, LOG_FIELDS.node, LOG_FIELDS.container]) {
    const [, leaf] = nested(f);
    kubernetes[leaf] = KEYWORD;
  }
  for (const leaf of ['pod_id', 'pod_ip', 'docker_id', 'container_hash', 'container_image']) kubernetes[leaf] = KEYWORD;
  properties.kubernetes = { type: 'object', dynamic: false, properties: kubernetes };
  const labelsPath = `${LOG_FIELDS.pod.split('.')[0]}.labels`;
  return {
    // Keys nobody mapped (a new span field `span_<name>`, `_p`) are kept in _source, not indexed:
    // they can never conflict with an earlier type.
    dynamic: false,
    ...(opensearch ? { dynamic_templates: [{ kubernetes_labels: { path_match: `${labelsPath}.*`, mapping: LABEL_KEYWORD } }] } : {}),
    properties,
    _meta: { note: `${SPAN_FIELD_PREFIX}* fields are kept in _source only (dynamic: false)` },
  };
}

/** The name of the retention policy (ILM or ISM) of an index. */
export function logPolicyName(index: string): string {
  return `${index}-retention`;
}

/**
 * The template (and the retention policy for daily indices: ILM for Elasticsearch, ISM for
 * OpenSearch). Throws a ValidationError for options the engine would refuse.
 */
export function logIndexTemplate(o: LogIndexTemplateOptions, subject = 'LogIndexTemplate'): LogIndexTemplate {
  validateLogIndexTemplate(subject, o);
  const opensearch = o.engine === SearchEngine.OPENSEARCH;
  const policyName = o.daily ? logPolicyName(o.index) : undefined;
  const pattern = o.daily ? `${o.index}-*` : o.index;
  const settings: { [key: string]: unknown } = {
    // A value of the wrong type for a mapped date or number is skipped, not refused.
    'index.mapping.ignore_malformed': true,
  };
  // ILM is named in the index settings; ISM attaches by the policy's own ism_template instead
  // (the index setting `plugins.index_state_management.policy_id` is deprecated, api.md "Explain index").
  if (policyName && !opensearch) settings['index.lifecycle.name'] = policyName;
  const template = {
    index_patterns: [pattern],
    priority: o.priority,
    template: { settings, mappings: logMappings(o.engine) },
    _meta: { managed_by: 'cdk8s-robustmq-observability' },
  };
  if (!policyName) return { templateName: o.index, template };
  if (opensearch) {
    // ISM: a state machine (api.md "Create policy"): `hot` until the index is retentionDays old,
    // then `delete`. ism_template makes ISM manage every new index the pattern matches
    // (policies.md "ISM templates"); indices created before the policy are not managed.
    const policy = {
      policy: {
        description: `Deletes ${pattern} indices ${o.retentionDays} days after their creation (managed by cdk8s-robustmq-observability)`,
        default_state: 'hot',
        states: [
          { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${o.retentionDays}d` } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: { index_patterns: [pattern], priority: ISM_TEMPLATE_PRIORITY },
      },
    };
    return { templateName: o.index, template, policyName, policyPath: `_plugins/_ism/policies/${policyName}`, policy };
  }
  const policy = {
    policy: {
      phases: {
        hot: { min_age: '0ms', actions: {} },
        delete: { min_age: `${o.retentionDays}d`, actions: { delete: {} } },
      },
      _meta: { managed_by: 'cdk8s-robustmq-observability' },
    },
  };
  return { templateName: o.index, template, policyName, policyPath: `_ilm/policy/${policyName}`, policy };
}

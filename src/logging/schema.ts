/**
 * The log schema: the names of the fields RobustMQ log records carry in Elasticsearch, after
 * Fluent Bit has parsed RobustMQ's JSON lines and added Kubernetes metadata. The one home of
 * these names: the Fluent Bit parsers and filters, the Elasticsearch query builder and the logs
 * dashboard all ask here.
 */
export const LOG_FIELDS = {
  /** Event time (Fluent Bit's Elasticsearch output writes it as `@timestamp`). */
  time: '@timestamp',
  /** Level as RobustMQ writes it: TRACE, DEBUG, INFO, WARN, ERROR. */
  level: 'level',
  /** The Rust module that logged, e.g. `meta_service::raft` (tracing's `target`): the component. */
  component: 'target',
  /** The log message (tracing's `fields.message`, lifted to the top). */
  message: 'message',
  /** W3C trace id, when the record was logged inside a traced span. */
  traceId: 'trace_id',
  /** Span id, when inside a traced span. */
  spanId: 'span_id',
  /** Name of the innermost span the record was logged in (JSON formatter's `span.name`, lifted). */
  spanName: 'span_name',
  /** Every entered span, root first, as RobustMQ's JSON formatter writes them (`spans`, an array of objects). */
  spans: 'spans',
  /** The span prefix of a text-format line, `conn{client_id=c1}:publish{topic=t}:` (text format only). */
  spanPath: 'span_path',
  /**
   * The fields written right after the target, `{client_id="c1"}` in
   * `mqtt_broker::handler::connection{client_id="c1"}: connection closed` (text format only).
   */
  spanFields: 'span_fields',
  /** The record's other event fields (tracing's `fields` without `message`, `trace_id` and `span_id`). */
  eventFields: 'fields',
  /** Pod name (Fluent Bit kubernetes filter). */
  pod: 'kubernetes.pod_name',
  /** Namespace (Fluent Bit kubernetes filter). */
  namespace: 'kubernetes.namespace_name',
  /** Node (Fluent Bit kubernetes filter). */
  node: 'kubernetes.host',
  /** Container name (Fluent Bit kubernetes filter). */
  container: 'kubernetes.container_name',
  /** The RobustMQ cluster name, added by the pipeline. */
  cluster: 'robustmq_cluster',
} as const;

/** A logical field of the schema. */
export type LogField = keyof typeof LOG_FIELDS;

/** Levels RobustMQ writes, least severe first. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** The index the seed writes to. */
export const DEFAULT_LOG_INDEX = 'robustmq-logs';

/**
 * The field to aggregate or filter exactly on: with Elasticsearch's default dynamic mapping a
 * string field is `text` with a `.keyword` sub-field.
 */
export function keywordField(field: LogField): string {
  return field === 'time' ? LOG_FIELDS.time : `${LOG_FIELDS[field]}.keyword`;
}

/**
 * The keys RobustMQ's JSON formatter (`formatter = "json"`, tracing-subscriber's JSON format)
 * writes on every line, before the pipeline reshapes the record into LOG_FIELDS.
 */
export const ROBUSTMQ_JSON_KEYS = {
  /** RFC 3339 UTC time with microseconds, `2026-08-21T07:57:14.123456Z`. */
  timestamp: 'timestamp',
  /** TRACE, DEBUG, INFO, WARN or ERROR. */
  level: 'level',
  /** The Rust module path that logged. */
  target: 'target',
  /** The event's fields; the text is `fields.message`. */
  fields: 'fields',
  /** The message inside `fields`. */
  message: 'message',
  /** The innermost span (`name` plus its fields), inside a span only. */
  span: 'span',
  /** Every entered span, root first, inside a span only. */
  spans: 'spans',
} as const;

/**
 * Prefix of the lifted fields of the innermost span: a span field `client_id` arrives as
 * `span_client_id` (and the span's name as LOG_FIELDS.spanName).
 */
export const SPAN_FIELD_PREFIX = 'span_';

/** Fluent Bit's HTTP server: health and metrics. */
export const FLUENT_BIT_HTTP_PORT = 2020;

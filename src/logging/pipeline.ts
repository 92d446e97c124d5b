import { FluentBitConfigModel, FluentBitSection } from './config';
import { PARSER_NAMES, robustMqJsonParser, robustMqMultilineParser, robustMqTextParser } from './parsers';
import { LOG_FIELDS, LOG_LEVELS, ROBUSTMQ_JSON_KEYS, SPAN_FIELD_PREFIX } from './schema';
import { ELASTICSEARCH_CREDENTIAL_ENV, SearchEngine } from '../elasticsearch/connection';
import { ElasticsearchEndpoint } from '../validation/elasticsearch';

/** The tail input's read buffer; its buffer_max_size (bufferMaxSize) must be at least this. */
export const TAIL_BUFFER_CHUNK_SIZE = '64KB';

/**
 * The RobustMQ log pipeline as a Fluent Bit configuration model: tail the RobustMQ pods'
 * container logs, join multiline text records, parse RobustMQ's JSON (or text) lines, drop
 * levels below the minimum, add Kubernetes metadata and the cluster name, reshape the record
 * into the log schema (LOG_FIELDS), and ship it to Elasticsearch without losing or
 * duplicating records across restarts and outages. Pure: the construct renders and places it.
 */

/** The runtime that wrote the container log files: decides the tail input's multiline parser. */
export type TailLogFormat = 'cri' | 'docker';


/** The service account files the kubernetes filter authenticates with. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The in-cluster API server address. */
export const KUBE_URL = 'https://kubernetes.default.svc:443';

/** The key the runtime's multiline parser (cri, docker) leaves in every record. */
const RUNTIME_TIME_KEY = 'time';

/** Prefix under which tracing's event fields are lifted before the chosen ones are renamed. */
const EVENT_FIELD_PREFIX = 'fields_';

/** Where and how to ship to Elasticsearch or OpenSearch. */
export interface ElasticsearchOutputOptions {
  /** The engine: Fluent Bit's `es` or `opensearch` output. */
  readonly engine: SearchEngine;
  readonly endpoint: ElasticsearchEndpoint;
  /** The index, or with `daily` the prefix of `<index>-YYYY.MM.DD`. */
  readonly index: string;
  readonly daily: boolean;
  readonly tls: boolean;
  readonly tlsVerify: boolean;
  /** A CA certificate file inside the container. */
  readonly caFile?: string;
  /** Send credentials from the ES_USERNAME / ES_PASSWORD environment variables. */
  readonly credentials: boolean;
  /** Retries per chunk; undefined retries without limit. */
  readonly retryLimit?: number;
  /** Cap of the output's filesystem buffer, a Fluent Bit size. */
  readonly storageTotalLimitSize?: string;
}

/** Everything the pipeline is built from, resolved and validated by the construct. */
export interface RobustMqPipelineOptions {
  /** The RobustMQ cluster name, written to every record as LOG_FIELDS.cluster. */
  readonly clusterName: string;
  /** The tail input's path glob. */
  readonly logPath: string;
  /** Tag prefix: records are tagged `<tagPrefix>.<path of the file with dots>`. */
  readonly tagPrefix: string;
  readonly containerLogFormat: TailLogFormat;
  /** Writable directory (in the container) for the offsets DB and the filesystem buffers. */
  readonly stateDir: string;
  /** Fluent Bit's own log level. */
  readonly agentLogLevel: string;
  /** The lowest RobustMQ level shipped, one of LOG_LEVELS. */
  readonly logLevelMin: string;
  readonly httpPort: number;
  /** The tail input's in-memory buffer cap, a Fluent Bit size. */
  readonly memBufLimit: string;
  /** Memory for chunks loaded back from the filesystem after a restart, a Fluent Bit size. */
  readonly storageBacklogMemLimit: string;
  /** Longest line read; longer lines are skipped. */
  readonly bufferMaxSize: string;
  readonly elasticsearch: ElasticsearchOutputOptions;
}

/** The tag pattern of the tail input and the filters' `match`. */
export function tagMatch(tagPrefix: string): string {
  return `${tagPrefix}.*`;
}

/** The kubernetes filter's Kube_Tag_Prefix for a tail tag prefix (tail expands `*` to the file path with dots). */
export function kubeTagPrefix(tagPrefix: string): string {
  return `${tagPrefix}.var.log.containers.`;
}

/** The levels below `min` (upper case), which the level filter drops. */
export function levelsBelow(min: string): string[] {
  const i = (LOG_LEVELS as readonly string[]).indexOf(min.toUpperCase());
  return i <= 0 ? [] : LOG_LEVELS.slice(0, i);
}

/** The pipeline's configuration model. */
export function robustMqPipeline(o: RobustMqPipelineOptions): FluentBitConfigModel {
  const match = tagMatch(o.tagPrefix);
  const service = {
    'flush': '1',
    'log_level': o.agentLogLevel,
    'http_server': 'On',
    'http_listen': '0.0.0.0',
    'http_port': String(o.httpPort),
    'health_check': 'On',
    'hc_errors_count': '5',
    'hc_retry_failure_count': '5',
    'hc_period': '60',
    'storage.path': `${o.stateDir}/buffers`,
    'storage.sync': 'normal',
    'storage.checksum': 'Off',
    'storage.backlog.mem_limit': o.storageBacklogMemLimit,
    'storage.max_chunks_up': '128',
    'storage.metrics': 'On',
  };

  const tail: FluentBitSection = {
    'name': 'tail',
    'alias': `${o.tagPrefix}_tail`,
    'tag': match,
    'path': o.logPath,
    // containerd/CRI-O (`cri`) or dockershim (`docker`): unwraps the runtime's line format and
    // joins the lines the runtime split (partial lines).
    'multiline.parser': o.containerLogFormat,
    // Offsets survive restarts: nothing read twice, nothing skipped.
    'db': `${o.stateDir}/tail.db`,
    'db.sync': 'normal',
    'db.locking': 'true',
    // A file first seen is read from its start, so lines written before Fluent Bit started are not lost.
    'read_from_head': 'true',
    // Chunks go to disk, so back-pressure and restarts lose nothing.
    'storage.type': 'filesystem',
    'mem_buf_limit': o.memBufLimit,
    'buffer_chunk_size': TAIL_BUFFER_CHUNK_SIZE,
    'buffer_max_size': o.bufferMaxSize,
    'skip_long_lines': 'On',
    'refresh_interval': '5',
    'rotate_wait': '30',
  };

  const filters: FluentBitSection[] = [
    // Text format only: join continuation lines (the start-up config dump, a panic's lines) to
    // their record. `buffer off`: the filter joins the lines of each chunk the tail input appends
    // and flushes what is pending before it returns (plugins/filter_multiline/ml.c:884,
    // "flush all pending data (there is no auto-flush when unbuffered)"), so no record ever waits
    // in the filter past the offset the tail input has committed. In the default buffered mode
    // the waiting record lives only in the filter's memory (ml.c:957 returns 0 records and
    // re-emits later through an emitter input) and SIGTERM destroys it unsent (cb_ml_exit,
    // ml.c:964, calls flb_ml_destroy, src/multiline/flb_ml.c:991, which frees the groups without
    // flushing them): issue 16, failure 1. The price: a record whose lines the tail input read in
    // two chunks is shipped as two records (tail appends once per read, in_tail/tail_file.c:984).
    {
      'name': 'multiline',
      'alias': `${o.tagPrefix}_multiline`,
      'match': match,
      'multiline.key_content': 'log',
      'multiline.parser': PARSER_NAMES.multiline,
      'buffer': 'off',
    },
    // RobustMQ's JSON line first, then its text format; a line neither parses keeps its `log`.
    {
      name: 'parser',
      alias: `${o.tagPrefix}_parser`,
      match,
      key_name: 'log',
      parser: [PARSER_NAMES.json, PARSER_NAMES.text],
      reserve_data: 'On',
      preserve_key: 'Off',
    },
  ];

  const dropped = levelsBelow(o.logLevelMin);
  if (dropped.length > 0) {
    // Exclude the levels below the minimum rather than keep a list: a record without a level
    // (a panic on stderr, a line no parser understood) is shipped, not lost.
    filters.push({
      name: 'grep',
      alias: `${o.tagPrefix}_level`,
      match,
      exclude: `${LOG_FIELDS.level} ^(?:${dropped.join('|')})$`,
    });
  }

  filters.push(
    {
      'name': 'kubernetes',
      'alias': `${o.tagPrefix}_kubernetes`,
      'match': match,
      'kube_url': KUBE_URL,
      'kube_ca_file': `${SERVICE_ACCOUNT_DIR}/ca.crt`,
      'kube_token_file': `${SERVICE_ACCOUNT_DIR}/token`,
      'kube_tag_prefix': kubeTagPrefix(o.tagPrefix),
      'merge_log': 'On',
      'keep_log': 'Off',
      'k8s-logging.parser': 'On',
      'k8s-logging.exclude': 'Off',
      'labels': 'On',
      'annotations': 'Off',
    },
    // tracing's event fields: `fields.message` becomes `message` (and `trace_id`, `span_id` when
    // present); the rest goes back under `fields`.
    {
      name: 'nest',
      alias: `${o.tagPrefix}_lift_fields`,
      match,
      operation: 'lift',
      nested_under: ROBUSTMQ_JSON_KEYS.fields,
      add_prefix: EVENT_FIELD_PREFIX,
    },
    // The innermost span: `span.name` becomes `span_name`, its fields `span_<field>`.
    {
      name: 'nest',
      alias: `${o.tagPrefix}_lift_span`,
      match,
      operation: 'lift',
      nested_under: ROBUSTMQ_JSON_KEYS.span,
      add_prefix: SPAN_FIELD_PREFIX,
    },
    {
      name: 'modify',
      alias: `${o.tagPrefix}_schema`,
      match,
      rename: [
        `${EVENT_FIELD_PREFIX}${ROBUSTMQ_JSON_KEYS.message} ${LOG_FIELDS.message}`,
        `${EVENT_FIELD_PREFIX}${LOG_FIELDS.traceId} ${LOG_FIELDS.traceId}`,
        `${EVENT_FIELD_PREFIX}${LOG_FIELDS.spanId} ${LOG_FIELDS.spanId}`,
        // A line no parser understood still has a message.
        `log ${LOG_FIELDS.message}`,
      ],
      add: `${LOG_FIELDS.cluster} ${o.clusterName}`,
      // The cri parser keeps the runtime's `time` key (time keep FLB_TRUE,
      // src/multiline/flb_ml_parser_cri.c:41), docker's keeps its own: the event time is already
      // the record's timestamp, so the key would only be a second, differently typed copy.
      remove: RUNTIME_TIME_KEY,
    },
    {
      name: 'nest',
      alias: `${o.tagPrefix}_nest_fields`,
      match,
      operation: 'nest',
      wildcard: `${EVENT_FIELD_PREFIX}*`,
      nest_under: LOG_FIELDS.eventFields,
      remove_prefix: EVENT_FIELD_PREFIX,
    },
  );

  const es = o.elasticsearch;
  const opensearch = es.engine === SearchEngine.OPENSEARCH;
  const output: Record<string, string | string[]> = {
    // The same keys and guarantees in both plugins: every key below is in the opensearch output's
    // config map too (plugins/out_opensearch/opensearch.c:1160-1360, Fluent Bit v5.0.9).
    name: opensearch ? 'opensearch' : 'es',
    alias: `${o.tagPrefix}_${opensearch ? 'opensearch' : 'elasticsearch'}`,
    match,
    host: es.endpoint.host,
    port: String(es.endpoint.port),
  };
  if (es.endpoint.path !== '') output.path = es.endpoint.path;
  if (es.daily) {
    output.logstash_format = 'On';
    output.logstash_prefix = es.index;
    output.logstash_dateformat = '%Y.%m.%d';
  } else {
    output.index = es.index;
  }
  Object.assign(output, {
    time_key: LOG_FIELDS.time,
    // Nanoseconds in `@timestamp` (plugins/out_es/es.c:477-483; opensearch.c:466-473 the same,
    // `.%09` against `.%03`): without it the output writes milliseconds, and RobustMQ's
    // microseconds are cut.
    time_key_nanos: 'On',
    // Elasticsearch 8 and OpenSearch 2 refuse `_type`: without suppress_type_name both outputs
    // write one (es: Type; opensearch: Type defaults to `_doc`, opensearch.h:27, and goes into
    // every action line unless suppressed, opensearch.c:375-386 and 588-600).
    suppress_type_name: 'On',
    // Every record gets an id hashed from its content (es.c:551-556, MurmurHash3 of the packed
    // record including @timestamp; opensearch.c:578-600, a 128-bit hash of the same packed record),
    // and the bulk action is `index`, not the default `create` (es.c:1362, plugins/out_es/es_conf.c:305;
    // opensearch.c:1325 and os_conf.c:161-171): a chunk retried after the engine stored it but the
    // reply was lost overwrites the same documents (200) instead of answering 409 for each. The es
    // output never counts a 409 as success (es.c:863-868) and so would retry forever. The
    // opensearch output reads the reply the other way round (opensearch.c:845-916: `errors: false` is done at 854-858): with
    // `errors: true` any item other than 409 fails the whole chunk, so a 409-only reply is done,
    // and `index` still matters for a chunk that was half stored (items 201 next to a 429): retried
    // with `create` its stored half answers 409 next to the 201s of the rest, which fails once more;
    // with `index` the retry answers 200/201 only and is done.
    generate_id: 'On',
    write_operation: 'index',
    replace_dots: 'On',
    trace_error: 'On',
    // Never give a chunk up: with a limit the engine drops the chunk once attempts reach it
    // (src/flb_task.c:326, src/flb_engine.c:499-500). An outage therefore never fails a retry and
    // never trips the health check (src/http_server/api/v1/health.c:82 counts only errors and
    // retries_failed); it shows in fluentbit_output_retries_total and the storage backlog. With
    // OpenSearch a record the index refuses (a 400 item) fails its whole chunk
    // (opensearch.c:911-916), which is then retried without end: visible in the same counter and
    // logged by trace_error (opensearch.c:1079-1097), never lost silently; the index template
    // makes such a refusal impossible for the fields the pipeline writes.
    retry_limit: es.retryLimit === undefined ? 'no_limits' : String(es.retryLimit),
    tls: es.tls ? 'On' : 'Off',
  });
  if (es.tls) {
    output['tls.verify'] = es.tlsVerify ? 'On' : 'Off';
    if (es.caFile) output['tls.ca_file'] = es.caFile;
  }
  if (es.credentials) {
    // Both outputs send HTTP basic auth from http_user/http_passwd (opensearch.c:1179-1188, 1020-1021).
    output.http_user = `\${${ELASTICSEARCH_CREDENTIAL_ENV.username}}`;
    output.http_passwd = `\${${ELASTICSEARCH_CREDENTIAL_ENV.password}}`;
  }
  if (es.storageTotalLimitSize) output['storage.total_limit_size'] = es.storageTotalLimitSize;

  return {
    service,
    parsers: [robustMqJsonParser(), robustMqTextParser()],
    multilineParsers: [robustMqMultilineParser()],
    inputs: [tail],
    filters,
    outputs: [output],
  };
}

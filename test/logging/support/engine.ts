import { createHash } from 'crypto';
import { Event, LogRecord, PodMeta, esDocument, runFilterChain, MultilineState } from './simulate';
import { FluentBitConfigModel, FluentBitSection } from '../../../src/logging/config';

/**
 * A model of the parts of Fluent Bit 5.0.9 (tag v5.0.9 of github.com/fluent/fluent-bit) that
 * decide whether a record is lost, duplicated or retried: chunks through the filters (with the
 * multiline filter's state across chunks), the es output's bulk request and reply check, the
 * engine's retry decision and its counters, and the health check. Each function names the
 * source it follows. The Elasticsearch stand-in follows Elasticsearch's documented behaviour
 * (bulk API item statuses, dynamic mapping), not its source.
 */

/** The output and filter counters the model moves, named as Fluent Bit exposes them. */
export interface Counters {
  /** fluentbit_filter_drop_records_total{name}: src/flb_filter.c:256 (all records gone) and :292 (fewer out than in). */
  readonly filterDropRecords: { [filter: string]: number };
  /** fluentbit_output_retries_total: src/flb_engine.c:572. */
  retries: number;
  /** fluentbit_output_retried_records_total: src/flb_engine.c:573. */
  retriedRecords: number;
  /** fluentbit_output_retries_failed_total: src/flb_engine.c:499. */
  retriesFailed: number;
  /** fluentbit_output_dropped_records_total: src/flb_engine.c:451, :500, :596. */
  droppedRecords: number;
  /** fluentbit_output_errors_total: src/flb_engine.c:595. */
  errors: number;
  /** fluentbit_output_proc_records_total (records the output reported done). */
  procRecords: number;
}

export function newCounters(): Counters {
  return { filterDropRecords: {}, retries: 0, retriedRecords: 0, retriesFailed: 0, droppedRecords: 0, errors: 0, procRecords: 0 };
}

/** The multiline filter's `buffer` (plugins/filter_multiline/ml.c:1000, default true). */
export function multilineBuffered(f: FluentBitSection): boolean {
  const v = f.buffer;
  return v === undefined ? true : !/^(off|false|no|0)$/i.test(String(v));
}

/**
 * The tail input and the filter chain over successive reads of a file. Tail appends the records
 * of one read as one chunk (plugins/in_tail/tail_file.c:984, ml_stream_buffer_flush) and moves
 * the file offset past what it read (tail_file.c:2045). The multiline filter, buffered, keeps a
 * record waiting across chunks and returns none of them (ml.c:957); unbuffered it flushes what
 * is pending before it returns (ml.c:884). On SIGTERM (`stop`) the buffered filter's waiting
 * record is destroyed unsent: cb_ml_exit (ml.c:964) calls flb_ml_destroy
 * (src/multiline/flb_ml.c:991), which frees the groups without flushing. Without `stop`, the
 * buffered filter's timer eventually flushes it (ml.c:580, flush_ms).
 */
export function runReads(model: FluentBitConfigModel, reads: Event[][], meta: PodMeta, counters: Counters,
  opts: { stop?: boolean; flags?: string } = {}): Event[][] {
  const state: MultilineState = {};
  const chunks: Event[][] = [];
  for (const read of reads) {
    chunks.push(runFilterChain(model, read, meta, opts.flags ?? '', {
      state,
      flushAtEnd: (f) => !multilineBuffered(f),
      onFilter: (f, inRecords, outRecords) => {
        const name = String(f.alias ?? f.name);
        // Buffered: the filter returns 0 records (ml.c:957), so flb_filter.c:256 counts them all.
        const dropped = f.name === 'multiline' && multilineBuffered(f) ? inRecords : Math.max(0, inRecords - outRecords);
        counters.filterDropRecords[name] = (counters.filterDropRecords[name] ?? 0) + dropped;
      },
    }));
  }
  if (!opts.stop) {
    // the buffered filter's flush timer: what waits is emitted (through the emitter input) and
    // runs through the filters after the multiline one.
    const flushed = runFilterChain(model, [], meta, opts.flags ?? '', { state, flushAtEnd: () => true });
    if (flushed.length > 0) chunks.push(flushed);
  }
  return chunks.filter((c) => c.length > 0);
}

/** One bulk item's action line. */
export interface BulkItem {
  readonly op: string;
  readonly index: string;
  readonly id?: string;
  readonly doc: LogRecord;
}

/** A bulk reply: `errors` and one status per item. */
export interface BulkReply {
  readonly errors: boolean;
  readonly items: ReadonlyArray<{ readonly status: number; readonly error?: string }>;
}

function one(s: FluentBitSection, key: string): string | undefined {
  const v = s[key];
  return typeof v === 'string' ? v : undefined;
}

function on(s: FluentBitSection, key: string): boolean {
  return /^(on|true|yes|1)$/i.test(one(s, key) ?? '');
}

/** The es (or opensearch) output of the model. */
export function esOutput(model: FluentBitConfigModel): FluentBitSection {
  const out = model.outputs.find((o) => o.name === 'es' || o.name === 'opensearch');
  if (!out) throw new Error('no es or opensearch output');
  return out;
}

/**
 * The bulk request of a chunk (plugins/out_es/es.c, elasticsearch_format): the action is
 * Write_Operation, default `create` (es.c:1362, es_conf.c:305-313); with Generate_ID each
 * record's `_id` is a hash of the packed record, `@timestamp` included (es.c:551-556,
 * MurmurHash3; the model hashes with SHA-1, only determinism matters).
 */
export function bulkRequest(model: FluentBitConfigModel, chunk: Event[]): BulkItem[] {
  const out = esOutput(model);
  const op = (one(out, 'write_operation') ?? 'create').toLowerCase();
  const index = one(out, 'index') ?? one(out, 'logstash_prefix') ?? 'fluent-bit';
  return chunk.map((e) => {
    const doc = esDocument(model, e);
    const id = on(out, 'generate_id') ? createHash('sha1').update(JSON.stringify(doc)).digest('hex') : undefined;
    return { op, index, id, doc };
  });
}

/**
 * The es output's reading of a bulk reply (es.c:795-868, cb_es_flush es.c:1034): `errors:
 * false` is success; otherwise the reply counts as success as soon as one item is 200 or 201,
 * whatever the others say. A chunk whose items are all 409 has no success bit and is retried.
 */
export function esReplyIsSuccess(reply: BulkReply): boolean {
  if (!reply.errors) return true;
  return reply.items.some((i) => i.status === 200 || i.status === 201);
}

/**
 * The opensearch output's reading of a bulk reply (plugins/out_opensearch/opensearch.c:845-916,
 * opensearch_error_check, v5.0.9), the other way round from es: `errors: false` is success
 * (854-858); otherwise any item whose status is not 409 fails the whole chunk (911-916), and a
 * chunk whose items are all 409 ("document already exists") is success.
 */
export function opensearchReplyIsSuccess(reply: BulkReply): boolean {
  if (!reply.errors) return true;
  return reply.items.every((i) => i.status === 409);
}

/** The reading of a bulk reply by the model's output plugin. */
export function replyIsSuccess(model: FluentBitConfigModel, reply: BulkReply): boolean {
  return esOutput(model).name === 'opensearch' ? opensearchReplyIsSuccess(reply) : esReplyIsSuccess(reply);
}

/** The field types an index would take for the values of a document (Elasticsearch's dynamic mapping: the first value decides). */
function typeOf(v: unknown): string {
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(v) ? 'date' : 'text';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'float';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return v.length > 0 ? typeOf(v[0]) : 'empty';
  return 'object';
}

/** A value a mapped type takes (the template's types; ignore_malformed skips bad dates/numbers). */
function accepts(type: string, v: unknown): boolean {
  if (type === 'keyword' || type === 'text') return typeof v !== 'object' || v === null;
  // OpenSearch's flat_object takes any JSON object like flattened (flat-object.md).
  if (type === 'flattened' || type === 'flat_object') return typeof v === 'object';
  return true;
}

/**
 * An Elasticsearch stand-in answering the bulk API: `create` of an existing `_id` is 409,
 * `index` overwrites (200) or creates (201); without a template, a field's first value fixes its
 * type (dynamic mapping) and a later value of another type is 400 mapper_parsing_exception.
 * With a template (mappings rendered by src/logging/es-template.ts), mapped fields take their
 * type and unmapped ones are not indexed (`dynamic: false`).
 */
export class ElasticsearchStandIn {
  public readonly docs = new Map<string, LogRecord>();
  private readonly dynamicTypes = new Map<string, string>();

  constructor(private readonly mappings?: { [key: string]: any }) {}

  private mappedType(path: string[]): string | undefined | 'unmapped' {
    let props: any = this.mappings!.properties;
    for (let i = 0; i < path.length; i++) {
      const m = props?.[path[i]];
      if (!m) return 'unmapped';
      if (m.type && m.type !== 'object') return m.type;
      props = m.properties;
    }
    return undefined;
  }

  private refusal(doc: LogRecord, prefix: string[] = []): string | undefined {
    for (const [k, v] of Object.entries(doc)) {
      const path = [...prefix, k];
      if (this.mappings) {
        const t = this.mappedType(path);
        if (t === 'unmapped') continue;
        if (t === undefined) {
          if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
            const r = this.refusal(v, path);
            if (r) return r;
          }
          continue;
        }
        if (!accepts(t, v)) return `mapper_parsing_exception: failed to parse field [${path.join('.')}] of type [${t}]`;
        continue;
      }
      const t = typeOf(v);
      const key = path.join('.');
      if (t === 'object' && !Array.isArray(v)) {
        const seen = this.dynamicTypes.get(key);
        if (seen && seen !== 'object') return `mapper_parsing_exception: failed to parse field [${key}] of type [${seen}]`;
        this.dynamicTypes.set(key, 'object');
        const r = this.refusal(v as LogRecord, path);
        if (r) return r;
        continue;
      }
      const seen = this.dynamicTypes.get(key);
      const compatible = seen === undefined || seen === t || (seen === 'float' && t === 'long') || t === 'empty';
      if (!compatible) return `mapper_parsing_exception: failed to parse field [${key}] of type [${seen}]`;
      if (seen === undefined && t !== 'empty') this.dynamicTypes.set(key, t);
    }
    return undefined;
  }

  bulk(items: BulkItem[]): BulkReply {
    const out = items.map((it) => {
      const key = `${it.index}/${it.id ?? createHash('sha1').update(Math.random().toString()).digest('hex')}`;
      const refused = this.refusal(it.doc);
      if (refused) return { status: 400, error: refused };
      const exists = this.docs.has(key);
      if (it.op === 'create' && exists) return { status: 409, error: 'version_conflict_engine_exception' };
      this.docs.set(key, it.doc);
      return { status: exists ? 200 : 201 };
    });
    return { errors: out.some((i) => i.status >= 300), items: out };
  }
}

/** What happens to one attempt at flushing a chunk. */
export interface Attempt {
  /** Elasticsearch unreachable: no connection, FLB_RETRY (es.c:903). */
  readonly down?: boolean;
  /** Elasticsearch processed the bulk but its reply never arrived: http_do fails, FLB_RETRY (es.c:1011). */
  readonly replyLost?: boolean;
}

/** Retry_Limit as the output reads it (src/flb_output.c:946-953): a number, `no_limits`/`false`/`off`, or `no_retries`. */
export function retryLimit(model: FluentBitConfigModel): number | 'unlimited' | 'none' {
  const v = one(esOutput(model), 'retry_limit');
  if (v === undefined) return 1; // flb_output.c default retry_limit 1
  if (/^(no_limits|false|off)$/i.test(v)) return 'unlimited';
  if (/^no_retries$/i.test(v)) return 'none';
  return Number(v);
}

/**
 * Flushes a chunk until it is done or the attempts run out. An attempt is FLB_OK when the reply
 * is a success (replyIsSuccess: the es or the opensearch reading), FLB_RETRY otherwise. The engine (src/flb_engine.c:446-575):
 * a retry is scheduled (retries +1, retried_records +n) unless the task has reached Retry_Limit
 * (src/flb_task.c:326), in which case the chunk is given up (retries_failed +1, dropped_records
 * +n). Returns whether the chunk was reported done, and the attempts it took.
 */
export function deliver(model: FluentBitConfigModel, es: ElasticsearchStandIn, chunk: Event[], counters: Counters,
  attempts: Attempt[] = [], maxAttempts = 20): { done: boolean; attempts: number; replies: BulkReply[] } {
  const limit = retryLimit(model);
  const replies: BulkReply[] = [];
  for (let i = 0; i < maxAttempts; i++) {
    const a = attempts[i] ?? {};
    let ok = false;
    if (!a.down) {
      const reply = es.bulk(bulkRequest(model, chunk));
      replies.push(reply);
      ok = !a.replyLost && replyIsSuccess(model, reply);
    }
    if (ok) {
      counters.procRecords += chunk.length;
      return { done: true, attempts: i + 1, replies };
    }
    if (limit === 'none' || (limit !== 'unlimited' && i >= limit)) {
      if (limit !== 'none') counters.retriesFailed += 1;
      counters.droppedRecords += chunk.length;
      return { done: false, attempts: i + 1, replies };
    }
    counters.retries += 1;
    counters.retriedRecords += chunk.length;
  }
  return { done: false, attempts: maxAttempts, replies };
}

/**
 * The health check (src/http_server/api/v1/health.c:77-83, served by /api/v2/health too): unhealthy
 * when, within the period, output errors exceed HC_Errors_Count or failed retries exceed
 * HC_Retry_Failure_Count. `before` is the counters at the period's start.
 */
export function healthy(model: FluentBitConfigModel, before: Counters, now: Counters): boolean {
  const errorLimit = Number(model.service.hc_errors_count ?? '5');
  const retryFailureLimit = Number(model.service.hc_retry_failure_count ?? '5');
  return !(now.errors - before.errors > errorLimit || now.retriesFailed - before.retriesFailed > retryFailureLimit);
}

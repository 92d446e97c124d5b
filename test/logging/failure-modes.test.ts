import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  Counters, ElasticsearchStandIn, deliver, esReplyIsSuccess, healthy, multilineBuffered, newCounters, opensearchReplyIsSuccess, runReads,
} from './support/engine';
import { parseYamlConfig } from './support/fluent-bit-config';
import { Event, LogRecord, PodMeta, criLine, esDocument, unwrapCri } from './support/simulate';
import { AlertContext } from '../../src/alerts/definitions';
import { LOG_AGENT_ALERTS } from '../../src/alerts/log-agent-alerts';
import { ElasticsearchConnection, SearchEngine } from '../../src/elasticsearch/connection';
import { FluentBitConfigModel } from '../../src/logging/config';
import { logIndexTemplate, logMappings } from '../../src/logging/es-template';
import { FluentBit } from '../../src/logging/fluent-bit';
import { RobustMqCluster } from '../../src/robustmq/cluster';

/**
 * Issue 16's eight failures, observed with a real Fluent Bit 5.0.9, replayed on the model of
 * Fluent Bit in ./support/engine.ts and ./support/simulate.ts (each modelled behaviour names
 * the v5.0.9 source it follows). Every scenario runs twice: on the configuration rendered now,
 * where it must hold, and on the configuration rendered before issue 16
 * (fixtures/fluent-bit-before-issue-16.yaml, kept as it was synthesized), where it must fail as
 * it did with the real program.
 */

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const META: PodMeta = { pod: 'prod-mq-0', namespace: 'robustmq', container: 'broker-server', node: 'node-a' };

function renderedModel(engine = SearchEngine.ELASTICSEARCH): FluentBitConfigModel {
  const app = Testing.app();
  const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(mq, 'cluster', { clusterName: 'prod-mq' });
  const logs = new Chart(app, 'logs', { namespace: 'logging' });
  const elasticsearchConnection = ElasticsearchConnection.fromUrl(ElasticsearchConnection.DEFAULT_URL, { engine });
  return parseYamlConfig(new FluentBit(logs, 'fb', { cluster, elasticsearchConnection }).configText);
}

const NOW = renderedModel();
const BEFORE = parseYamlConfig(fs.readFileSync(path.join(__dirname, 'fixtures', 'fluent-bit-before-issue-16.yaml'), 'utf8'));
/** The alerts' metrics before issue 16 (RobustMQLogsDropped, RobustMQLogsRetriesFailed). */
const ALERT_METRICS_BEFORE = ['fluentbit_output_dropped_records_total', 'fluentbit_output_retries_failed_total'];

const ALERT_CTX: AlertContext = {
  clusterLabel: 'robustmq_cluster',
  clusterName: 'prod-mq',
  namespace: 'robustmq',
  job: 'prod-mq',
  replicas: 3,
  scrapeTimeoutSeconds: 10,
  dataClaimRegex: 'x',
  dataClaimNames: [],
  podNames: [],
  podRegex: 'x',
  containerName: 'broker-server',
  minHealthyNodes: 2,
  logAgent: { job: 'fb', namespace: 'logging' },
};
const ALERT_METRICS_NOW = [...new Set(LOG_AGENT_ALERTS.flatMap((a) => a.expr(ALERT_CTX, 0).match(/fluentbit_[a-z_]+/g) ?? []))];

/** Which fluentbit_* counters a run moved. */
function moved(c: Counters): string[] {
  const out: string[] = [];
  if (c.retries > 0) out.push('fluentbit_output_retries_total');
  if (c.retriesFailed > 0) out.push('fluentbit_output_retries_failed_total');
  if (c.droppedRecords > 0) out.push('fluentbit_output_dropped_records_total');
  if (c.errors > 0) out.push('fluentbit_output_errors_total');
  return out;
}

const textLine = (level: string, target: string, message: string, time = '2026-08-21T07:57:14.123456Z') =>
  `${time} ${level.padStart(5)} ${target}: ${message}`;
const jsonLine = (level: string, message: string, fields: LogRecord = {}) =>
  JSON.stringify({ timestamp: '2026-08-21T07:57:14.123456Z', level, fields: { message, ...fields }, target: 'mqtt_broker::handler' });

/** One tail read: CRI lines unwrapped by the tail input's cri parser. */
function read(...lines: string[]): Event[] {
  return unwrapCri(lines.map((l) => criLine(l)));
}

/** Lines through the filters and the es output, each read one chunk, every chunk delivered once (a healthy Elasticsearch). */
function shipped(model: FluentBitConfigModel, reads: Event[][], opts: { stop?: boolean } = {}): { docs: LogRecord[]; counters: Counters } {
  const counters = newCounters();
  const es = new ElasticsearchStandIn();
  const chunks = runReads(model, reads, META, counters, opts);
  for (const c of chunks) deliver(model, es, c, counters);
  return { docs: [...es.docs.values()], counters };
}

function both(name: string, holds: (m: FluentBitConfigModel) => boolean): void {
  test(`${name}: holds now`, () => expect(holds(NOW)).toBe(true));
  test(`${name}: failed before issue 16`, () => expect(holds(BEFORE)).toBe(false));
}

describe('1. SIGTERM while a text record waits in the multiline filter', () => {
  // The second record waits for a possible continuation; the pod is stopped before the flush.
  const holds = (m: FluentBitConfigModel) => {
    const { docs } = shipped(m, [read(textLine('INFO', 'a::b', 'first'), textLine('WARN', 'a::b', 'second'))], { stop: true });
    return docs.map((d) => d.message).join(',') === 'first,second';
  };
  both('every line read before SIGTERM is shipped', holds);

  test('the multiline filter runs unbuffered now', () => {
    expect(multilineBuffered(NOW.filters.find((f) => f.name === 'multiline')!)).toBe(false);
    expect(multilineBuffered(BEFORE.filters.find((f) => f.name === 'multiline')!)).toBe(true);
  });

  test('the price of unbuffered: a record whose lines arrive in two reads becomes two records, none lost', () => {
    const { docs } = shipped(NOW, [read(textLine('INFO', 'broker_server::common', 'loaded config: {'), '  "broker_id": 1,'), read('}')], { stop: true });
    expect(docs).toHaveLength(2);
    expect(docs[0].message).toBe('loaded config: {\n  "broker_id": 1,');
    expect(docs[1].message).toBe('}');
  });
});

describe('2. a chunk whose reply was lost', () => {
  const holds = (m: FluentBitConfigModel) => {
    const counters = newCounters();
    const es = new ElasticsearchStandIn();
    const [chunk] = runReads(m, [read(jsonLine('INFO', 'a'), jsonLine('WARN', 'b'))], META, counters);
    const r = deliver(m, es, chunk, counters, [{ replyLost: true }]);
    // done on the first retry, and no duplicate documents
    return r.done && r.attempts === 2 && es.docs.size === 2;
  };
  both('is done on its first retry and stored once', holds);

  test('before: every retry is answered 409 for every item, and retried without end', () => {
    const counters = newCounters();
    const es = new ElasticsearchStandIn();
    const [chunk] = runReads(BEFORE, [read(jsonLine('INFO', 'a'))], META, counters);
    const r = deliver(BEFORE, es, chunk, counters, [{ replyLost: true }], 50);
    expect(r.done).toBe(false);
    expect(r.replies.slice(1).every((x) => x.items.every((i) => i.status === 409))).toBe(true);
    expect(counters.retriesFailed).toBe(0);
    expect(counters.droppedRecords).toBe(0);
  });
});

describe('3. one refused record in an otherwise good chunk', () => {
  // `fields.peer` is first a number, then a string: dynamic mapping fixed it as long.
  const first = jsonLine('INFO', 'connected', { peer: 3 });
  const chunk2 = [jsonLine('INFO', 'ok 1'), jsonLine('WARN', 'odd peer', { peer: 'ten' }), jsonLine('INFO', 'ok 2')];
  const stored = (m: FluentBitConfigModel, es: ElasticsearchStandIn) => {
    const counters = newCounters();
    for (const c of runReads(m, [read(first), read(...chunk2)], META, counters)) deliver(m, es, c, counters);
    return { count: es.docs.size, counters };
  };

  test('with the index template installed (now): Elasticsearch cannot refuse it; all four stored', () => {
    const { count } = stored(NOW, new ElasticsearchStandIn(logMappings()));
    expect(count).toBe(4);
  });

  test('without it (before): refused with 400 next to two 201s, counted as success, lost without a metric', () => {
    const { count, counters } = stored(BEFORE, new ElasticsearchStandIn());
    expect(count).toBe(3);
    expect(moved(counters)).toEqual([]);
  });

  test('the template covers the indices the output writes', () => {
    const out = NOW.outputs[0];
    const t = logIndexTemplate({ index: String(out.index), daily: false, retentionDays: 7, priority: 500 });
    expect(t.template.index_patterns).toEqual([out.index]);
  });
});

describe('OpenSearch: failures 2 and 3 through the opensearch output, which reads a bulk reply the other way round', () => {
  const OS = renderedModel(SearchEngine.OPENSEARCH);
  const withOp = (m: FluentBitConfigModel, op: string): FluentBitConfigModel =>
    ({ ...m, outputs: [{ ...m.outputs[0], write_operation: op }] });

  test('the reading (opensearch.c:845-916): all-409 is done, one other status among 409s or 201s fails the chunk', () => {
    const r = (...statuses: number[]) => ({ errors: statuses.some((x) => x >= 300), items: statuses.map((status) => ({ status })) });
    expect(opensearchReplyIsSuccess(r(201, 201))).toBe(true);
    expect(opensearchReplyIsSuccess(r(409, 409))).toBe(true);
    expect(opensearchReplyIsSuccess(r(201, 409))).toBe(false);
    expect(opensearchReplyIsSuccess(r(201, 400, 201))).toBe(false);
    // the es output, for contrast: one 201 is success, all-409 is not
    expect(esReplyIsSuccess(r(201, 400, 201))).toBe(true);
    expect(esReplyIsSuccess(r(409, 409))).toBe(false);
  });

  test('2. a lost reply: done on the first retry and stored once, with the rendered write_operation index', () => {
    expect(OS.outputs[0]).toMatchObject({ name: 'opensearch', write_operation: 'index', generate_id: 'On' });
    const counters = newCounters();
    const store = new ElasticsearchStandIn();
    const [chunk] = runReads(OS, [read(jsonLine('INFO', 'a'), jsonLine('WARN', 'b'))], META, counters);
    const r = deliver(OS, store, chunk, counters, [{ replyLost: true }]);
    expect(r).toMatchObject({ done: true, attempts: 2 });
    expect(store.docs.size).toBe(2);
  });

  test('2. with create a lost reply is done too (all 409), where the es output retries it without end', () => {
    for (const [m, done] of [[withOp(OS, 'create'), true], [withOp(NOW, 'create'), false]] as const) {
      const counters = newCounters();
      const [chunk] = runReads(m, [read(jsonLine('INFO', 'a'))], META, counters);
      expect(deliver(m, new ElasticsearchStandIn(), chunk, counters, [{ replyLost: true }], 10).done).toBe(done);
    }
  });

  const first = jsonLine('INFO', 'connected', { peer: 3 });
  const chunk2 = [jsonLine('INFO', 'ok 1'), jsonLine('WARN', 'odd peer', { peer: 'ten' }), jsonLine('INFO', 'ok 2')];
  test('3. without the template a refused record fails its whole chunk: retried, counted, never lost silently', () => {
    const counters = newCounters();
    const store = new ElasticsearchStandIn();
    const chunks = runReads(OS, [read(first), read(...chunk2)], META, counters);
    expect(deliver(OS, store, chunks[0], counters).done).toBe(true);
    const r = deliver(OS, store, chunks[1], counters, [], 10);
    expect(r.done).toBe(false);
    expect(r.replies.every((x) => x.items.some((i) => i.status === 400))).toBe(true);
    expect(moved(counters)).toEqual(['fluentbit_output_retries_total']);
    expect(counters.droppedRecords).toBe(0);
  });

  test('3. with the OpenSearch template (flat_object fields) nothing is refused: all four stored at once', () => {
    const counters = newCounters();
    const store = new ElasticsearchStandIn(logMappings(SearchEngine.OPENSEARCH));
    for (const c of runReads(OS, [read(first), read(...chunk2)], META, counters)) expect(deliver(OS, store, c, counters).attempts).toBe(1);
    expect(store.docs.size).toBe(4);
    expect(moved(counters)).toEqual([]);
  });
});

describe('4. an Elasticsearch outage and the health check', () => {
  const outage = (m: FluentBitConfigModel) => {
    const counters = newCounters();
    const before = { ...counters };
    const es = new ElasticsearchStandIn();
    const chunks = runReads(m, [read(jsonLine('INFO', 'a')), read(jsonLine('INFO', 'b'))], META, counters);
    const results = chunks.map((c) => deliver(m, es, c, counters, Array(12).fill({ down: true }), 20));
    return { counters, before, results, es };
  };

  test('with Retry_Limit no_limits nothing is given up, so the health check stays ok (health.c:82): the docs say so', () => {
    for (const m of [NOW, BEFORE]) {
      const { counters, before, results, es } = outage(m);
      expect(healthy(m, before, counters)).toBe(true);
      expect(results.every((r) => r.done)).toBe(true);
      expect(es.docs.size).toBe(2);
    }
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'logging.md'), 'utf8');
    expect(docs).not.toMatch(/outage makes the pods? (unready|not ready)/i);
    expect(docs).toMatch(/outage does not make the pod unready/i);
  });

  both('the outage moves a counter an alert reads', (m) => {
    const metrics = m === NOW ? ALERT_METRICS_NOW : ALERT_METRICS_BEFORE;
    return moved(outage(m).counters).some((x) => metrics.includes(x));
  });
});

describe('5. alerts that can see the failures', () => {
  test('the alerts read retries, the storage backlog and really dropped records, not the filters\' drop counter', () => {
    expect(ALERT_METRICS_NOW.sort()).toEqual(['fluentbit_output_dropped_records_total', 'fluentbit_output_retries_total', 'fluentbit_storage_fs_chunks']);
  });

  both('the 409 loop of failure 2 moves a counter an alert reads', (m) => {
    const counters = newCounters();
    const [chunk] = runReads(m, [read(jsonLine('INFO', 'a'))], META, counters);
    deliver(m, new ElasticsearchStandIn(), chunk, counters, [{ replyLost: true }], 10);
    const metrics = m === NOW ? ALERT_METRICS_NOW : ALERT_METRICS_BEFORE;
    return moved(counters).some((x) => metrics.includes(x));
  });

  both('the multiline filter counts as dropped only the lines it joined', (m) => {
    const { counters } = shipped(m, [read(textLine('INFO', 'a::b', 'one'), textLine('INFO', 'a::b', 'two'), jsonLine('INFO', 'three'))]);
    const name = Object.keys(counters.filterDropRecords).find((k) => k.endsWith('_multiline'))!;
    return counters.filterDropRecords[name] === 0;
  });
});

describe('6. a panic after a DEBUG text line', () => {
  const panic = ["thread 'tokio-runtime-worker' panicked at src/broker/mod.rs:42:9:", 'called `Option::unwrap()` on a `None` value',
    'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace'];
  both('is shipped, as after an INFO line', (m) => {
    const { docs } = shipped(m, [read(textLine('DEBUG', 'a::b', 'tick'), ...panic)]);
    return docs.length === 1 && String(docs[0].message).startsWith("thread 'tokio-runtime-worker' panicked at") && String(docs[0].message).includes('unwrap');
  });

  test('after an INFO line the panic is its own record now', () => {
    const { docs } = shipped(NOW, [read(textLine('INFO', 'a::b', 'tick'), ...panic)]);
    expect(docs.map((d) => String(d.message).split('\n')[0])).toEqual(['tick', panic[0]]);
  });
});

describe('7. @timestamp precision and the runtime\'s time key', () => {
  both('@timestamp keeps the microseconds and no document has a `time` key', (m) => {
    const { docs } = shipped(m, [read(jsonLine('INFO', 'a'), textLine('WARN', 'a::b', 'b', '2026-08-21T07:57:15.000001Z'))]);
    return docs.length === 2 && docs[0]['@timestamp'] === '2026-08-21T07:57:14.123456000Z'
      && docs[1]['@timestamp'] === '2026-08-21T07:57:15.000001000Z' && docs.every((d) => !('time' in d));
  });

  test('the document id covers the nanoseconds, so two records a microsecond apart are two documents', () => {
    const a = esDocument(NOW, { time: '2026-08-21T07:57:14.123456Z', record: { message: 'x' } });
    const b = esDocument(NOW, { time: '2026-08-21T07:57:14.123457Z', record: { message: 'x' } });
    expect(a['@timestamp']).not.toBe(b['@timestamp']);
  });
});

describe('8. quoted span fields', () => {
  both('a text line with quoted span fields gets its level and target', (m) => {
    const { docs } = shipped(m, [read('2026-08-21T07:57:14.123456Z  WARN mqtt_broker::handler::connection{client_id="c1"}: connection closed')]);
    return docs.length === 1 && docs[0].level === 'WARN' && docs[0].target === 'mqtt_broker::handler::connection' && docs[0].message === 'connection closed';
  });
});

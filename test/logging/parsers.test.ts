import { Chart, Testing } from 'cdk8s';
import { parseYamlConfig } from './support/fluent-bit-config';
import { CONFIG_DUMP, ESC, ansiLine, dim, italic, jsonLine, textLine } from './support/lines';
import { Event, LogRecord, PodMeta, criLine, esDocument, runFilters, unwrapCri } from './support/simulate';
import { FluentBit } from '../../src/logging/fluent-bit';
import {
  MULTILINE_CONTINUATION_REGEX, MULTILINE_START_REGEX, PANIC_START_REGEX, PARSER_NAMES, ROBUSTMQ_TEXT_REGEX,
} from '../../src/logging/parsers';
import { namedGroups, portableRegexProblem } from '../../src/logging/regex';
import { LOG_FIELDS, LOG_LEVELS } from '../../src/logging/schema';
import { RobustMqCluster } from '../../src/robustmq/cluster';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

// The configuration Fluent Bit would read: the regular expressions come from the rendered YAML.
function renderedModel(opts: Partial<ConstructorParameters<typeof FluentBit>[2]> = {}) {
  const app = Testing.app();
  const mq = new Chart(app, 'mq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(mq, 'cluster', { clusterName: 'prod-mq' });
  const logs = new Chart(app, 'logs', { namespace: 'logging' });
  const fb = new FluentBit(logs, 'fb', { cluster, ...opts });
  return parseYamlConfig(fb.configText);
}
const model = renderedModel();
const textRegex = model.parsers.find((p) => p.name === PARSER_NAMES.text)!.regex as string;
const META: PodMeta = { pod: 'prod-mq-0', namespace: 'robustmq', container: 'broker-server', node: 'node-a' };

function parseText(line: string, flags = ''): Record<string, string> | undefined {
  const m = new RegExp(textRegex, flags).exec(line);
  if (!m) return undefined;
  return Object.fromEntries(Object.entries(m.groups!).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Runs lines through CRI unwrapping and the configured filters, both regex modes; they must agree. */
function ship(lines: string[], m = model): LogRecord[] {
  const events: Event[] = unwrapCri(lines.map((l) => criLine(l)));
  const plain = runFilters(m, events, META, '');
  const multiline = runFilters(m, events, META, 'm');
  expect(multiline).toEqual(plain);
  return plain.map((e) => esDocument(m, e));
}

describe('the regular expressions', () => {
  test('the rendered configuration carries the parsers module\'s expressions unchanged', () => {
    expect(textRegex).toBe(ROBUSTMQ_TEXT_REGEX);
    const rules = model.multilineParsers.find((p) => p.name === PARSER_NAMES.multiline)!.rules;
    expect(rules.map((r) => r.regex)).toEqual([MULTILINE_START_REGEX, PANIC_START_REGEX, MULTILINE_CONTINUATION_REGEX]);
  });

  test('every expression stays inside the Onigmo/JavaScript common subset', () => {
    const all = [
      ...model.parsers.filter((p) => p.regex).map((p) => p.regex as string),
      ...model.multilineParsers.flatMap((p) => p.rules.map((r) => r.regex)),
    ];
    expect(all.length).toBe(4);
    for (const re of all) expect(portableRegexProblem(re)).toBeUndefined();
  });

  test('the text parser captures schema fields by their LOG_FIELDS names', () => {
    expect(namedGroups(textRegex)).toEqual(['time', LOG_FIELDS.level, LOG_FIELDS.spanPath, LOG_FIELDS.component, LOG_FIELDS.spanFields, LOG_FIELDS.message]);
  });

  test.each([
    ['(?<=a)b', /lookbehind/], ['(?<!a)b', /lookbehind/], ['(?>a)', /atomic/], ['a*+', /possessive/], ['a++', /possessive/],
    ['\\h+', /escape '\\h'/], ['\\Aabc', /escape '\\A'/], ['abc\\z', /escape '\\z'/], ['\\d+', /escape '\\d'/], ['a.b', /'\.'/],
    ['(?i)abc', /group syntax/], ['\\p{L}', /escape '\\p'/], ['[a', /compile|close/], ['[]a]', /escape a '\]'/],
  ])('refuses %s', (re, problem) => {
    expect(portableRegexProblem(re)).toMatch(problem);
  });

  test.each(['[0-9]+', '(?<level>INFO|WARN)', '(?:a|b)*?', '^(?!x)(?=y)[\\s\\S]*', '\\x1b\\[[0-9;]*m', 'a\\+b+', '\\{[^}]*\\}'])('allows %s', (re) => {
    expect(portableRegexProblem(re)).toBeUndefined();
  });
});

describe('RobustMQ text lines', () => {
  test.each(LOG_LEVELS)('plain %s line: level, target and message', (level) => {
    const line = textLine(level, 'meta_service::raft', 'append entries failed node_id=2');
    for (const flags of ['', 'm']) {
      expect(parseText(line, flags)).toEqual({
        time: '2026-08-21T07:57:14.123456Z', level, target: 'meta_service::raft', message: 'append entries failed node_id=2',
      });
    }
  });

  test.each(LOG_LEVELS)('%s line with ANSI escape codes: level, target and message', (level) => {
    const line = ansiLine(level, 'admin_server::server', 'Admin HTTP Server started successfully, listening port: 58080');
    expect(line).toContain(ESC);
    for (const flags of ['', 'm']) {
      expect(parseText(line, flags)).toEqual({
        time: '2026-08-21T07:57:14.123456Z',
        level,
        target: 'admin_server::server',
        message: 'Admin HTTP Server started successfully, listening port: 58080',
      });
    }
  });

  test('the examples of FACTS.md', () => {
    expect(parseText('2026-08-21T07:57:14.123456Z  INFO admin_server::server: Admin HTTP Server started successfully, listening port: 58080'))
      .toMatchObject({ level: 'INFO', target: 'admin_server::server', message: 'Admin HTTP Server started successfully, listening port: 58080' });
    expect(parseText('2026-08-21T07:57:15.000001Z ERROR meta_service::raft: append entries failed node_id=2'))
      .toMatchObject({ level: 'ERROR', target: 'meta_service::raft', message: 'append entries failed node_id=2' });
  });

  test('spans with fields before the target', () => {
    const line = textLine('WARN', 'mqtt_broker::handler::publish', 'message accepted qos=1',
      'conn{client_id=c1 addr=10.0.0.5:50312}:publish{topic=sensors/1}:');
    expect(parseText(line)).toEqual({
      time: '2026-08-21T07:57:14.123456Z',
      level: 'WARN',
      span_path: 'conn{client_id=c1 addr=10.0.0.5:50312}:publish{topic=sensors/1}:',
      target: 'mqtt_broker::handler::publish',
      message: 'message accepted qos=1',
    });
  });

  test('a span without fields before a module-path target', () => {
    expect(parseText(textLine('DEBUG', 'mqtt_broker::session', 'session expired client_id=c2', 'session:')))
      .toMatchObject({ level: 'DEBUG', span_path: 'session:', target: 'mqtt_broker::session', message: 'session expired client_id=c2' });
  });

  test('a crate-root target whose message starts with "word:" is not taken for a span', () => {
    expect(parseText(textLine('INFO', 'broker_server', 'config: loaded from /etc/robustmq/server.toml')))
      .toEqual({ time: '2026-08-21T07:57:14.123456Z', level: 'INFO', target: 'broker_server', message: 'config: loaded from /etc/robustmq/server.toml' });
  });

  test('spans with fields and ANSI codes (bold span, italic field names)', () => {
    const line = ansiLine('ERROR', 'meta_service::raft', `append entries failed ${italic('peer')}${dim('=')}3`,
      [['raft_node', `${italic('node_id')}${dim('=')}2`], ['append', undefined]]);
    const g = parseText(line)!;
    expect(g).toMatchObject({ level: 'ERROR', target: 'meta_service::raft' });
    expect(g.message.replace(/\x1b\[[0-9;]*m/g, '')).toBe('append entries failed peer=3');
    expect(g.span_path.replace(/\x1b\[[0-9;]*m/g, '')).toBe('raft_node{node_id=2}:append:');
  });

  test('quoted span fields (tracing\'s Debug of a string), escapes inside the quotes', () => {
    // issue 16, failure 8
    expect(parseText('2026-08-21T07:57:14.123456Z  WARN mqtt_broker::handler::connection{client_id="c1"}: connection closed')).toEqual({
      time: '2026-08-21T07:57:14.123456Z',
      level: 'WARN',
      target: 'mqtt_broker::handler::connection',
      span_fields: '{client_id="c1"}',
      message: 'connection closed',
    });
    const tricky = 'conn{client_id="a}b \\"q\\" {x" peer=Some(Peer { id: 1 })}:';
    for (const flags of ['', 'm']) {
      expect(parseText(textLine('WARN', 'mqtt_broker::handler', 'connection closed', tricky), flags)).toEqual({
        time: '2026-08-21T07:57:14.123456Z', level: 'WARN', span_path: tricky, target: 'mqtt_broker::handler', message: 'connection closed',
      });
    }
  });

  test('quoted span fields with ANSI codes', () => {
    const line = ansiLine('WARN', 'mqtt_broker::handler', 'connection closed', [['conn', `${italic('client_id')}${dim('=')}"c}1"`]]);
    const g = parseText(line)!;
    expect(g).toMatchObject({ level: 'WARN', target: 'mqtt_broker::handler' });
    expect(g.span_path.replace(/\x1b\[[0-9;]*m/g, '')).toBe('conn{client_id="c}1"}:');
    expect(g.message).toBe('connection closed');
  });

  test('a timestamp with an offset (a local timer)', () => {
    expect(parseText(textLine('INFO', 'a::b', 'm', '', '2026-08-21T09:57:14.123456+02:00'))).toMatchObject({ time: '2026-08-21T09:57:14.123456+02:00' });
  });

  test('lines that are not RobustMQ text records do not match', () => {
    expect(parseText('thread \'tokio-runtime-worker\' panicked at src/main.rs:10:5:')).toBeUndefined();
    expect(parseText(jsonLine('INFO', 'a::b', 'x'))).toBeUndefined();
  });
});

describe('the multiline rule keyed on the leading timestamp', () => {
  const start = new RegExp(MULTILINE_START_REGEX);
  const cont = new RegExp(MULTILINE_CONTINUATION_REGEX);

  test('starts records at timestamped lines (plain and dimmed) only', () => {
    expect(start.test(CONFIG_DUMP[0])).toBe(true);
    expect(start.test(ansiLine('INFO', 'a::b', 'x'))).toBe(true);
    for (const l of CONFIG_DUMP.slice(1)) expect(start.test(l)).toBe(false);
    expect(start.test(jsonLine('INFO', 'a::b', 'x'))).toBe(false);
  });

  test('continues with the dump\'s lines, never with a new record or a JSON line', () => {
    for (const l of CONFIG_DUMP.slice(1)) expect(cont.test(l)).toBe(true);
    expect(cont.test(CONFIG_DUMP[0])).toBe(false);
    expect(cont.test(ansiLine('WARN', 'a::b', 'x'))).toBe(false);
    expect(cont.test(jsonLine('INFO', 'a::b', 'x'))).toBe(false);
  });

  test('the start-up config dump becomes one record whose message holds the whole JSON', () => {
    const next = textLine('INFO', 'admin_server::server', 'Admin HTTP Server started successfully, listening port: 58080');
    const docs = ship([...CONFIG_DUMP, next]);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ 'level': 'INFO', 'target': 'broker_server::common', '@timestamp': '2026-08-21T07:57:13.000100000Z' });
    const dump = docs[0].message as string;
    expect(dump.startsWith('loaded config: {')).toBe(true);
    expect(JSON.parse(dump.slice('loaded config: '.length))).toEqual({
      cluster_name: 'robustmq-cluster', broker_id: 1, roles: ['meta', 'broker', 'engine'], grpc_port: 1228, http_port: 58080,
    });
    expect(docs[1]).toMatchObject({ level: 'INFO', target: 'admin_server::server', message: 'Admin HTTP Server started successfully, listening port: 58080' });
  });

  test('the dump with ANSI codes on its first line', () => {
    const first = ansiLine('INFO', 'broker_server::common', 'loaded config: {', [], '2026-08-21T07:57:13.000100Z');
    const docs = ship([first, ...CONFIG_DUMP.slice(1)]);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ level: 'INFO', target: 'broker_server::common' });
    expect(JSON.parse((docs[0].message as string).slice('loaded config: '.length)).broker_id).toBe(1);
  });
});

describe('RobustMQ JSON lines through the whole pipeline', () => {
  test.each(['INFO', 'WARN', 'ERROR'])('a %s line: level, target, message, cluster, Kubernetes metadata, time', (level) => {
    const [doc] = ship([jsonLine(level, 'admin_server::server', 'Admin HTTP Server started successfully, listening port: 58080')]);
    expect(doc).toEqual({
      '@timestamp': '2026-08-21T07:57:14.123456000Z',
      'level': level,
      'target': 'admin_server::server',
      'message': 'Admin HTTP Server started successfully, listening port: 58080',
      'robustmq_cluster': 'prod-mq',
      'kubernetes': { pod_name: 'prod-mq-0', namespace_name: 'robustmq', container_name: 'broker-server', host: 'node-a' },
      'stream': 'stdout',
      '_p': 'F',
    });
    // The names are the schema's.
    expect(Object.keys(doc)).toEqual(expect.arrayContaining([
      LOG_FIELDS.time, LOG_FIELDS.level, LOG_FIELDS.component, LOG_FIELDS.message, LOG_FIELDS.cluster,
    ]));
  });

  test('span fields lifted, spans kept, trace id lifted, other event fields under fields', () => {
    const line = jsonLine('WARN', 'meta_service::raft', 'slow apply', {
      span: { name: 'apply', machine: 'mqtt' },
      spans: [{ name: 'raft_node', node_id: 2 }, { name: 'apply', machine: 'mqtt' }],
    }, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', elapsed_ms: 1200 });
    const [doc] = ship([line]);
    expect(doc).toMatchObject({
      level: 'WARN',
      target: 'meta_service::raft',
      message: 'slow apply',
      [LOG_FIELDS.traceId]: '4bf92f3577b34da6a3ce929d0e0e4736',
      [LOG_FIELDS.spanId]: '00f067aa0ba902b7',
      [LOG_FIELDS.spanName]: 'apply',
      span_machine: 'mqtt',
      [LOG_FIELDS.spans]: [{ name: 'raft_node', node_id: 2 }, { name: 'apply', machine: 'mqtt' }],
      [LOG_FIELDS.eventFields]: { elapsed_ms: 1200 },
    });
    expect(doc).not.toHaveProperty('span');
    expect(doc).not.toHaveProperty('fields_message');
  });

  test('DEBUG and TRACE are dropped by default; a line without a level is kept', () => {
    const docs = ship([
      jsonLine('TRACE', 'a::b', 'trace'), jsonLine('DEBUG', 'a::b', 'debug'), jsonLine('INFO', 'a::b', 'info'),
      'thread \'main\' panicked at src/main.rs:10:5:', jsonLine('ERROR', 'a::b', 'error'),
    ]);
    expect(docs.map((d) => d.message)).toEqual(['info', 'thread \'main\' panicked at src/main.rs:10:5:', 'error']);
    expect(docs[1]).not.toHaveProperty('level');
  });

  test('the minimum level is configurable', () => {
    const lines = LOG_LEVELS.map((l) => jsonLine(l, 'a::b', l.toLowerCase()));
    const levels = (m: ReturnType<typeof renderedModel>) => ship(lines, m).map((d) => d.level);
    expect(levels(model)).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(levels(renderedModel({ logLevelMin: 'warn' as any }))).toEqual(['WARN', 'ERROR']);
    expect(levels(renderedModel({ logLevelMin: 'trace' as any }))).toEqual(LOG_LEVELS);
  });

  test('text lines (plain and ANSI) end up with the same schema fields as JSON lines', () => {
    const docs = ship([
      textLine('ERROR', 'meta_service::raft', 'append entries failed node_id=2'),
      ansiLine('WARN', 'admin_server::server', 'slow'),
    ]);
    expect(docs[0]).toMatchObject({ level: 'ERROR', target: 'meta_service::raft', message: 'append entries failed node_id=2', robustmq_cluster: 'prod-mq' });
    expect(docs[1]).toMatchObject({ level: 'WARN', target: 'admin_server::server', message: 'slow' });
  });

  test('a JSON line split by the runtime into partial CRI lines is joined before parsing', () => {
    const line = jsonLine('ERROR', 'a::b', 'x'.repeat(100));
    const events = unwrapCri([criLine(line.slice(0, 40), undefined, 'stdout', 'P'), criLine(line.slice(40))]);
    const [e] = runFilters(model, events, META);
    expect(e.record).toMatchObject({ level: 'ERROR', message: 'x'.repeat(100) });
  });
});

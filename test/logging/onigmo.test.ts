import { spawnSync } from 'child_process';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseRendered } from './support/fluent-bit-config';
import { CONFIG_DUMP, ESC, ansiLine, dim, italic, jsonLine, textLine } from './support/lines';
import { FluentBitConfigModel } from '../../src/logging/config';
import { FluentBit, FluentBitConfigFormat } from '../../src/logging/fluent-bit';
import { PARSER_NAMES } from '../../src/logging/parsers';
import { LOG_LEVELS } from '../../src/logging/schema';
import { RobustMqCluster } from '../../src/robustmq/cluster';

/**
 * The parsers' regular expressions run on Onigmo itself, the engine Fluent Bit compiles them with
 * (src/flb_regex.c:143-146), through Ruby, which carries the same Onigmo (6.2). The other parser
 * tests run them on JavaScript's engine; here every expression of the rendered configuration (YAML
 * and classic) is run on both engines over a corpus of RobustMQ's line shapes, and the two must
 * match the same lines and capture the same values. So what the JavaScript tests assert holds for
 * the program that reads the logs.
 */

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const RUBY_MATCHER = path.join(__dirname, 'support', 'onigmo-match.rb');

/** Named captures of one match, or null when the expression does not match the subject. */
type Captures = Record<string, string | null> | null;

/** Runs every pattern over every subject on Onigmo; a pattern Onigmo refuses gives `{ error }`. */
function onigmo(patterns: string[], subjects: string[]): Array<Captures[] | { error: string }> {
  const r = spawnSync('ruby', [RUBY_MATCHER], { input: JSON.stringify({ patterns, subjects }), encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`ruby: ${r.error.message}: run 'bash scripts/install-test-tools.sh' (Debian's ruby package)`);
  if (r.status !== 0) throw new Error(`ruby exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The same on JavaScript's engine, with and without the `m` flag (Onigmo's `^`/`$` are line anchors). */
function javascript(pattern: string, subject: string, flags: string): Captures {
  const m = new RegExp(pattern, flags).exec(subject);
  if (!m) return null;
  return Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? null]));
}

/**
 * The JavaScript flags that read `^` and `$` as Onigmo does on this subject. Onigmo's anchors are
 * line anchors at '\n' only (ONIG_OPTION_NEWLINE_CRLF is not set); JavaScript without `m` anchors at
 * the ends of the string, and with `m` also at '\r', U+2028 and U+2029. So without '\n' in the
 * subject the flag-less reading is Onigmo's, and without those three the `m` reading is; the
 * simulation (test/logging/support/simulate.ts) runs both and must not depend on which.
 * Onigmo itself said so: a CRLF line is no multiline continuation on Onigmo, while `m` on
 * JavaScript saw an empty line after the '\r'.
 */
function emulatingFlags(subject: string): string[] {
  const flags: string[] = [];
  if (!subject.includes('\n')) flags.push('');
  if (!/[\r\u2028\u2029]/.test(subject)) flags.push('m');
  return flags;
}

/**
 * What Fluent Bit makes of a match: a group that did not take part is handed to the parser with
 * length 0 (flb_regex.c:46-49 passes `end - beg` of an unset region, -1 - -1), and a value of
 * length 0 is left out while Skip_Empty_Values is on (flb_parser_regex.c:57, default on:
 * flb_parser.c:1276-1280). So an unset group and an empty one are the same: absent.
 */
function asRecord(c: Captures): Record<string, string> | null {
  if (c === null) return null;
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null && v !== '')) as Record<string, string>;
}

function rendered(format: FluentBitConfigFormat): FluentBitConfigModel {
  const app = Testing.app();
  const cluster = new RobustMqCluster(new Chart(app, 'mq', { namespace: 'robustmq' }), 'cluster', { clusterName: 'prod-mq' });
  const fb = new FluentBit(new Chart(app, 'logs', { namespace: 'logging' }), 'fb', { cluster, configFormat: format });
  return parseRendered(fb);
}

/** Every regular expression of a configuration, named by its parser or multiline rule. */
function expressionsOf(model: FluentBitConfigModel): Array<[string, string]> {
  return [
    ...model.parsers.filter((p) => p.regex).map((p): [string, string] => [`parser ${p.name}`, p.regex as string]),
    ...model.multilineParsers.flatMap((p) => p.rules.map((r, i): [string, string] => [`${p.name} rule ${i} (${r.state})`, r.regex])),
  ];
}

const TARGETS = ['meta_service::raft', 'admin_server::server', 'mqtt_broker::handler::connection', 'broker_server', 'journal_server::segment'];
const QUOTED_SPANS = [
  'conn{client_id="c1"}:',
  'conn{client_id="a}b \\"q\\" {x" peer=Some(Peer { id: 1 })}:',
  'conn{client_id="c1" addr=10.0.0.5:50312}:publish{topic="sensors/1" qos=1}:',
  'conn{client_id="\\\\"}:',
  'conn{client_id=""}:',
  'session:',
  'raft_node{node_id=2}:append:',
];
const MESSAGES = [
  'append entries failed node_id=2',
  'config: loaded from /etc/robustmq/server.toml',
  'connection closed reason="keep alive timeout"',
  'Gerät verbunden: 温度センサー 🌡',
  'tab\tinside',
  'ends with a carriage return\r',
  'x',
];

/** RobustMQ's line shapes, and lines that are not RobustMQ text records. */
function corpus(): string[] {
  const lines: string[] = [];
  for (const level of LOG_LEVELS) {
    for (const target of TARGETS) {
      for (const message of MESSAGES) lines.push(textLine(level, target, message));
    }
    for (const spans of QUOTED_SPANS) {
      lines.push(textLine(level, 'mqtt_broker::handler', 'connection closed', spans));
      lines.push(ansiLine(level, 'mqtt_broker::handler', 'connection closed', [['conn', `${italic('client_id')}${dim('=')}"c}1"`]]));
    }
    lines.push(ansiLine(level, 'admin_server::server', 'Admin HTTP Server started successfully, listening port: 58080'));
    lines.push(ansiLine(level, 'meta_service::raft', `append entries failed ${italic('peer')}${dim('=')}3`,
      [['raft_node', `${italic('node_id')}${dim('=')}2`], ['append', undefined]]));
    lines.push(jsonLine(level, 'admin_server::server', 'started', { span: { name: 'apply' } }, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }));
  }
  // Quoted fields right after the target (no span path), as failure 8 of issue 16 showed them.
  lines.push('2026-08-21T07:57:14.123456Z  WARN mqtt_broker::handler::connection{client_id="c1"}: connection closed');
  lines.push('2026-08-21T09:57:14.123456+02:00  INFO a::b: local timer');
  lines.push('2026-08-21T07:57:14Z  INFO a::b: no fraction');
  lines.push(`${ESC}[2m2026-08-21T07:57:14.123456Z${ESC}[0m`);
  lines.push(...CONFIG_DUMP);
  // Whole records as the multiline filter hands them to the text parser: lines joined by '\n'.
  lines.push(CONFIG_DUMP.join('\n'));
  lines.push([
    textLine('ERROR', 'journal_server::segment', 'segment write failed'),
    'thread \'tokio-runtime-worker\' panicked at src/journal/segment.rs:88:17:',
    'called `Option::unwrap()` on a `None` value',
  ].join('\n'));
  lines.push(
    'thread \'main\' panicked at src/main.rs:10:5:',
    'thread \'tokio-runtime-worker\' panicked at src/journal/segment.rs:88:17:',
    'called `Option::unwrap()` on a `None` value',
    'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
    'stack backtrace:',
    '   0: rust_begin_unwind',
    '             at /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/panicking.rs:665:5',
    '{"not":"robustmq"}',
    '',
    ' ',
    'INFO without a timestamp',
    '2026-08-21 07:57:14.123 INFO a::b: space instead of T',
  );
  return lines;
}

const SUBJECTS = corpus();
const MODELS = { yaml: rendered(FluentBitConfigFormat.YAML), classic: rendered(FluentBitConfigFormat.CLASSIC) };

describe.each(Object.entries(MODELS))('the %s rendering on Onigmo', (_format, model) => {
  const named = expressionsOf(model);
  const patterns = named.map(([, re]) => re);
  const results = onigmo(patterns, SUBJECTS);

  test('carries the four expressions and Onigmo compiles each', () => {
    expect(patterns).toHaveLength(4);
    for (const row of results) expect(row).not.toHaveProperty('error');
  });

  test.each(named.map(([name], i) => [name, i]))('%s matches and captures as on JavaScript\'s engine', (_name, i) => {
    const row = results[i as number] as Captures[];
    const differences: string[] = [];
    SUBJECTS.forEach((subject, j) => {
      const native = asRecord(row[j]);
      for (const flags of emulatingFlags(subject)) {
        const js = asRecord(javascript(patterns[i as number], subject, flags));
        if (JSON.stringify(js) !== JSON.stringify(native)) {
          differences.push(`${JSON.stringify(subject)} (flags '${flags}'): Onigmo ${JSON.stringify(native)}, JavaScript ${JSON.stringify(js)}`);
        }
      }
    });
    expect(differences).toEqual([]);
  });

  test('the corpus exercises every expression both ways (some lines match, some do not)', () => {
    for (const row of results as Captures[][]) {
      expect(row.some((c) => c !== null)).toBe(true);
      expect(row.some((c) => c === null)).toBe(true);
    }
  });
});

describe('the comparison can fail', () => {
  // Constructs outside the common subset (src/logging/regex.ts refuses them) read differently on
  // the two engines, and the comparison above would report them.
  test.each([
    ['a.b', 'a\rb'], // '.' matches '\r' on Onigmo only
    ['^\\h+$', 'ff'], // '\h' is a hex digit on Onigmo, a literal 'h' on JavaScript
    ['^b$', 'a\nb'], // '^' is a line anchor on Onigmo, a string anchor on JavaScript without 'm'
  ])('%j on %j differs', (pattern, subject) => {
    const [row] = onigmo([pattern], [subject]) as Captures[][];
    expect(asRecord(row[0])).not.toEqual(asRecord(javascript(pattern, subject, '')));
  });

  test('the text parser on a quoted span field: level and target on Onigmo', () => {
    const line = '2026-08-21T07:57:14.123456Z  WARN mqtt_broker::handler::connection{client_id="c1"}: connection closed';
    const text = MODELS.yaml.parsers.find((p) => p.name === PARSER_NAMES.text)!.regex as string;
    const [row] = onigmo([text], [line]) as Captures[][];
    expect(asRecord(row[0])).toMatchObject({ level: 'WARN', target: 'mqtt_broker::handler::connection', message: 'connection closed' });
  });
});

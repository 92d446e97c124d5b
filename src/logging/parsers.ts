import { FluentBitSection, MultilineParserModel } from './config';
import { LOG_FIELDS, LOG_LEVELS, ROBUSTMQ_JSON_KEYS } from './schema';

/**
 * The parsers for what RobustMQ writes (tracing-subscriber's formats, FACTS.md "Logs"), as
 * Fluent Bit parser definitions. Every regular expression here stays inside the subset that
 * Onigmo and JavaScript read the same way (see regex.ts), and the tests run each of them in
 * JavaScript against real sample lines.
 */

/** Names of the parsers this library defines. */
export const PARSER_NAMES = {
  /** RobustMQ's `formatter = "json"`: one JSON object per line. */
  json: 'robustmq_json',
  /** RobustMQ's default text format, with or without ANSI escape codes, with or without spans. */
  text: 'robustmq_text',
  /** Joins a text record's continuation lines (the start-up config dump) to it. */
  multiline: 'robustmq_multiline',
} as const;

/** The time format of RobustMQ's timestamps, `2026-08-21T07:57:14.123456Z` (strptime with Fluent Bit's `%L`). */
export const ROBUSTMQ_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%L%z';

/** Name of the text parser's time capture (consumed as the record time, not kept). */
const TEXT_TIME_GROUP = 'time';

/** Any run of ANSI SGR escape codes (`ESC [ ... m`), possibly none. */
const ESC = '(?:\\x1b\\[[0-9;]*m)*';
/** RFC 3339 time as tracing's SystemTime timer writes it (UTC `Z`, or an offset from a local timer). */
const TIMESTAMP = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})';
/** A span name (tracing span names are identifiers in RobustMQ: function and module names). */
const SPAN_NAME = '[A-Za-z_][A-Za-z0-9_]*';
/** A target: a Rust module path `crate::module::sub`, or a custom target. */
const TARGET_SEGMENT = '[A-Za-z0-9_.-]+';
const TARGET = `${TARGET_SEGMENT}(?:::${TARGET_SEGMENT})*`;
/**
 * A quoted value as tracing's Debug formatting writes a string field, `"c1"`, `"a \"b\" }"`:
 * backslash escapes inside, so a `}` or a quote inside the value does not end the fields.
 */
const QUOTED = '\\x22(?:[^\\x22\\\\]|\\\\[\\s\\S])*\\x22';
/**
 * A span's fields between braces, `{client_id="c1" peer=Some(Peer { id: 1 })}`: quoted values,
 * one level of nested braces (Debug of a struct), anything else but braces and quotes (ANSI codes
 * included).
 */
const FIELDS = `\\{(?:[^{}\\x22]|${QUOTED}|\\{(?:[^{}\\x22]|${QUOTED})*\\})*\\}`;
/** One span of the prefix: `name:` or `name{field=value ...}:`, each part possibly wrapped in escape codes. */
const SPAN = `${ESC}${SPAN_NAME}${ESC}(?:${FIELDS}${ESC})?:${ESC}`;
/** A span with fields. */
const SPAN_WITH_FIELDS = `${ESC}${SPAN_NAME}${ESC}${FIELDS}${ESC}:${ESC}`;

/**
 * The span prefix before the target. Text cannot tell `span: target: message` from
 * `target: message: ...` in general, so a prefix is taken as spans when it has a span with
 * fields (`name{...}:`), or, for spans without fields, when the target after it is a module
 * path (`crate::module`). A crate-root target followed by a message that starts with
 * `word:` is therefore read as target and message, not as a span.
 */
const SPAN_PREFIX = `(?<${LOG_FIELDS.spanPath}>(?:${SPAN})*${SPAN_WITH_FIELDS}(?:${SPAN})*|(?:${SPAN})+(?=[ ]${ESC}${TARGET_SEGMENT}::))[ ]`;

/**
 * RobustMQ's default text line: `<time> <LEVEL> [spans ]<target>[{fields}]: <message>`, the
 * level right-aligned to 5 characters, with ANSI colour codes when `ansi = true`. The message
 * runs to the end of the record, across the lines a multiline record joined. A target directly
 * followed by fields, `mqtt_broker::handler::connection{client_id="c1"}: connection closed` (a
 * span named by its module path, with no separate target), keeps the fields in
 * LOG_FIELDS.spanFields.
 */
export const ROBUSTMQ_TEXT_REGEX = [
  `^${ESC}(?<${TEXT_TIME_GROUP}>${TIMESTAMP})${ESC}[ ]+${ESC}[ ]*`,
  `(?<${LOG_FIELDS.level}>${LOG_LEVELS.join('|')})${ESC}[ ]+`,
  `(?:${SPAN_PREFIX})?`,
  `${ESC}(?<${LOG_FIELDS.component}>${TARGET})${ESC}(?:(?<${LOG_FIELDS.spanFields}>${FIELDS})${ESC})?:${ESC}[ ]`,
  `(?<${LOG_FIELDS.message}>[\\s\\S]*)`,
].join('');

/** A line that starts a record in the text format: it begins with the timestamp (possibly dimmed). */
export const MULTILINE_START_REGEX = `^${ESC}${TIMESTAMP}[\\s\\S]*`;

/**
 * The first line of a Rust panic, which the standard library writes to stderr without a
 * timestamp: `thread 'main' panicked at src/main.rs:2:5:` (`'<unnamed>'` for an unnamed thread).
 * It starts a record of its own, so it is never appended to the record before it (a DEBUG line
 * the level filter drops would take it along: issue 16, failure 6).
 */
export const PANIC_START_REGEX = '^thread \'[^\']*\' panicked at [\\s\\S]*';

/**
 * A continuation line: neither a new timestamped text record, nor a panic's first line, nor a
 * JSON-format record (`{"...`), such as the lines of the pretty-printed config dump RobustMQ logs
 * at start-up, or a panic's message and backtrace.
 */
export const MULTILINE_CONTINUATION_REGEX = `^(?!${ESC}${TIMESTAMP})(?!thread '[^']*' panicked at )(?!\\{\\x22)[\\s\\S]*`;

/** The parser of RobustMQ's JSON lines. */
export function robustMqJsonParser(): FluentBitSection {
  return {
    name: PARSER_NAMES.json,
    format: 'json',
    time_key: ROBUSTMQ_JSON_KEYS.timestamp,
    time_format: ROBUSTMQ_TIME_FORMAT,
    time_keep: 'Off',
  };
}

/** The parser of RobustMQ's text lines. */
export function robustMqTextParser(): FluentBitSection {
  return {
    name: PARSER_NAMES.text,
    format: 'regex',
    regex: ROBUSTMQ_TEXT_REGEX,
    time_key: TEXT_TIME_GROUP,
    time_format: ROBUSTMQ_TIME_FORMAT,
    time_keep: 'Off',
    skip_empty_values: 'On',
  };
}

/**
 * The multiline parser keyed on the leading timestamp and on a panic's first line. Fluent Bit
 * tries the continuation rules of the current state first and only then the start rules
 * (src/multiline/flb_ml_rule.c:355-398), which is why the continuation rule excludes both
 * kinds of first line.
 */
export function robustMqMultilineParser(flushTimeoutMs = 1000): MultilineParserModel {
  return {
    name: PARSER_NAMES.multiline,
    properties: { type: 'regex', flush_timeout: String(flushTimeoutMs) },
    rules: [
      { state: 'start_state', regex: MULTILINE_START_REGEX, nextState: 'cont' },
      { state: 'start_state', regex: PANIC_START_REGEX, nextState: 'cont' },
      { state: 'cont', regex: MULTILINE_CONTINUATION_REGEX, nextState: 'cont' },
    ],
  };
}

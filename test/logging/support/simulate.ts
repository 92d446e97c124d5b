import { FluentBitConfigModel, FluentBitSection } from '../../../src/logging/config';

/**
 * A JavaScript model of the Fluent Bit filters the pipeline uses (multiline, parser, grep,
 * kubernetes, nest, modify) and of the es output's document, driven by a parsed configuration
 * model. It runs the configuration's own regular expressions, so a test over it shows what
 * records the rendered configuration makes of RobustMQ's lines. `flags` is '' or 'm' (Onigmo's
 * `^`/`$` are line anchors, like JavaScript's `m`).
 *
 * Every modelled behaviour names the Fluent Bit source it follows, at tag v5.0.9 of
 * github.com/fluent/fluent-bit. What happens across chunks, retries and shutdown is in
 * ./engine.ts.
 */

export type LogRecord = { [key: string]: any };

/** A record and the event time the pipeline gave it. */
export interface Event {
  readonly time?: string;
  readonly record: LogRecord;
}

/** Kubernetes metadata the kubernetes filter would add. */
export interface PodMeta {
  readonly pod: string;
  readonly namespace: string;
  readonly container: string;
  readonly node: string;
}

/** A CRI log line: `<time> <stream> <F|P> <content>`. */
export function criLine(content: string, time = '2026-08-21T07:57:14.200000000Z', stream = 'stdout', tag = 'F'): string {
  return `${time} ${stream} ${tag} ${content}`;
}

/**
 * The built-in cri multiline parser (src/multiline/flb_ml_parser_cri.c): the regex
 * `^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$` (line 25), partial lines `P`
 * joined until an `F` (FLB_ML_EQ with match_str "F" on `_p`, lines 66-72), the `time` key kept (time keep FLB_TRUE,
 * line 41).
 */
export function unwrapCri(lines: string[]): Event[] {
  const re = /^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<log>[\s\S]*)$/;
  const out: Event[] = [];
  let partial = '';
  for (const line of lines) {
    const m = re.exec(line);
    if (!m) throw new Error(`not a CRI line: ${line}`);
    const g = m.groups!;
    if (g.logtag.startsWith('P')) {
      partial += g.log;
      continue;
    }
    out.push({ time: g.time, record: { time: g.time, stream: g.stream, _p: 'F', log: partial + g.log } });
    partial = '';
  }
  return out;
}

/** Docker's json-file line, as the built-in docker multiline parser unwraps it (src/multiline/flb_ml_parser_docker.c: JSON, `time` kept, line 36). */
export function unwrapDocker(lines: string[]): Event[] {
  return lines.map((l) => {
    const o = JSON.parse(l);
    return { time: o.time, record: { log: String(o.log).replace(/\n$/, ''), stream: o.stream, time: o.time } };
  });
}

function list(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

function one(section: FluentBitSection, key: string): string | undefined {
  const v = section[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${section.name}: ${key} is a list`);
  return v;
}

function isMap(v: unknown): v is LogRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the multiline filter keeps between chunks (its buffered mode). */
export interface MultilineState {
  pending?: { event: Event; lines: string[]; state: string };
}

/**
 * The multiline filter in parser mode, over one chunk. Line rules as in
 * src/multiline/flb_ml_rule.c:355-398: in a continuation, the current state's non-start rules are
 * tried first; then the start rules, which flush what was pending; a line neither matches
 * flushes what was pending and goes out as it is. `flushAtEnd`: whether what is pending leaves
 * with this chunk (unbuffered mode, plugins/filter_multiline/ml.c:884) or waits in `st`.
 */
function multiline(model: FluentBitConfigModel, f: FluentBitSection, events: Event[], flags: string,
  st: MultilineState = {}, flushAtEnd = true): Event[] {
  const parserName = one(f, 'multiline.parser')!;
  const parser = model.multilineParsers.find((p) => p.name === parserName);
  if (!parser) throw new Error(`multiline parser ${parserName} is not defined`);
  const key = one(f, 'multiline.key_content')!;
  const rules = parser.rules.map((r) => ({ ...r, re: new RegExp(r.regex, flags) }));
  const out: Event[] = [];
  const flush = () => {
    const pending = st.pending;
    if (pending) out.push({ time: pending.event.time, record: { ...pending.event.record, [key]: pending.lines.join('\n') } });
    st.pending = undefined;
  };
  for (const e of events) {
    const content = e.record[key];
    if (typeof content !== 'string') {
      flush();
      out.push(e);
      continue;
    }
    if (st.pending) {
      const cont = rules.find((r) => r.state === st.pending!.state && r.state !== 'start_state' && r.re.test(content));
      if (cont) {
        st.pending.lines.push(content);
        st.pending.state = cont.nextState;
        continue;
      }
    }
    const start = rules.find((r) => r.state === 'start_state' && r.re.test(content));
    flush();
    if (start) {
      st.pending = { event: e, lines: [content], state: start.nextState };
    } else {
      out.push(e);
    }
  }
  if (flushAtEnd) flush();
  return out;
}

/**
 * One parser (src/flb_parser_json.c, src/flb_parser_regex.c): a regex parser's named groups
 * become keys, empty ones skipped with skip_empty_values (flb_parser_regex.c:57); the time_key
 * becomes the record time and is removed unless time_keep (flb_parser_regex.c:92, the default
 * off at src/flb_parser.c:1291).
 */
function applyParser(model: FluentBitConfigModel, name: string, value: string, flags: string): { fields: LogRecord; time?: string } | undefined {
  const def = model.parsers.find((p) => p.name === name);
  if (!def) throw new Error(`parser ${name} is not defined`);
  let fields: LogRecord;
  if (def.format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
    if (!isMap(parsed)) return undefined;
    fields = { ...parsed };
  } else if (def.format === 'regex') {
    const m = new RegExp(one(def, 'regex')!, flags).exec(value);
    if (!m || !m.groups) return undefined;
    fields = {};
    for (const [k, v] of Object.entries(m.groups)) {
      if (v === undefined) continue;
      if (v === '' && def.skip_empty_values === 'On') continue;
      fields[k] = v;
    }
  } else {
    throw new Error(`parser format ${def.format} is not simulated`);
  }
  const timeKey = one(def, 'time_key');
  let time: string | undefined;
  if (timeKey && typeof fields[timeKey] === 'string') {
    time = fields[timeKey];
    if (def.time_keep !== 'On') delete fields[timeKey];
  }
  return { fields, time };
}

/**
 * The parser filter (plugins/filter_parser/filter_parser.c): the first parser that matches
 * wins; with reserve_data the other keys are kept (line 237-252) and key_name itself only with
 * preserve_key (line 312); a value no parser matches leaves the record as it was.
 */
function parserFilter(model: FluentBitConfigModel, f: FluentBitSection, events: Event[], flags: string): Event[] {
  const key = one(f, 'key_name')!;
  return events.map((e) => {
    const value = e.record[key];
    if (typeof value !== 'string') return e;
    for (const name of list(f.parser)) {
      const parsed = applyParser(model, name, value, flags);
      if (!parsed) continue;
      const kept: LogRecord = {};
      if (one(f, 'reserve_data') === 'On') {
        for (const [k, v] of Object.entries(e.record)) if (k !== key || one(f, 'preserve_key') === 'On') kept[k] = v;
      }
      return { time: parsed.time ?? e.time, record: { ...kept, ...parsed.fields } };
    }
    return e;
  });
}

/**
 * The grep filter (plugins/filter_grep/grep.c:166-193, grep_filter_data): rules in order; a
 * `regex` rule that does not match excludes, an `exclude` rule that matches excludes; a missing
 * key does not match.
 */
function grep(f: FluentBitSection, events: Event[], flags: string): Event[] {
  const rules = [
    ...list(f.regex).map((r) => ({ keep: true, r })),
    ...list(f.exclude).map((r) => ({ keep: false, r })),
  ].map(({ keep, r }) => {
    const sp = r.indexOf(' ');
    return { keep, key: r.slice(0, sp), re: new RegExp(r.slice(sp + 1), flags) };
  });
  return events.filter((e) => rules.every(({ keep, key, re }) => {
    const v = e.record[key];
    const matches = typeof v === 'string' && re.test(v);
    return keep ? matches : !matches;
  }));
}

/**
 * The kubernetes filter (plugins/filter_kubernetes/kubernetes.c): with merge_log a JSON `log`
 * is merged into the record (line 296-324) and removed unless keep_log (line 369); the
 * metadata goes under `kubernetes` (the API lookup itself is not modelled: `meta` stands in).
 */
function kubernetes(f: FluentBitSection, events: Event[], meta: PodMeta): Event[] {
  return events.map((e) => {
    const record: LogRecord = { ...e.record };
    if (one(f, 'merge_log') === 'On' && typeof record.log === 'string') {
      try {
        const parsed = JSON.parse(record.log);
        if (isMap(parsed)) {
          Object.assign(record, parsed);
          if (one(f, 'keep_log') !== 'On') delete record.log;
        }
      } catch {
        // not JSON: kept as it is
      }
    }
    record.kubernetes = { pod_name: meta.pod, namespace_name: meta.namespace, container_name: meta.container, host: meta.node };
    return { time: e.time, record };
  });
}

/**
 * The nest filter (plugins/filter_nest/nest.c): `lift` moves a map's keys up, with add_prefix
 * (apply_lifting_rules, line 473); `nest` moves the keys matching a wildcard under a new key,
 * with remove_prefix (apply_nesting_rules, line 535). A record without the map is untouched.
 */
function nest(f: FluentBitSection, events: Event[]): Event[] {
  const op = one(f, 'operation');
  return events.map((e) => {
    const record: LogRecord = { ...e.record };
    if (op === 'lift') {
      const under = one(f, 'nested_under')!;
      const prefix = one(f, 'add_prefix') ?? '';
      const inner = record[under];
      if (!isMap(inner)) return e;
      delete record[under];
      for (const [k, v] of Object.entries(inner)) {
        if (prefix + k in record) throw new Error(`nest lift would write key '${prefix + k}' twice`);
        record[prefix + k] = v;
      }
      return { time: e.time, record };
    }
    if (op === 'nest') {
      const wildcard = one(f, 'wildcard')!;
      if (!wildcard.endsWith('*')) throw new Error('only prefix wildcards are simulated');
      const prefix = wildcard.slice(0, -1);
      const remove = one(f, 'remove_prefix') ?? '';
      const under = one(f, 'nest_under')!;
      const keys = Object.keys(record).filter((k) => k.startsWith(prefix));
      if (keys.length === 0) return e;
      if (under in record) throw new Error(`nest would write key '${under}' twice`);
      const inner: LogRecord = {};
      for (const k of keys) {
        inner[k.startsWith(remove) ? k.slice(remove.length) : k] = record[k];
        delete record[k];
      }
      record[under] = inner;
      return { time: e.time, record };
    }
    throw new Error(`nest operation ${op} is not simulated`);
  });
}

/**
 * The modify filter (plugins/filter_modify/modify.c): `rename` only when the key exists and the
 * new name does not (apply_rule_RENAME, line 955-977); `add` only when the key is missing
 * (apply_rule_ADD, line 1165); `remove` (apply_rule_REMOVE, line 1208). Rules in order (line 1384).
 */
function modify(f: FluentBitSection, events: Event[]): Event[] {
  const pairs = (key: string) => list(f[key]).map((r) => {
    const sp = r.indexOf(' ');
    return [r.slice(0, sp), r.slice(sp + 1)] as const;
  });
  return events.map((e) => {
    const record: LogRecord = { ...e.record };
    for (const [from, to] of pairs('rename')) {
      if (from in record && !(to in record)) {
        record[to] = record[from];
        delete record[from];
      }
    }
    for (const [k, v] of pairs('add')) if (!(k in record)) record[k] = v;
    for (const k of list(f.remove)) delete record[k];
    return { time: e.time, record };
  });
}

/** How runFilterChain treats the multiline filter and reports each filter's records in and out. */
export interface ChainOptions {
  readonly state?: MultilineState;
  readonly flushAtEnd?: (f: FluentBitSection) => boolean;
  readonly onFilter?: (f: FluentBitSection, inRecords: number, outRecords: number) => void;
}

/** Runs the model's filters over one chunk of events from the tail input. */
export function runFilterChain(model: FluentBitConfigModel, events: Event[], meta: PodMeta, flags: string, o: ChainOptions = {}): Event[] {
  let out = events;
  for (const f of model.filters) {
    const inRecords = out.length;
    switch (f.name) {
      case 'multiline': out = multiline(model, f, out, flags, o.state ?? {}, o.flushAtEnd ? o.flushAtEnd(f) : true); break;
      case 'parser': out = parserFilter(model, f, out, flags); break;
      case 'grep': out = grep(f, out, flags); break;
      case 'kubernetes': out = kubernetes(f, out, meta); break;
      case 'nest': out = nest(f, out); break;
      case 'modify': out = modify(f, out); break;
      default: throw new Error(`filter ${f.name} is not simulated`);
    }
    o.onFilter?.(f, inRecords, out.length);
  }
  return out;
}

/** Runs the model's filters over events from the tail input, as one chunk with everything flushed. */
export function runFilters(model: FluentBitConfigModel, events: Event[], meta: PodMeta, flags = ''): Event[] {
  return runFilterChain(model, events, meta, flags);
}

/**
 * Replace_Dots (plugins/out_es/es.c:131; the opensearch output the same, opensearch.c:124-130,
 * recursing into maps and arrays at 147-160): dots in keys become underscores, at every depth.
 */
function replaceDots(v: any): any {
  if (Array.isArray(v)) return v.map(replaceDots);
  if (!isMap(v)) return v;
  const out: LogRecord = {};
  for (const [k, x] of Object.entries(v)) out[k.replace(/\./g, '_')] = replaceDots(x);
  return out;
}

/**
 * The `@timestamp` the es output writes (plugins/out_es/es.c:474-487): the event time in UTC as
 * `%Y-%m-%dT%H:%M:%S`, then `.%09` nanoseconds with Time_Key_Nanos, else `.%03` milliseconds,
 * then `Z`. The event time keeps up to nanoseconds (the parsers' `%L`).
 */
export function esTimestamp(time: string | undefined, nanos: boolean): string | undefined {
  if (time === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/.exec(time);
  if (!m) throw new Error(`not an RFC 3339 time: ${time}`);
  const seconds = new Date(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`).toISOString().slice(0, 19);
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return `${seconds}.${nanos ? frac : frac.slice(0, 3)}Z`;
}

/**
 * The document the es (or opensearch) output writes for an event. The opensearch output formats
 * `@timestamp` the same way (plugins/out_opensearch/opensearch.c:462-473: strftime of
 * Time_Key_Format, then `.%09` or `.%03` and `Z`).
 */
export function esDocument(model: FluentBitConfigModel, e: Event): LogRecord {
  const out = model.outputs.find((o) => o.name === 'es' || o.name === 'opensearch');
  if (!out) throw new Error('no es or opensearch output');
  const body = one(out, 'replace_dots') === 'On' ? replaceDots(e.record) : { ...e.record };
  const nanos = /^(on|true)$/i.test(one(out, 'time_key_nanos') ?? '');
  return { [one(out, 'time_key') ?? '@timestamp']: esTimestamp(e.time, nanos), ...body };
}

import { Yaml } from 'cdk8s';
import { portableRegexProblem } from './regex';

/**
 * A typed model of a Fluent Bit configuration and its two renderings: the YAML format
 * (Fluent Bit's standard since 3.2: `service`, `parsers`, `multiline_parsers`,
 * `pipeline.inputs/filters/outputs` in one file) and the classic `.conf` format
 * (`[SERVICE]`, `[INPUT]`, `[FILTER]`, `[OUTPUT]` in the main file, `[PARSER]` and
 * `[MULTILINE_PARSER]` in a parsers file named by `Parsers_File`).
 *
 * Pure: no constructs. Keys are Fluent Bit's property names in lower case (Fluent Bit reads
 * them case-insensitively); the classic renderer writes them in their documented case.
 */

/**
 * A property value: one string, or several for a property that may repeat (classic: the key
 * on several lines; YAML: a list). A list always has at least two entries.
 */
export type FluentBitValue = string | readonly string[];

/** A plugin or parser section: its properties in order, `name` first. */
export interface FluentBitSection {
  readonly [key: string]: FluentBitValue;
}

/** A rule of a multiline parser: in `state`, a line matching `regex` continues in `nextState`. */
export interface MultilineRule {
  readonly state: string;
  /** The expression, without the `/.../` delimiters the renderers add. */
  readonly regex: string;
  readonly nextState: string;
}

/** A multiline parser. */
export interface MultilineParserModel {
  readonly name: string;
  /** Its other properties (`type`, `flush_timeout`, ...). */
  readonly properties: { readonly [key: string]: string };
  readonly rules: readonly MultilineRule[];
}

/** A whole Fluent Bit configuration. */
export interface FluentBitConfigModel {
  readonly service: { readonly [key: string]: string };
  readonly parsers: readonly FluentBitSection[];
  readonly multilineParsers: readonly MultilineParserModel[];
  readonly inputs: readonly FluentBitSection[];
  readonly filters: readonly FluentBitSection[];
  readonly outputs: readonly FluentBitSection[];
}

/** The files of a rendered configuration: file name to content. */
export interface RenderedConfig {
  /** The file Fluent Bit is started with (`--config`). */
  readonly mainFile: string;
  readonly files: { readonly [file: string]: string };
}

/** File names inside the configuration directory. */
export const CONFIG_FILES = {
  yaml: 'fluent-bit.yaml',
  classic: 'fluent-bit.conf',
  classicParsers: 'parsers.conf',
} as const;

const KEY = /^[a-z0-9][a-z0-9_.-]*$/;

function valuesOf(value: FluentBitValue): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function valueProblem(where: string, key: string, value: FluentBitValue): string | undefined {
  if (!KEY.test(key)) return `${where}: key '${key}' must be lower-case letters, digits, '_', '.' and '-'`;
  if (typeof value !== 'string') {
    if (!Array.isArray(value) || value.length < 2) return `${where}: ${key} must be a string or a list of at least two strings`;
  }
  for (const v of valuesOf(value)) {
    if (typeof v !== 'string' || v.trim() === '' || v !== v.trim() || /[\r\n]/.test(v)) {
      return `${where}: ${key} '${v}' must be a non-empty single line without leading or trailing spaces (the classic format could not carry it)`;
    }
  }
  return undefined;
}

function sectionProblem(where: string, section: FluentBitSection): string | undefined {
  const keys = Object.keys(section);
  if (keys[0] !== 'name' || typeof section.name !== 'string') return `${where}: must start with its name`;
  for (const k of keys) {
    const p = valueProblem(`${where} '${section.name}'`, k, section[k]);
    if (p) return p;
  }
  return undefined;
}

/**
 * The first problem of a model, or undefined: keys, single-line values, named sections,
 * unique parser names, rules that the classic format can carry (no `"`), and regular
 * expressions that Onigmo and JavaScript read the same way.
 */
export function configModelProblem(model: FluentBitConfigModel): string | undefined {
  for (const [k, v] of Object.entries(model.service)) {
    const p = valueProblem('service', k, v);
    if (p) return p;
    if (typeof v !== 'string') return `service: ${k} must be a single string (Fluent Bit's service section takes no lists)`;
  }
  // Fluent Bit's YAML loader takes lists for plugin properties only, not for parser properties.
  for (const p of model.parsers) {
    const list = Object.entries(p).find(([, v]) => typeof v !== 'string');
    if (list) return `parser '${p.name}': ${list[0]} must be a single string (parser properties take no lists)`;
  }
  const lists: Array<[string, readonly FluentBitSection[]]> = [
    ['parser', model.parsers], ['input', model.inputs], ['filter', model.filters], ['output', model.outputs],
  ];
  for (const [where, sections] of lists) {
    for (const s of sections) {
      const p = sectionProblem(where, s);
      if (p) return p;
    }
  }
  const parserNames = [...model.parsers.map((p) => p.name as string), ...model.multilineParsers.map((m) => m.name)];
  const dup = parserNames.find((n, i) => parserNames.indexOf(n) !== i);
  if (dup) return `parsers: name '${dup}' is defined twice`;
  for (const p of model.parsers) {
    if (typeof p.regex === 'string') {
      const problem = portableRegexProblem(p.regex);
      if (problem) return `parser '${p.name}': regex ${problem}`;
    }
  }
  for (const m of model.multilineParsers) {
    const where = `multiline parser '${m.name}'`;
    const p = valueProblem(where, 'name', m.name);
    if (p) return p;
    for (const [k, v] of Object.entries(m.properties)) {
      const q = valueProblem(where, k, v);
      if (q) return q;
    }
    if (!m.rules.some((r) => r.state === 'start_state')) return `${where}: must have a 'start_state' rule`;
    for (const r of m.rules) {
      for (const [field, v] of [['state', r.state], ['next state', r.nextState], ['regex', r.regex]] as const) {
        if (v.includes('"') || /[\r\n]/.test(v) || v === '') {
          return `${where}: rule ${field} '${v}' must be a non-empty single line without '"' (the classic format quotes it)`;
        }
      }
      const problem = portableRegexProblem(r.regex);
      if (problem) return `${where}: rule regex ${problem}`;
    }
  }
  return undefined;
}

function header(comment: string): string {
  return `# ${comment}\n`;
}

const DEFAULT_HEADER = 'Rendered by cdk8s-robustmq-observability. Do not edit: change the FluentBit construct and synthesize again.';

/** The YAML rendering: one file with service, parsers, multiline_parsers and pipeline. */
export function renderYaml(model: FluentBitConfigModel, comment = DEFAULT_HEADER): string {
  const section = (s: FluentBitSection) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'string' ? v : [...v];
    return out;
  };
  const doc: Record<string, unknown> = { service: { ...model.service } };
  if (model.parsers.length > 0) doc.parsers = model.parsers.map(section);
  if (model.multilineParsers.length > 0) {
    doc.multiline_parsers = model.multilineParsers.map((m) => ({
      name: m.name,
      ...m.properties,
      rules: m.rules.map((r) => ({ state: r.state, regex: `/${r.regex}/`, next_state: r.nextState })),
    }));
  }
  doc.pipeline = {
    inputs: model.inputs.map(section),
    filters: model.filters.map(section),
    outputs: model.outputs.map(section),
  };
  return header(comment) + Yaml.stringify(doc);
}

const ACRONYMS: { [word: string]: string } = {
  db: 'DB', url: 'URL', http: 'HTTP', k8s: 'K8S', ca: 'CA', id: 'ID', hc: 'HC', tls: 'TLS',
};

/**
 * A key as the classic format's documentation writes it: `Mem_Buf_Limit`, `DB`, `Kube_URL`,
 * `K8S-Logging.Parser`; dotted keys such as `storage.type` and `multiline.parser` stay lower case.
 */
export function classicKey(key: string): string {
  if (key.includes('.') && !key.startsWith('k8s-logging.')) return key;
  return key.split(/([_.-])/).map((part) => {
    if (part === '' || /^[_.-]$/.test(part)) return part;
    return ACRONYMS[part] ?? part[0].toUpperCase() + part.slice(1);
  }).join('');
}

function classicSection(title: string, entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return [`[${title}]`, ...entries.map(([k, v]) => `    ${k.padEnd(width)} ${v}`)].join('\n') + '\n';
}

function classicEntries(section: { readonly [key: string]: FluentBitValue }): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(section)) {
    for (const one of valuesOf(v)) out.push([classicKey(k), one]);
  }
  return out;
}

/**
 * The classic rendering: the main file (with `Parsers_File` pointing at `parsersPath`) and the
 * parsers file.
 */
export function renderClassic(model: FluentBitConfigModel, parsersPath: string, comment = DEFAULT_HEADER): { main: string; parsers: string } {
  const hasParsers = model.parsers.length + model.multilineParsers.length > 0;
  const service = classicEntries(model.service);
  if (hasParsers) service.push([classicKey('parsers_file'), parsersPath]);
  const main = [
    header(comment) + classicSection('SERVICE', service),
    ...model.inputs.map((s) => classicSection('INPUT', classicEntries(s))),
    ...model.filters.map((s) => classicSection('FILTER', classicEntries(s))),
    ...model.outputs.map((s) => classicSection('OUTPUT', classicEntries(s))),
  ].join('\n');
  const parsers = [
    header(comment).trimEnd(),
    ...model.parsers.map((s) => classicSection('PARSER', classicEntries(s))),
    ...model.multilineParsers.map((m) => classicSection('MULTILINE_PARSER', [
      ...classicEntries({ name: m.name, ...m.properties }),
      ...m.rules.map((r): [string, string] => [classicKey('rule'), `"${r.state}" "/${r.regex}/" "${r.nextState}"`]),
    ])),
  ].join('\n');
  return { main, parsers: parsers.endsWith('\n') ? parsers : parsers + '\n' };
}

/** Renders a model in a format, with the file names of the configuration directory `dir`. */
export function renderConfig(model: FluentBitConfigModel, format: 'yaml' | 'classic', dir: string): RenderedConfig {
  if (format === 'yaml') {
    return { mainFile: CONFIG_FILES.yaml, files: { [CONFIG_FILES.yaml]: renderYaml(model) } };
  }
  const { main, parsers } = renderClassic(model, `${dir}/${CONFIG_FILES.classicParsers}`);
  const files: Record<string, string> = { [CONFIG_FILES.classic]: main };
  if (model.parsers.length + model.multilineParsers.length > 0) files[CONFIG_FILES.classicParsers] = parsers;
  return { mainFile: CONFIG_FILES.classic, files };
}

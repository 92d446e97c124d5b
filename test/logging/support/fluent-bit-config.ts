import * as YAML from 'yaml';
import { CONFIG_FILES, FluentBitConfigModel, FluentBitSection, MultilineParserModel } from '../../../src/logging/config';
import type { FluentBit } from '../../../src/logging/fluent-bit';

/**
 * Small readers of Fluent Bit's two configuration formats, written for the tests: they turn a
 * rendered configuration back into the model, so the tests can check that both renderings
 * say the same thing, and run the very expressions Fluent Bit would read.
 */

function strings(where: string, obj: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
    else throw new Error(`${where}: ${k} is not a string or a list of strings: ${JSON.stringify(v)}`);
  }
  return out;
}

function stripSlashes(regex: string): string {
  const m = /^\/([\s\S]*)\/$/.exec(regex);
  if (!m) throw new Error(`multiline rule regex '${regex}' is not written as /.../`);
  return m[1];
}

/** The model a YAML configuration describes. */
export function parseYamlConfig(text: string): FluentBitConfigModel {
  const doc = YAML.parse(text);
  const known = ['service', 'parsers', 'multiline_parsers', 'pipeline'];
  for (const k of Object.keys(doc)) if (!known.includes(k)) throw new Error(`unknown top-level section ${k}`);
  const service = strings('service', doc.service) as Record<string, string>;
  const multilineParsers: MultilineParserModel[] = (doc.multiline_parsers ?? []).map((m: any) => {
    const { name, rules, ...properties } = m;
    return {
      name,
      properties: strings(`multiline parser ${name}`, properties) as Record<string, string>,
      rules: rules.map((r: any) => ({ state: r.state, regex: stripSlashes(r.regex), nextState: r.next_state })),
    };
  });
  const sections = (where: string, list: any[] | undefined): FluentBitSection[] =>
    (list ?? []).map((s, i) => strings(`${where}[${i}]`, s));
  return {
    service,
    parsers: sections('parsers', doc.parsers),
    multilineParsers,
    inputs: sections('inputs', doc.pipeline?.inputs),
    filters: sections('filters', doc.pipeline?.filters),
    outputs: sections('outputs', doc.pipeline?.outputs),
  };
}

interface ClassicSection {
  readonly title: string;
  readonly entries: Array<[string, string]>;
}

/** Sections of a classic file: `[TITLE]` then indented `Key value` lines; `#` comments. */
export function parseClassicSections(text: string): ClassicSection[] {
  const out: ClassicSection[] = [];
  let current: ClassicSection | undefined;
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const title = /^\[([A-Z_]+)\]$/.exec(line);
    if (title) {
      current = { title: title[1], entries: [] };
      out.push(current);
      continue;
    }
    const kv = /^\s+(\S+)\s+(\S[\s\S]*)$/.exec(line);
    if (!kv || !current) throw new Error(`line ${n + 1} is not a section header or an indented 'Key value': ${line}`);
    current.entries.push([kv[1].toLowerCase(), kv[2]]);
  }
  return out;
}

function grouped(entries: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of entries) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The model a classic configuration (main file and parsers file) describes. */
export function parseClassicConfig(main: string, parsers: string): FluentBitConfigModel {
  const sections = parseClassicSections(main);
  const service = sections.filter((s) => s.title === 'SERVICE');
  if (service.length !== 1) throw new Error(`expected one [SERVICE], found ${service.length}`);
  const serviceEntries = service[0].entries.filter(([k]) => k !== 'parsers_file');
  const of = (title: string) => sections.filter((s) => s.title === title).map((s) => grouped(s.entries));
  for (const s of sections) {
    if (!['SERVICE', 'INPUT', 'FILTER', 'OUTPUT'].includes(s.title)) throw new Error(`[${s.title}] does not belong in the main file`);
  }
  const parserSections = parseClassicSections(parsers);
  const multilineParsers: MultilineParserModel[] = parserSections.filter((s) => s.title === 'MULTILINE_PARSER').map((s) => {
    const rules = s.entries.filter(([k]) => k === 'rule').map(([, v]) => {
      const m = /^"([^"]*)"\s+"([^"]*)"\s+"([^"]*)"$/.exec(v);
      if (!m) throw new Error(`rule '${v}' is not three quoted strings`);
      return { state: m[1], regex: stripSlashes(m[2]), nextState: m[3] };
    });
    const { name, ...properties } = grouped(s.entries.filter(([k]) => k !== 'rule')) as Record<string, string>;
    return { name, properties, rules };
  });
  return {
    service: grouped(serviceEntries) as Record<string, string>,
    parsers: parserSections.filter((s) => s.title === 'PARSER').map((s) => grouped(s.entries)),
    multilineParsers,
    inputs: of('INPUT'),
    filters: of('FILTER'),
    outputs: of('OUTPUT'),
  };
}

/** The model a FluentBit's rendered files describe, in whichever format it rendered them. */
export function parseRendered(fb: FluentBit): FluentBitConfigModel {
  return fb.configFiles[CONFIG_FILES.classic] !== undefined
    ? parseClassicConfig(fb.configFiles[CONFIG_FILES.classic], fb.configFiles[CONFIG_FILES.classicParsers])
    : parseYamlConfig(fb.configFiles[CONFIG_FILES.yaml]);
}

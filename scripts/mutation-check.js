#!/usr/bin/env node
/*
 * Mutation check of the generated promtool tests: applies generic breakages to every alert of the
 * rule file the CLI writes (a `for` doubled or halved, a comparison flipped, a threshold scaled,
 * an aggregation swapped, a label matcher dropped), runs the alert's own generated tests against
 * each broken rule file, and prints the fraction of breakages the tests catch. Exits 1 below the
 * minimum score (default 0.9).
 *
 *   node scripts/mutation-check.js [--min 0.9] [--jobs 2] [--cli "node lib/cli.js"] [--keep DIR] [--verbose]
 *
 * The rules and tests come from the package's CLI (`rules`, `rule-tests`), so the check runs on
 * any revision whose CLI has those commands. Mutants are batched: each promtool process tests
 * many mutants (one rule file and one test file per mutant), and `--jobs` processes run at once.
 */
'use strict';
const { execSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const MIN = Number(option('min', '0.9'));
const JOBS = Number(option('jobs', String(Math.max(1, Math.min(2, os.cpus().length)))));
const CLI = option('cli', 'node lib/cli.js');
const VERBOSE = process.argv.includes('--verbose');
const KEEP = option('keep', undefined);
/** Only the alerts whose names match (the score and the minimum apply to them); the others are reported apart. */
const ONLY = new RegExp(option('only', '.*'));
const BATCH = 12;

const dir = KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-mutation-'));
fs.mkdirSync(dir, { recursive: true });
const env = { ...process.env, ROBUSTMQ_OBSERVABILITY_QUIET: '1' };
execSync(`${CLI} rules --out ${path.join(dir, 'rules.yaml')}`, { env, stdio: ['ignore', 'ignore', 'inherit'] });
execSync(`${CLI} rule-tests --out ${path.join(dir, 'tests.yaml')} --rules-file rules.yaml`, { env, stdio: ['ignore', 'ignore', 'inherit'] });
const rules = YAML.parse(fs.readFileSync(path.join(dir, 'rules.yaml'), 'utf8'));
const tests = YAML.parse(fs.readFileSync(path.join(dir, 'tests.yaml'), 'utf8'));

// ---- breakages of one alert rule ----

const FLIP = { '>': '<', '<': '>', '>=': '<', '<=': '>', '==': '!=', '!=': '==' };
const SWAP = { sum: 'max', max: 'sum', min: 'max', avg: 'max', count: 'sum' };

/** Offsets of `{...}` selector bodies (outside string literals). */
function selectorBodies(expr) {
  const out = [];
  let depth = 0; let start = -1; let quote = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++; else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') { if (depth++ === 0) start = i + 1; } else if (c === '}' && --depth === 0) out.push([start, i]);
  }
  return out;
}

/** Whether offset `i` is inside a selector body. */
function inSelector(bodies, i) {
  return bodies.some(([a, b]) => i >= a && i < b);
}

function durationSeconds(d) {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

function formatDuration(seconds) {
  if (seconds === 0) return '0s';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function fmtNumber(n) {
  return String(+n.toPrecision(12));
}

/**
 * Breakages that cannot change what a Sloth-style burn-rate alert selects, so no test can catch
 * them: `max(slo:sli_error:ratio_rate<w>{...} > x) without (sloth_window)` aggregates one series
 * per SLO (each recording rule writes one window), so max and sum agree; and its three identity
 * matchers are redundant (sloth_id is "<sloth_service>-<sloth_slo>"), so dropping one selects
 * the same series. They are counted apart as equivalent, not run.
 */
function equivalent(kind, expr, at, matcher) {
  if (kind === 'aggregation') return /^max\s*\(\s*slo:sli_error:ratio_rate\w+\{/.test(expr.slice(at));
  if (kind === 'matcher') return /^sloth_(id|service|slo)=/.test(matcher) && /slo:sli_error:ratio_rate/.test(expr);
  return false;
}

/**
 * The mutants of one rule, as { mutants, equivalents }: each mutant is { kind, description, rule };
 * the equivalent ones ({ alert, kind, description }) are not run.
 */
function mutantsOf(rule) {
  const out = [];
  const equivalents = [];
  const expr = rule.expr;
  const add = (kind, description, changes, at, matcher) => {
    const m = { ...rule, ...changes };
    if (m.expr === rule.expr && m.for === rule.for) return;
    if (equivalent(kind, expr, at, matcher)) equivalents.push({ alert: rule.alert, kind, description });
    else out.push({ kind, description, rule: m });
  };
  if (rule.for) {
    const s = durationSeconds(rule.for);
    add('for', `for ${rule.for} -> ${formatDuration(2 * s)}`, { for: formatDuration(2 * s) });
    const half = Math.floor(s / 120) * 60;
    add('for', `for ${rule.for} -> ${formatDuration(half)}`, { for: formatDuration(half) });
  }
  const bodies = selectorBodies(expr);
  // Comparisons (not the =~ / != of label matchers), and the numbers compared with.
  for (const m of expr.matchAll(/(?<![=!<>~])(>=|<=|==|!=|>|<)(?![=~])(\s*)(-?[0-9.]+(?:e-?[0-9]+)?)?/g)) {
    if (inSelector(bodies, m.index)) continue;
    const [all, op, space, num] = m;
    const at = m.index;
    add('comparison', `'${op}' -> '${FLIP[op]}' at ${at}`, { expr: expr.slice(0, at) + FLIP[op] + expr.slice(at + op.length) });
    if (num !== undefined && Number(num) !== 0) {
      for (const f of [2, 0.5]) {
        const scaled = fmtNumber(Number(num) * f);
        add('threshold', `${num} -> ${scaled} at ${at}`, { expr: expr.slice(0, at) + op + space + scaled + expr.slice(at + all.length) });
      }
    }
  }
  // Aggregations.
  for (const m of expr.matchAll(/\b(sum|max|min|avg|count)(?=\s*(?:by|without)?\s*\(|\s*\()/g)) {
    if (inSelector(bodies, m.index)) continue;
    const to = SWAP[m[1]];
    add('aggregation', `${m[1]} -> ${to} at ${m.index}`, { expr: expr.slice(0, m.index) + to + expr.slice(m.index + m[1].length) }, m.index);
  }
  // Label matchers: each distinct matcher dropped from every selector of the expression at once
  // (the rule no longer selects on it). Dropping it from one operand of a ratio alone is mostly an
  // equivalent mutant: the vector match on the other operand's labels filters the same series.
  const matcherRe = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*,?/g;
  const distinct = new Set();
  for (const [a, b] of bodies) for (const mm of expr.slice(a, b).matchAll(matcherRe)) distinct.add(`${mm[1]}${mm[2]}${mm[3]}`);
  for (const matcher of distinct) {
    let mutated = '';
    let last = 0;
    for (const [a, b] of bodies) {
      const body = expr.slice(a, b).replace(matcherRe, (all, n, op, v) => (`${n}${op}${v}` === matcher ? '' : all));
      mutated += expr.slice(last, a) + body.replace(/,\s*$/, '').replace(/^\s+/, '');
      last = b;
    }
    add('matcher', `drop ${matcher}`, { expr: mutated + expr.slice(last) }, 0, matcher);
  }
  return { mutants: out, equivalents };
}

// ---- the generated tests of one alert ----

function testsOf(alert) {
  const mine = [];
  for (const t of tests.tests) {
    const checks = t.alert_rule_test.filter((r) => r.alertname === alert);
    if (checks.length > 0) mine.push({ ...t, alert_rule_test: checks });
  }
  return mine;
}

/**
 * A rule file with only the recording rules and the one (broken) alert: the tests of one alert
 * need nothing else, and promtool evaluates every rule of the file at every step. An alert of
 * several rules (an SLO's page and ticket tiers share its name) keeps its other rules unbroken:
 * its tests expect them.
 */
function writeMutant(id, groupIndex, ruleIndex, rule, alertTests) {
  const keep = (g, gi) => (gi === groupIndex
    ? g.rules.map((r, ri) => (ri === ruleIndex ? rule : r)).filter((r, ri) => ri === ruleIndex || r.record || r.alert === rule.alert)
    : g.rules.filter((r) => r.record));
  const file = { groups: rules.groups.map((g, gi) => ({ ...g, rules: keep(g, gi) })).filter((g) => g.rules.length > 0) };
  const ruleFile = `m${id}.rules.yaml`;
  fs.writeFileSync(path.join(dir, ruleFile), YAML.stringify(file));
  const header = { rule_files: [ruleFile], evaluation_interval: tests.evaluation_interval };
  if (tests.group_eval_order) header.group_eval_order = tests.group_eval_order;
  const testFile = `m${id}.tests.yaml`;
  fs.writeFileSync(path.join(dir, testFile), YAML.stringify({ ...header, tests: alertTests }));
  return testFile;
}

/** Runs promtool on several test files; resolves to a map file -> passed. */
function promtool(files) {
  return new Promise((resolve) => {
    const p = spawn('promtool', ['test', 'rules', ...files], { cwd: dir });
    let output = '';
    p.stdout.on('data', (d) => { output += d; });
    p.stderr.on('data', (d) => { output += d; });
    p.on('close', () => {
      const result = new Map();
      for (const part of output.split(/Unit Testing:\s+/).slice(1)) {
        const name = part.split('\n')[0].trim();
        result.set(name, /^\s*SUCCESS/m.test(part) && !/FAILED/.test(part));
      }
      resolve({ result, output });
    });
  });
}

async function runAll(files) {
  const batches = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  const results = new Map();
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      const b = batches[next++];
      const { result } = await promtool(b);
      for (const f of b) results.set(f, result.get(f) === true);
    }
  }
  await Promise.all(Array.from({ length: JOBS }, worker));
  return results;
}

async function main() {
  const started = Date.now();
  const mutants = [];
  const originals = [];
  const equivalents = [];
  let id = 0;
  rules.groups.forEach((g, gi) => g.rules.forEach((r, ri) => {
    if (!r.alert) return;
    const alertTests = testsOf(r.alert);
    originals.push({ alert: r.alert, file: writeMutant(id++, gi, ri, r, alertTests), tests: alertTests.length });
    const of = mutantsOf(r);
    equivalents.push(...of.equivalents);
    for (const m of of.mutants) {
      mutants.push({ alert: r.alert, ...m, file: writeMutant(id++, gi, ri, m.rule, alertTests), tests: alertTests.length });
    }
  }));
  // The unbroken rules must pass their tests, or the score means nothing.
  const base = await runAll(originals.map((o) => o.file));
  const failing = originals.filter((o) => !base.get(o.file));
  if (failing.length > 0) {
    console.error(`the generated tests fail on the unbroken rules of ${failing.map((o) => o.alert).join(', ')}`);
    process.exit(2);
  }
  const results = await runAll(mutants.map((m) => m.file));
  const survivors = mutants.filter((m) => results.get(m.file));
  const byKind = {};
  for (const m of mutants) {
    byKind[m.kind] = byKind[m.kind] ?? { total: 0, caught: 0 };
    byKind[m.kind].total++;
    if (!results.get(m.file)) byKind[m.kind].caught++;
  }
  // An SLO's ticket tier is tested in the SLO's own test file (days of input, evaluated every 5
  // minutes: RobustMqSlos.ruleTests, run by test/slo), not in rule-tests: reported apart.
  const isScored = (m) => ONLY.test(m.alert) && m.rule.labels?.sloth_severity !== 'ticket';
  const scored = mutants.filter(isScored);
  const others = mutants.filter((m) => !isScored(m));
  const caught = scored.filter((m) => !results.get(m.file)).length;
  const score = scored.length === 0 ? 0 : caught / scored.length;
  for (const [kind, k] of Object.entries(byKind)) console.log(`${kind.padEnd(12)} ${k.caught}/${k.total} caught`);
  if (survivors.length > 0) {
    console.log(`\nsurvivors (the tests still pass with these breakages):`);
    for (const m of survivors) console.log(`  ${m.alert}: ${m.description}${VERBOSE ? `\n      ${m.rule.expr}` : ''}`);
  }
  if (others.length > 0) {
    const c = others.filter((m) => !results.get(m.file)).length;
    console.log(`\nnot scored (outside --only, or an SLO's ticket tier): ${c}/${others.length} caught`);
  }
  if (equivalents.length > 0) {
    const names = [...new Set(equivalents.map((e) => e.alert))];
    console.log(`equivalent, not run: ${equivalents.length} (aggregations of one series and redundant identity matchers of ${names.join(', ')})`);
  }
  console.log(`\nmutation score: ${caught}/${scored.length} = ${(100 * score).toFixed(1)}% caught `
    + `(${originals.filter((o) => ONLY.test(o.alert)).length} alerts, ${((Date.now() - started) / 1000).toFixed(0)}s, minimum ${(100 * MIN).toFixed(0)}%)`);
  if (!KEEP) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(score >= MIN ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});

#!/usr/bin/env node
// Benchmark of the compiled library (lib/), every figure a median of separate processes and every
// claim a ratio of two measurements of this one run (the machines are shared and noisy):
//
// - the default stack's in-process synth against a floor: the same objects as literal ApiObjects
//   in a bare cdk8s app;
// - the CLI's cold start to written YAML against a floor process that loads cdk8s and writes the
//   same objects;
// - N full stacks in one app, in two layouts: one chart holding every stack, and a chart per stack.
//   The marginal cost per stack (t(N2) - t(N1)) / (N2 - N1) at 1,000 stacks is compared with the
//   one at 100; the chart-per-stack layout is compared with the floor in that layout too, because
//   cdk8s itself walks the whole app once per chart (node_modules/cdk8s/lib/app.js, _synthChart:
//   resolveDependencies and validate over the app for every chart's toJson), which any cdk8s app
//   of many charts pays;
// - how often the PromQL grammar ran for the default stack (each distinct expression once).
//
// It fails (exit 1) when growth is superlinear beyond the limits below. Nothing is left in the
// temporary directory.
//
//   npx projen benchmark            (compiles first)
//   node scripts/benchmark.js [--runs N] [--quick] [--json]
//     --quick: stops at 300 stacks (no 1,000-stack runs)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');

/** Marginal cost per stack at the largest size may exceed the one at 100 by this factor. */
const LINEAR_LIMIT = 1.3;

// ---- child modes (each in its own process) ----

function placeStacks(app, n, layout) {
  const { Chart } = require('cdk8s');
  const { RobustMqObservability } = require(lib);
  const one = layout === 'one' ? new Chart(app, 'stacks') : undefined;
  for (let i = 0; i < n; i++) {
    // Full stacks: each cluster with its own namespaces (its own monitors, alerts, dashboards,
    // datasources, Fluent Bit and Jaeger).
    const chart = one ?? new Chart(app, `c${i}`, { namespace: `mq-${i}` });
    new RobustMqObservability(chart, `stack${i}`, { cluster: { clusterName: `cluster-${i}`, namespace: `mq-${i}` }, monitoringNamespace: `mon-${i}` });
  }
}

function childLibrary(workload, outdir, objectsFile) {
  const { App } = require('cdk8s');
  require(lib); // module loading is not part of the measured synth
  const promql = require(path.join(lib, 'metrics', 'promql'));
  const runsBefore = promql.promqlGrammarRuns();
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  const [kind, n, layout] = workload.split(':');
  if (kind === 'default') require(path.join(lib, 'stack')).buildStack(app);
  else placeStacks(app, Number(n), layout);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (objectsFile) fs.writeFileSync(objectsFile, JSON.stringify(app.charts.map((c) => c.toJson())));
  report({ ms, objects: (yaml.match(/^kind: /gm) || []).length, grammarRuns: promql.promqlGrammarRuns() - runsBefore });
}

function childFloor(objectsFile, outdir, write) {
  const { App, Chart, ApiObject } = require('cdk8s');
  const docs = JSON.parse(fs.readFileSync(objectsFile, 'utf8'));
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  let objects = 0;
  docs.forEach((chartDocs, c) => {
    const chart = new Chart(app, `chart${c}`);
    chartDocs.forEach((d, i) => new ApiObject(chart, `o${i}`, d));
    objects += chartDocs.length;
  });
  const yaml = app.synthYaml();
  if (write) fs.writeFileSync(path.join(outdir, 'floor.k8s.yaml'), yaml);
  report({ ms: Number(process.hrtime.bigint() - t0) / 1e6, objects });
}

function report(r) {
  process.stdout.write(JSON.stringify({ ...r, rssMiB: process.resourceUsage().maxRSS / 1024 }));
}

// ---- the parent ----

function spawn(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ROBUSTMQ_OBSERVABILITY_QUIET: '1' } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`benchmark child ${args.slice(1).join(' ')} failed (${r.status}): ${r.stderr}`);
  return { out: r.stdout, wallMs };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(runs, args) {
  const results = Array.from({ length: runs }, () => JSON.parse(spawn([__filename, '--child', ...args]).out));
  return { ...results[0], ms: median(results.map((r) => r.ms)), rssMiB: Math.max(...results.map((r) => r.rssMiB)) };
}

function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    if (argv[1] === 'floor') return childFloor(argv[2], argv[3], argv[4] === 'write');
    return childLibrary(argv[2], argv[3], argv[4]);
  }
  if (!fs.existsSync(path.join(lib, 'index.js'))) {
    console.error('lib/ is missing: run `npx projen compile` first (or `npx projen benchmark`)');
    process.exit(1);
  }
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
  const quick = argv.includes('--quick');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-'));
  try {
    const result = run(tmp, runs, quick);
    if (argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
    else print(result);
    if (result.targets.some((t) => t.fails && !t.met)) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function run(tmp, runs, quick) {
  const out = path.join(tmp, 'out');
  fs.mkdirSync(out);
  const sizes = quick ? [10, 100, 300] : [10, 100, 300, 1000];
  const workloads = [['default stack', 'default', runs]];
  for (const layout of ['one', 'charts']) {
    for (const n of sizes) {
      // The chart-per-stack layout at 1,000 takes minutes (cdk8s's walk per chart): once.
      workloads.push([`${n} stacks, ${layout === 'one' ? 'one chart' : 'a chart each'}`, `stacks:${n}:${layout}`, n >= 1000 ? 1 : runs]);
    }
  }
  const rows = [];
  for (const [label, workload, reps] of workloads) {
    const objectsFile = path.join(tmp, 'objects.json');
    spawn([__filename, '--child', 'lib', workload, out, objectsFile]); // warm-up, and the floor's objects
    const ours = measure(reps, ['lib', workload, out]);
    const floor = measure(reps, ['floor', objectsFile, out]);
    fs.rmSync(objectsFile);
    rows.push({ label, workload, reps, objects: ours.objects, ms: ours.ms, floorMs: floor.ms, ratio: ours.ms / floor.ms, rssMiB: ours.rssMiB, floorRssMiB: floor.rssMiB, grammarRuns: ours.grammarRuns });
  }

  // Cold start: whole processes, from exec to YAML on disk.
  const objectsFile = path.join(tmp, 'default.json');
  spawn([__filename, '--child', 'lib', 'default', out, objectsFile]);
  const cli = [];
  const floorProcess = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    cli.push(spawn([path.join(lib, 'cli.js'), 'synth', '--out', out]).wallMs);
    floorProcess.push(spawn([__filename, '--child', 'floor', objectsFile, out, 'write']).wallMs);
  }
  const cliMs = median(cli);
  const floorProcessMs = median(floorProcess);

  const row = (w) => rows.find((r) => r.workload === w);
  const marginal = (layout, a, b, key = 'ms') => (row(`stacks:${b}:${layout}`)[key] - row(`stacks:${a}:${layout}`)[key]) / (b - a);
  const top = sizes[sizes.length - 1];
  const prev = sizes[sizes.length - 2];
  const growth = {};
  for (const layout of ['one', 'charts']) {
    const at100 = marginal(layout, 10, 100);
    const atTop = marginal(layout, prev, top);
    const floorAt100 = marginal(layout, 10, 100, 'floorMs');
    const floorAtTop = marginal(layout, prev, top, 'floorMs');
    growth[layout] = { at100, atTop, ratio: atTop / at100, floorAt100, floorAtTop, floorRatio: floorAtTop / floorAt100 };
  }
  const big = row(`stacks:${top}:one`);
  const def = row('default');
  const targets = [
    { name: `one chart: marginal ms per stack at ${top} stacks <= ${LINEAR_LIMIT}x the one at 100`, met: growth.one.ratio <= LINEAR_LIMIT, measured: `${growth.one.ratio.toFixed(2)}x (${growth.one.atTop.toFixed(1)} / ${growth.one.at100.toFixed(1)} ms)`, fails: true },
    { name: `a chart each: growth of the marginal cost <= ${LINEAR_LIMIT}x the floor's own growth in that layout`, met: growth.charts.ratio <= LINEAR_LIMIT * growth.charts.floorRatio, measured: `${growth.charts.ratio.toFixed(2)}x against the floor's ${growth.charts.floorRatio.toFixed(2)}x`, fails: true },
    { name: `a chart each: marginal ms per stack at ${top} <= ${LINEAR_LIMIT}x the one at 100`, met: growth.charts.ratio <= LINEAR_LIMIT, measured: `${growth.charts.ratio.toFixed(2)}x (${growth.charts.atTop.toFixed(1)} / ${growth.charts.at100.toFixed(1)} ms)`, fails: false },
    { name: `${top} stacks in one app < 30 s`, met: big.ms < 30000, measured: `${(big.ms / 1000).toFixed(1)} s`, fails: false },
    { name: `${top} stacks in one app < 1 GiB peak`, met: big.rssMiB < 1024, measured: `${big.rssMiB.toFixed(0)} MiB`, fails: false },
    { name: 'default stack in-process synth <= 2x the floor', met: def.ratio <= 2, measured: `${def.ratio.toFixed(2)}x`, fails: false },
    { name: 'CLI cold start <= 1.5x the floor process', met: cliMs <= 1.5 * floorProcessMs, measured: `${(cliMs / floorProcessMs).toFixed(2)}x (${cliMs.toFixed(0)} / ${floorProcessMs.toFixed(0)} ms)`, fails: false },
  ];
  return { node: process.version, cpus: os.cpus().length, runs, rows, cliMs, floorProcessMs, growth, targets };
}

function print(r) {
  console.log(`node ${r.node}, ${r.cpus} CPUs, median of ${r.runs} runs (1,000 stacks in a chart each: 1 run)\n`);
  console.log('| workload | objects | synth ms | floor ms | ratio | peak RSS MiB | floor peak RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const x of r.rows) {
    console.log(`| ${x.label} | ${x.objects} | ${x.ms.toFixed(0)} | ${x.floorMs.toFixed(0)} | ${x.ratio.toFixed(2)}x | ${x.rssMiB.toFixed(0)} | ${x.floorRssMiB.toFixed(0)} |`);
  }
  const def = r.rows.find((x) => x.workload === 'default');
  console.log(`\nPromQL grammar runs for the default stack: ${def.grammarRuns} (each distinct expression once)`);
  console.log(`CLI cold start to YAML (node lib/cli.js synth): ${r.cliMs.toFixed(0)} ms; floor process: ${r.floorProcessMs.toFixed(0)} ms\n`);
  console.log('| layout | marginal ms/stack at 100 | at the largest | growth | floor\'s growth |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [layout, g] of Object.entries(r.growth)) {
    console.log(`| ${layout === 'one' ? 'one chart' : 'a chart each'} | ${g.at100.toFixed(1)} | ${g.atTop.toFixed(1)} | ${g.ratio.toFixed(2)}x | ${g.floorRatio.toFixed(2)}x |`);
  }
  console.log('\n| target | met | measured | fails the run |');
  console.log('| --- | --- | --- | --- |');
  for (const t of r.targets) console.log(`| ${t.name} | ${t.met ? 'yes' : 'no'} | ${t.measured} | ${t.fails ? 'yes' : 'no'} |`);
}

main();

#!/usr/bin/env node
// Benchmark of the compiled library (lib/): synth time and peak memory of the default stack and
// of 1, 10 and 100 clusters with full stacks in one app, against a floor measured in the same
// run: the same objects emitted as literal ApiObjects by a bare cdk8s app. Also the CLI's cold
// start to YAML. Every measurement runs in its own process; each is repeated and the median
// taken, and results are printed as ratios measured in this one run.
//
//   npx projen benchmark            (compiles first)
//   node scripts/benchmark.js [--runs N] [--json]
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');

// ---- child modes ----

function buildApp(kind, clusters) {
  const { App, Chart } = require('cdk8s');
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-')) });
  if (kind === 'default') {
    require(path.join(lib, 'stack')).buildStack(app);
    return app;
  }
  const { RobustMqObservability } = require(lib);
  for (let i = 0; i < clusters; i++) {
    // Full stacks: each cluster with its own monitoring namespace (its own Grafana, Jaeger, Fluent Bit).
    const chart = new Chart(app, `c${i}`, { namespace: `mq-${i}` });
    new RobustMqObservability(chart, 'stack', { cluster: { clusterName: `cluster-${i}` }, monitoringNamespace: `mon-${i}` });
  }
  return app;
}

function child(mode, arg, file) {
  process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';
  const { App, Chart, ApiObject } = require('cdk8s');
  require(lib); // module loading is not part of the measured synth
  const t0 = process.hrtime.bigint();
  let objects = 0;
  if (mode === 'floor') {
    const docs = JSON.parse(fs.readFileSync(file, 'utf8'));
    const start = process.hrtime.bigint();
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-')) });
    docs.forEach((chartDocs, c) => {
      const chart = new Chart(app, `chart${c}`);
      chartDocs.forEach((d, i) => new ApiObject(chart, `o${i}`, d));
      objects += chartDocs.length;
    });
    app.synthYaml();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return report(ms, objects);
  }
  const [kind, n] = arg.split(':');
  const app = buildApp(kind, Number(n || 1));
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  objects = (yaml.match(/^kind: /gm) || []).length;
  if (file) fs.writeFileSync(file, JSON.stringify(app.charts.map((c) => c.toJson())));
  return report(ms, objects);
}

function report(ms, objects) {
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, rssMiB, objects }));
}

// ---- the parent ----

function run(args) {
  const r = spawnSync(process.execPath, [__filename, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`benchmark child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(runs, args) {
  const results = Array.from({ length: runs }, () => run(args));
  return { ms: median(results.map((r) => r.ms)), rssMiB: Math.max(...results.map((r) => r.rssMiB)), objects: results[0].objects };
}

function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2], argv[3]);
  if (!fs.existsSync(path.join(lib, 'index.js'))) {
    console.error('lib/ is missing: run `npx projen compile` first (or `npx projen benchmark`)');
    process.exit(1);
  }
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 5;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-'));
  const rows = [];
  for (const [label, arg, reps] of [
    ['default stack', 'default', runs], ['1 cluster', 'clusters:1', runs], ['10 clusters', 'clusters:10', runs], ['100 clusters', 'clusters:100', Math.max(1, Math.min(runs, 3))],
  ]) {
    const objectsFile = path.join(tmp, `${arg.replace(':', '-')}.json`);
    run(['lib', arg, objectsFile]); // warm-up, and the objects the floor emits
    const ours = measure(reps, ['lib', arg]);
    const floor = measure(reps, ['floor', arg, objectsFile]);
    rows.push({ label, objects: ours.objects, ms: ours.ms, floorMs: floor.ms, ratio: ours.ms / floor.ms, rssMiB: ours.rssMiB, floorRssMiB: floor.rssMiB });
  }
  const cli = [];
  for (let i = 0; i < runs; i++) {
    const out = fs.mkdtempSync(path.join(tmp, 'cli-'));
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(lib, 'cli.js'), 'synth', '--out', out], { stdio: 'ignore' });
    cli.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cliMs = median(cli);
  const per = (r) => r.ms / Number(r.label.split(' ')[0]);
  const c1 = rows.find((r) => r.label === '1 cluster');
  const c100 = rows.find((r) => r.label === '100 clusters');
  const targets = [
    ['default stack synth <= 1.5x the floor', rows[0].ratio <= 1.5, `${rows[0].ratio.toFixed(2)}x`],
    ['100 clusters < 10 s', c100.ms < 10000, `${(c100.ms / 1000).toFixed(2)} s`],
    ['100 clusters < 1 GiB peak', c100.rssMiB < 1024, `${c100.rssMiB.toFixed(0)} MiB`],
    ['100 clusters grow linearly (per-cluster time <= 2x that of 1 cluster)', per(c100) <= 2 * per(c1), `${(per(c100) / per(c1)).toFixed(2)}x`],
    ['CLI cold start to YAML < 1.5 s', cliMs < 1500, `${(cliMs / 1000).toFixed(2)} s`],
  ];
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, rows, cliMs, targets }, null, 2));
    return;
  }
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, median of ${runs} runs (100 clusters: ${Math.max(1, Math.min(runs, 3))})\n`);
  console.log('| workload | objects | synth ms | floor ms | ratio | peak RSS MiB | floor peak RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.label} | ${r.objects} | ${r.ms.toFixed(0)} | ${r.floorMs.toFixed(0)} | ${r.ratio.toFixed(2)}x | ${r.rssMiB.toFixed(0)} | ${r.floorRssMiB.toFixed(0)} |`);
  }
  console.log(`\nCLI cold start to YAML (node lib/cli.js synth): ${cliMs.toFixed(0)} ms\n`);
  console.log('| target | met | measured |');
  console.log('| --- | --- | --- |');
  for (const [name, ok, value] of targets) console.log(`| ${name} | ${ok ? 'yes' : 'no'} | ${value} |`);
}

main();

#!/usr/bin/env node
// Run by `npm pack` (the package's prepack script): removes the source maps of the bundled
// dependencies, which a user of the package never runs (their sources are not shipped either).
const fs = require('fs');
const path = require('path');

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
let removed = 0;
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.map')) { fs.rmSync(p); removed++; }
  }
}
for (const dep of pkg.bundledDependencies ?? []) {
  const dir = path.join(__dirname, '..', 'node_modules', dep);
  if (fs.existsSync(dir)) walk(dir);
}
console.error(`prepack: removed ${removed} source maps of bundled dependencies`);

// The README's "Compose the pieces yourself" example is the code the language tests run: the
// TypeScript block is examples/compose.ts, and the Python, Java and Go blocks are the files under
// examples/ (each without its header comment). Fast; runs in every `npx projen test`.
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES, ROOT } from './support';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Compose the pieces yourself\n'), readme.indexOf('\n## The CLI\n'));

function blocks(lang: string): string[] {
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```\\n', 'g'))].map((m) => m[1]);
}

/** An example file without its leading comment lines (the README says where the file is). */
function body(file: string): string {
  const lines = fs.readFileSync(path.join(EXAMPLES, file), 'utf8').split('\n');
  while (lines.length && (/^(\/\/|#)/.test(lines[0]) || lines[0] === '')) lines.shift();
  return lines.join('\n');
}

test('the TypeScript block is examples/compose.ts, imported from the package', () => {
  const ts = blocks('ts');
  expect(ts.length).toBe(1);
  expect(ts[0]).toBe(body('compose.ts').replace("from '../src';", "from 'cdk8s-robustmq-observability';"));
});

test.each([
  ['python', 'python/app.py'],
  ['java', 'java/src/main/java/com/example/robustmq/Main.java'],
  ['go', 'go/main.go'],
])('the %s block is examples/%s', (lang, file) => {
  expect(blocks(lang)).toEqual([body(file)]);
});

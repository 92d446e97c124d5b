import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { DEFAULT_MANIFEST_DIR, usage } from '../../src/cli';

test("the README's CLI reference is the CLI's own --help (regenerate with scripts/update-readme-cli.js)", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = readme.match(/<!-- cli-help:start[^>]*-->\n```\n([\s\S]*?)```\n<!-- cli-help:end -->/);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(usage());
});

test('the CLI default, the projen synth task and cdk8s.yaml write to one folder, apart from dist/js', () => {
  const root = path.join(__dirname, '..', '..');
  const cdk8sYaml = YAML.parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
  const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
  expect(cdk8sYaml.output).toBe(DEFAULT_MANIFEST_DIR);
  expect(tasks.synth.steps.map((s: any) => s.exec).filter(Boolean)).toEqual([`node lib/cli.js synth --out ${DEFAULT_MANIFEST_DIR}`]);
  expect(path.relative('dist/js', DEFAULT_MANIFEST_DIR).startsWith('..')).toBe(true);
  expect(path.relative(DEFAULT_MANIFEST_DIR, 'dist/js').startsWith('..')).toBe(true);
});

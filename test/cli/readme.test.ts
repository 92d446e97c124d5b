import * as fs from 'fs';
import * as path from 'path';
import { usage } from '../../src/cli';

test("the README's CLI reference is the CLI's own --help (regenerate with scripts/update-readme-cli.js)", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = readme.match(/<!-- cli-help:start[^>]*-->\n```\n([\s\S]*?)```\n<!-- cli-help:end -->/);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(usage());
});

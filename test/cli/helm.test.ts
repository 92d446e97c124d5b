import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { main } from '../../src/cli';
import { escapeForHelm } from '../../src/helm';
import { tmpDir } from '../support/promtool';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

/** Helm's CLI, built from its Go module by scripts/install-helm.sh. */
const HELM = path.join(__dirname, '..', '..', '.tools', 'bin', 'helm');
const haveHelm = fs.existsSync(HELM);
if (!haveHelm && process.env.CI) {
  throw new Error(`${HELM} is missing: run scripts/install-helm.sh (CI must run the real helm)`);
}

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { status, out, err };
}

function docs(text: string): any[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJSON()).filter((d) => d !== null);
}

function helm(...args: string[]) {
  return spawnSync(HELM, args, { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: tmpDir('rmq-helm-home-') } });
}

describe('synth --format helm', () => {
  const plain = tmpDir('rmq-plain-');
  const chart = path.join(tmpDir('rmq-helm-'), 'chart');
  const args = ['--replicas', '5', '--grafana-url', 'https://grafana.example.com'];
  beforeAll(() => {
    expect(run(['synth', '--out', plain, ...args]).status).toBe(0);
    expect(run(['synth', '--out', chart, '--format', 'helm', '--chart-version', '1.2.3', ...args]).status).toBe(0);
  });

  test('writes Chart.yaml (v2), values.yaml and the manifests as templates', () => {
    expect(fs.readdirSync(chart).sort()).toEqual(['Chart.yaml', 'README.md', 'templates', 'values.yaml']);
    expect(YAML.parse(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8'))).toEqual({
      apiVersion: 'v2',
      name: 'robustmq-observability',
      version: '1.2.3',
      appVersion: '0.4.11',
      description: 'RobustMQ and its observability stack, synthesized by cdk8s-robustmq-observability',
      type: 'application',
    });
    expect(fs.readdirSync(path.join(chart, 'templates'))).toEqual(fs.readdirSync(plain));
  });

  test('every {{ of the manifests (alert templates, dashboard links) is escaped for Helm', () => {
    const plainText = fs.readFileSync(path.join(plain, 'robustmq-observability.k8s.yaml'), 'utf8');
    expect(plainText).toContain('{{ $labels.pod }}');
    const template = fs.readFileSync(path.join(chart, 'templates', 'robustmq-observability.k8s.yaml'), 'utf8');
    expect(template).toBe(escapeForHelm(plainText));
    expect(escapeForHelm('a {{ $v }} }}} {{{')).toBe('a {{ "{{" }} $v {{ "}}" }} {{ "}}" }}} {{ "{{" }}{');
  });

  (haveHelm ? test : test.skip)('the real helm lints the chart and renders exactly the plain manifests', () => {
    const lint = helm('lint', '--strict', chart);
    expect([lint.status, lint.stdout.match(/\[(ERROR|WARNING)\].*/g) ?? []]).toEqual([0, []]);
    const rendered = helm('template', 'release-name', chart);
    expect(rendered.status).toBe(0);
    // Helm orders objects by kind for installation: compare them by identity.
    const byId = (objs: any[]) => objs.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    const key = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    const expected = byId(docs(fs.readFileSync(path.join(plain, 'robustmq-observability.k8s.yaml'), 'utf8')));
    const got = byId(docs(rendered.stdout));
    expect(got.map(key)).toEqual(expected.map(key));
    expect(got).toEqual(expected);
  });

  test('refused: an unknown format, --chart-version without helm or not SemVer, a non-empty directory', () => {
    expect(run(['synth', '--out', tmpDir('x-'), '--format', 'kustomize']).err).toMatch(/--format 'kustomize' must be one of 'plain', 'helm'/);
    expect(run(['synth', '--chart-version', '1.0.0']).err).toMatch(/--chart-version has no effect without --format helm/);
    expect(run(['synth', '--out', path.join(tmpDir('x-'), 'c'), '--format', 'helm', '--chart-version', '1.0']).err)
      .toMatch(/--chart-version '1.0' must be a SemVer 2 version/);
    expect(run(['synth', '--out', chart, '--format', 'helm']).err).toMatch(/must be an empty or new directory for --format helm/);
    expect(run(['rules', '--format', 'helm']).err).toMatch(/--format is only for 'synth', not 'rules'/);
  });
});

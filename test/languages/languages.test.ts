// The README's "compose the pieces" example in Python, Go and Java, each installed and run with that
// language's own tools against the packages `npx projen package-all` built, must write the same
// YAML as the TypeScript example. Slow (minutes): only with RMQ_LANGUAGE_TESTS=1
// (scripts/test-languages.sh builds the packages and sets it).
import * as fs from 'fs';
import * as path from 'path';
import {
  built, EXAMPLES, LANGUAGE_TESTS, manifests, npmVersion, removeScratch, ROOT, run, scratch, synthTypeScript,
} from './support';

const maybe = LANGUAGE_TESTS ? describe : describe.skip;
const MINUTES = 60_000;

maybe('the compose example in other languages writes what the TypeScript one writes', () => {
  let tmp: string;
  let expected: Record<string, unknown[]>;

  beforeAll(() => {
    tmp = scratch('languages');
    const ts = path.join(tmp, 'out-ts');
    synthTypeScript(ts);
    expected = manifests(ts);
    expect(Object.keys(expected)).toEqual(['messaging.k8s.yaml', 'monitoring.k8s.yaml']);
  }, 3 * MINUTES);

  afterAll(() => removeScratch(tmp));

  test('Python: pip installs the wheel beside cdk8s and cdk8s-plus-28 from PyPI in a venv', () => {
    const wheel = built(path.join(ROOT, 'dist', 'python'), /\.whl$/, 'package:python');
    const venv = path.join(tmp, 'venv');
    run('python3', ['-m', 'venv', venv], { timeout: 2 * MINUTES });
    const py = path.join(venv, 'bin', 'python');
    run(py, ['-m', 'pip', 'install', '--quiet',
      `cdk8s==${npmVersion('cdk8s')}`, `cdk8s-plus-28==${npmVersion('cdk8s-plus-28')}`,
      `constructs==${npmVersion('constructs')}`, wheel], { timeout: 5 * MINUTES });
    const out = path.join(tmp, 'out-python');
    const stdout = run(py, [path.join(EXAMPLES, 'python', 'app.py')], { cwd: tmp, env: { CDK8S_OUTDIR: out }, timeout: 3 * MINUTES });
    expect(stdout).toContain('prod-mq http-admin');
    expect(manifests(out)).toEqual(expected);
  }, 12 * MINUTES);

  test('Go: go modules, the generated module under dist/go taken by a replace directive', () => {
    const module = path.join(ROOT, 'dist', 'go', 'cdk8srobustmqobservability');
    built(module, /^go\.mod$/, 'package:go');
    const dir = path.join(tmp, 'go');
    fs.mkdirSync(dir);
    for (const f of ['go.mod', 'main.go']) fs.copyFileSync(path.join(EXAMPLES, 'go', f), path.join(dir, f));
    // The peers' versions in the example's go.mod are the npm ones this package is tested with.
    const gomod = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
    expect(gomod).toContain(`github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 v${npmVersion('cdk8s')}`);
    expect(gomod).toContain(`github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 v${npmVersion('cdk8s-plus-28')}`);
    // This module is not published; the Go module proxy here refuses the cdk8s-team modules, so
    // `npx projen package:go` generated them too, from their npm packages, with the same pacmak.
    const replaces = {
      'github.com/example/cdk8s-robustmq-observability-go/cdk8srobustmqobservability': module,
      'github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2': path.join(ROOT, 'node_modules', 'cdk8s', 'dist', 'go', 'cdk8s'),
      'github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2': path.join(ROOT, 'node_modules', 'cdk8s-plus-28', 'dist', 'go', 'cdk8splus28'),
    };
    for (const [mod, local] of Object.entries(replaces)) {
      built(local, /^go\.mod$/, 'package:go');
      run('go', ['mod', 'edit', `-replace=${mod}=${local}`], { cwd: dir, timeout: MINUTES });
    }
    run('go', ['mod', 'tidy'], { cwd: dir, timeout: 5 * MINUTES });
    run('go', ['build', '-o', 'app', '.'], { cwd: dir, timeout: 8 * MINUTES });
    const out = path.join(tmp, 'out-go');
    const stdout = run(path.join(dir, 'app'), [], { cwd: dir, env: { CDK8S_OUTDIR: out }, timeout: 3 * MINUTES });
    expect(stdout).toContain('prod-mq http-admin');
    expect(manifests(out)).toEqual(expected);
  }, 15 * MINUTES);

  test('Java: Maven with the jsii runtime and org.cdk8s:cdk8s from Maven Central, the built jar from dist/java', () => {
    const jarDir = path.join(ROOT, 'dist', 'java', 'io', 'github', 'example', 'cdk8s-robustmq-observability', '0.0.0');
    built(jarDir, /^cdk8s-robustmq-observability-0\.0\.0\.jar$/, 'package:java');
    const plusRepo = path.join(ROOT, 'node_modules', 'cdk8s-plus-28', 'dist', 'java');
    built(path.join(plusRepo, 'org', 'cdk8s', 'cdk8s-plus-28', npmVersion('cdk8s-plus-28')), /^cdk8s-plus-28-[0-9.]+\.jar$/, 'package:java');
    const dir = path.join(tmp, 'java');
    fs.cpSync(path.join(EXAMPLES, 'java'), dir, { recursive: true });
    fs.rmSync(path.join(dir, 'target'), { recursive: true, force: true });
    const pom = fs.readFileSync(path.join(dir, 'pom.xml'), 'utf8');
    for (const [artifact, pkg] of [['cdk8s', 'cdk8s'], ['cdk8s-plus-28', 'cdk8s-plus-28'], ['constructs', 'constructs']]) {
      expect(pom).toContain(`<artifactId>${artifact}</artifactId>\n      <version>${npmVersion(pkg)}</version>`);
    }
    // pacmak's output folders are Maven repositories; Maven Central here lacks cdk8s-plus-28, which
    // `npx projen package:java` built from its npm package.
    fs.writeFileSync(path.join(dir, 'settings.xml'), [
      '<settings><profiles><profile><id>local-builds</id><repositories>',
      `<repository><id>rmq-local</id><url>file://${path.join(ROOT, 'dist', 'java')}</url></repository>`,
      `<repository><id>cdk8s-plus-local</id><url>file://${plusRepo}</url></repository>`,
      '</repositories></profile></profiles>',
      '<activeProfiles><activeProfile>local-builds</activeProfile></activeProfiles></settings>',
    ].join('\n'));
    // A local repository of its own (a cache of Maven Central), from which the locally built
    // artifacts are dropped first: Maven never re-fetches a release version it holds.
    const m2 = process.env.RMQ_M2_REPO ?? path.join(ROOT, '.tools', 'm2');
    for (const local of [['io', 'github', 'example', 'cdk8s-robustmq-observability'], ['org', 'cdk8s', 'cdk8s-plus-28']]) {
      fs.rmSync(path.join(m2, ...local), { recursive: true, force: true });
    }
    const out = path.join(tmp, 'out-java');
    const stdout = run('mvn', ['-B', '-q', '-s', 'settings.xml', `-Dmaven.repo.local=${m2}`, 'compile', 'exec:java'], {
      cwd: dir, env: { CDK8S_OUTDIR: out }, timeout: 10 * MINUTES,
    });
    expect(stdout).toContain('prod-mq http-admin');
    expect(manifests(out)).toEqual(expected);
  }, 12 * MINUTES);
});

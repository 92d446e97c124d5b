import { cdk8s, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-robustmq-observability',
  description:
    'cdk8s constructs that deploy a RobustMQ cluster on Kubernetes and give it production-grade observability: Prometheus metrics and alerts, Grafana dashboards, Fluent Bit logs and Jaeger traces.',
  author: 'cdk8s-robustmq-observability maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/example/cdk8s-robustmq-observability.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  keywords: ['cdk8s', 'robustmq', 'mqtt', 'prometheus', 'grafana', 'fluent-bit', 'jaeger', 'observability'],

  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Prometheus's own PromQL grammar; bundled so its types stay out of the jsii API.
  bundledDeps: ['@grafana/grafana-foundation-sdk@0.0.21', '@prometheus-io/lezer-promql@0.315.0', '@lezer/lr@^1.4.2', '@lezer/highlight@^1.2.1', '@lezer/common@^1.2.3'],
  devDeps: [
    'cdk8s-cli@^2.200.0',
    'cdk8s-plus-28@2.5.6',
    'kubernetes-models@4.5.1',
    '@kubernetes-models/prometheus-operator@4.4.4',
    'smol-toml@^1.3.0',
    'yaml@^2.6.0',
    // OpenTelemetry's exporters, the test client of the real Jaeger (test/real/jaeger.test.ts);
    // the 2.7 line is the newest that still runs on Node 20.
    '@opentelemetry/api@1.9.0',
    '@opentelemetry/resources@2.7.1',
    '@opentelemetry/sdk-trace-base@2.7.1',
    '@opentelemetry/exporter-trace-otlp-grpc@0.217.0',
    '@opentelemetry/exporter-trace-otlp-http@0.217.0',
    '@opentelemetry/exporter-zipkin@2.7.1',
    '@opentelemetry/exporter-jaeger@2.7.1',
  ],

  // No GitHub workflows: CI is `.ci/run`, run on a clean clone.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // jsii targets, named the way cdk8s-plus names its own (cdk8s-plus-28 / cdk8s_plus_28,
  // org.cdk8s:cdk8s-plus-28, github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28). The Maven groupId and the
  // Go module follow the repository's owner (github.com/example): io.github.<owner> is the namespace
  // Maven Central grants a GitHub account. No .NET: this machine has no .NET SDK to build or test it.
  publishToPypi: {
    distName: 'cdk8s-robustmq-observability',
    module: 'cdk8s_robustmq_observability',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.example',
    mavenArtifactId: 'cdk8s-robustmq-observability',
    javaPackage: 'io.github.example.cdk8s.robustmq.observability',
  },
  publishToGo: {
    moduleName: 'github.com/example/cdk8s-robustmq-observability-go',
    packageName: 'cdk8srobustmqobservability',
  },

  bin: { 'cdk8s-robustmq-observability': 'lib/cli.js' },
  // node20 lets CommonJS output require the ESM-typed PromQL grammar (it ships a CJS build too).
  tsconfig: { compilerOptions: { module: 'node20' as any } },

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      coverageReporters: ['text-summary'],
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/'],
      // One scratch directory per run, removed at its end: tests leave nothing in /tmp.
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      // jest's transform cache stays out of the temporary directory too.
      cacheDirectory: '<rootDir>/node_modules/.cache/jest',
    },
  },
  eslintOptions: {
    // The test task checks; it never rewrites files.
    commandOptions: { fix: false },
    dirs: ['src', 'test', 'examples'],
    ignorePatterns: ['src/imports/**', 'src/metrics/catalog.generated.ts', 'src/alerts/runbooks.generated.ts', 'lib/**', 'dist/**', 'node_modules/**'],
  },
  gitignore: ['/dist/', '/test-reports/', '/.tools', '/examples/java/target/'],
  npmignoreEnabled: true,
  // Only what a user runs: no scripts, no generated API reference (Construct Hub reads .jsii).
  npmIgnoreOptions: { ignorePatterns: ['/imports/', '/examples/', '/.ci/', '/cdk8s.yaml', '/docs/', '/benchmarks/', '/scripts/', '/API.md', '/.tools/'] },
});

// The Go module proxy here refuses the cdk8s-team Go modules (cdk8s-core-go, cdk8s-plus-go) that the
// generated go.mod requires, so pacmak also generates them from their npm packages' jsii assemblies
// (into node_modules/<pkg>/dist/go, where it finds local builds of dependencies) and builds this
// module against them. dist/go still holds only this module, its go.mod naming the published ones.
project.tasks.tryFind('package:go')!.reset('jsii-pacmak -v . node_modules/cdk8s node_modules/cdk8s-plus-28 --target go');
// Likewise Maven Central here serves org.cdk8s:cdk8s but not org.cdk8s:cdk8s-plus-28: pacmak builds it
// from its npm package into node_modules/cdk8s-plus-28/dist/java, a local Maven repository.
project.tasks.tryFind('package:java')!.reset('jsii-pacmak -v . node_modules/cdk8s-plus-28 --target java');

project.package.addEngine('node', '>= 20');
// The bundled dependencies' source maps stay out of the tarball.
project.package.setScript('prepack', 'node scripts/strip-bundled-source-maps.js');

// The example apps are type-checked and linted like the tests.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts', '../src/**/*.ts'],
  },
});
project.addFields({ publishConfig: { access: 'public' } });

// Regenerate the typed Prometheus-Operator classes from the pinned CRDs in imports/crds.
project.addTask('import', {
  description: 'Regenerate src/imports from the pinned CRD manifests in imports/crds',
  steps: [
    {
      // Run in a scratch directory so that cdk8s import does not record the spec in cdk8s.yaml.
      exec: 'root="$PWD" && tmp="$(mktemp -d)" && cat imports/crds/*.yaml > "$tmp/prometheus-operator-crds.yaml"'
        + ' && (cd "$tmp" && cdk8s import prometheus-operator-crds.yaml --no-check-upgrade --language typescript --output "$root/src/imports")'
        + ' && rm -rf "$tmp"',
    },
  ],
});

// Regenerate the RobustMQ metric catalog from the pinned TSV in imports/robustmq.
project.addTask('catalog', {
  description: 'Regenerate src/metrics/catalog.generated.ts from imports/robustmq/metrics-v*.tsv',
  steps: [{ exec: 'node scripts/generate-metric-catalog.js' }],
});

// Regenerate the runbooks the runbooks dashboard ships from docs/runbooks.md.
project.addTask('runbooks', {
  description: 'Regenerate src/alerts/runbooks.generated.ts from docs/runbooks.md',
  steps: [{ exec: 'node scripts/generate-runbooks.js' }],
});

// Benchmark the compiled library: synth time and memory against a bare-cdk8s floor, CLI cold start.
project.addTask('benchmark', {
  description: 'Compile, then measure synth time and peak memory against a bare cdk8s floor and the CLI cold start',
  steps: [
    { spawn: 'compile' },
    { exec: 'node scripts/benchmark.js', receiveArgs: true },
  ],
});

// Mutation check of the generated promtool tests: breaks every alert in generic ways (for, comparison,
// threshold, aggregation, label matcher) and fails below 90% caught.
project.addTask('mutation', {
  description: 'Compile, then break every alert in generic ways and check that the generated promtool tests catch at least 90%',
  steps: [
    { spawn: 'compile' },
    // The log pipeline's alerts (their tests are another module's) and Jaeger's are reported, not
    // scored; so is an SLO's ticket tier, whose tests are the SLO's own (test/slo runs them).
    { exec: "node scripts/mutation-check.js --min 0.9 --only '^RobustMQ(?!Log)'", receiveArgs: true },
  ],
});

// Synthesize the default stack into dist/manifests with the package's own CLI (dist/js holds the
// tarball; cdk8s.yaml writes to the same folder).
project.addTask('synth', {
  description: 'Compile the library and write the default stack as YAML to dist/manifests/',
  steps: [
    { spawn: 'compile' },
    { exec: 'node lib/cli.js synth --out dist/manifests', receiveArgs: true },
  ],
});

project.synth();

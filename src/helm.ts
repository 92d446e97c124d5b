import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes synthesized manifests as a Helm chart directory, laid out as `cdk8s synth --format
 * helm` does (`Chart.yaml` with API version v2, `templates/`), but safe for Helm's template
 * engine: every `{{` and `}}` in the manifests (Prometheus alert templates, Grafana links) is
 * escaped so that `helm template` renders exactly the manifests, byte for byte. The
 * Prometheus-Operator CRDs are not included: the operator's own chart installs them.
 */

/** What the chart is made from. */
export interface HelmChartModel {
  /** The chart's name (a DNS label). */
  readonly name: string;
  /** The chart's SemVer version. */
  readonly version: string;
  /** The version of what the chart deploys. */
  readonly appVersion: string;
  readonly description: string;
  /** Manifest files by name, as written by the plain synth. */
  readonly manifests: { readonly [file: string]: string };
}

/** Escapes Go template delimiters so that Helm renders the text unchanged. */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{|\}\}/g, (d) => `{{ "${d}" }}`);
}

/** Writes the chart into `dir` (which must be empty or absent). */
export function writeHelmChart(dir: string, m: HelmChartModel): string[] {
  const files: Array<[string, string]> = [
    ['Chart.yaml', [
      'apiVersion: v2',
      `name: ${m.name}`,
      `version: ${m.version}`,
      `appVersion: "${m.appVersion}"`,
      `description: ${JSON.stringify(m.description)}`,
      'type: application',
      '',
    ].join('\n')],
    ['values.yaml', '# This chart has no values: it is synthesized by cdk8s-robustmq-observability with the flags of its CLI.\n'],
    ['README.md', 'This Helm chart is synthesized by cdk8s-robustmq-observability. Change the flags and synthesize again rather than editing it.\n'],
    ...Object.entries(m.manifests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([file, text]): [string, string] => [path.join('templates', file), escapeForHelm(text)]),
  ];
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return files.map(([f]) => f);
}

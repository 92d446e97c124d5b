import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

/** A test chart in namespace `test-ns` unless told otherwise; `null` for a chart without namespace. */
export function testChart(namespace: string | null = 'test-ns'): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', { namespace: namespace ?? undefined });
}

/** All objects of a chart as plain JSON. */
export function objects(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** The one object of a kind (and name, if given); fails if there is not exactly one. */
export function one(objs: any[], kind: string, name?: string): any {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}`);
  }
  return found[0];
}

/** Every object of an app, chart by chart. */
export function appObjects(app: App): any[] {
  return app.charts.flatMap((c) => c.toJson());
}

export type { Construct };

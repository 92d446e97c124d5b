import { Testing } from 'cdk8s';
import { buildStack } from '../src/stack';
import { validateAll } from './support/schema';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function synth(): Array<{ chart: string; objects: any[] }> {
  const app = Testing.app();
  const { charts } = buildStack(app);
  return charts.map((c) => ({ chart: c.node.id, objects: c.toJson() }));
}

describe('the default stack', () => {
  const charts = synth();

  test('one chart per concern', () => {
    expect(charts.map((c) => c.chart)).toEqual(['robustmq', 'metrics', 'alerts', 'logs', 'tracing', 'dashboards']);
  });

  test('every synthesized object validates against its schema', () => {
    expect(() => validateAll(charts.flatMap((c) => c.objects))).not.toThrow();
  });

  test('no two objects share kind, namespace and name', () => {
    const keys = charts.flatMap((c) => c.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('two synths are byte-identical', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(charts));
  });

  test.each(['robustmq', 'metrics', 'alerts', 'logs', 'tracing', 'dashboards'])('snapshot of the %s chart', (name) => {
    expect(charts.find((c) => c.chart === name)!.objects).toMatchSnapshot();
  });
});

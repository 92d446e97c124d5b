import { ApiObject, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { buildStack } from '../src/stack';
import { validateAll } from './support/schema';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

/** The default stack's objects, grouped by the part of RobustMqObservability that made them. */
function synth(): Array<{ chart: string; objects: any[] }> {
  const app = Testing.app();
  const { chart, observability } = buildStack(app);
  chart.toJson(); // validates the whole app first
  const parts: Array<[string, IConstruct | undefined]> = [
    ['cluster', observability.cluster], ['metrics', observability.serviceMonitor], ['alerts', observability.alerts],
    ['logs', observability.fluentBit], ['tracing', observability.jaeger], ['jaeger-alerts', observability.jaegerAlerts],
    ['slos', observability.slos], ['dashboards', observability.dashboards], ['datasources', observability.datasources],
    ['probe', observability.probe], ['probe-alerts', observability.probeAlerts],
  ];
  return parts.map(([name, part]) => ({
    chart: name,
    objects: part!.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson()),
  }));
}

describe('the default stack', () => {
  const charts = synth();

  test('one chart holding every part; every object belongs to a part', () => {
    const app = Testing.app();
    const { chart } = buildStack(app);
    expect(app.charts.map((c) => c.node.id)).toEqual(['robustmq-observability']);
    expect(charts.reduce((n, c) => n + c.objects.length, 0)).toBe(chart.toJson().length);
    for (const c of charts) expect(c.objects.length).toBeGreaterThan(0);
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

  test.each(['cluster', 'metrics', 'alerts', 'logs', 'tracing', 'jaeger-alerts', 'slos', 'dashboards', 'datasources', 'probe', 'probe-alerts'])('snapshot of the %s chart', (name) => {
    expect(charts.find((c) => c.chart === name)!.objects).toMatchSnapshot();
  });
});

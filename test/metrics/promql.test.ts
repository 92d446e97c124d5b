import { Testing } from 'cdk8s';
import { KnownMetrics } from '../../src/metrics/known';
import {
  describeProblem, histogramQuantile, parsePromQL, promqlGrammarRuns, promqlProblems, rate, ratio, selectedMetrics, selector, sumBy,
  GRAFANA_RATE_INTERVAL,
} from '../../src/metrics/promql';
import { buildStack } from '../../src/stack';

const known = KnownMetrics.standard();
function problems(expr: string): string[] {
  return promqlProblems(expr, known).map((p) => describeProblem(expr, p));
}

describe('PromQL validation with the Prometheus grammar', () => {
  test('valid expressions have no problems', () => {
    for (const e of [
      'histogram_quantile(0.99, sum by (le, pod) (rate(mqtt_packet_process_duration_ms_bucket{cluster="c"}[5m])))',
      'count(up{job="robustmq-cluster"} == 1) < 2 or absent(up{job="robustmq-cluster"})',
      'sum by (pod) (mqtt_connections_count) > bool 3',
      'predict_linear(kubelet_volume_stats_available_bytes[6h], 24 * 3600) < 0',
      'max_over_time(raft_apply_lag[10m:1m])',
      '{__name__="mqtt_connections_count"}',
    ]) {
      expect(problems(e)).toEqual([]);
    }
  });

  test('a syntax error is refused with its position and reason', () => {
    expect(problems('sum(rate(mqtt_packets_received_total[5m])')).toEqual([
      "column 42: syntax error: unexpected end of expression after '_received_total[5m])'",
    ]);
    expect(problems('sum(rate(mqtt_packets_received_total[5m])) by pod')[0]).toMatch(/^column \d+: syntax error: unexpected/);
    expect(problems('sum(\n  rate(up[5m]) +\n)')[0]).toMatch(/^line 3, column 1: syntax error/);
    expect(problems('')).toEqual(['column 1: the expression is empty']);
  });

  test('an unknown metric name is refused, suggesting the nearest catalog name', () => {
    expect(problems('rate(mqtt_packets_recieved_total[5m])')).toEqual([
      "column 6: unknown metric 'mqtt_packets_recieved_total' (did you mean 'mqtt_packets_received_total'?)",
    ]);
    // The seed's mistake: a quantile over the bare histogram name.
    expect(problems('histogram_quantile(0.99, mqtt_packet_process_duration_ms)')).toEqual([
      "column 26: unknown metric 'mqtt_packet_process_duration_ms' (did you mean 'mqtt_packet_process_duration_ms_bucket'?)",
    ]);
    expect(problems('{__name__="robustmq_up"}')[0]).toMatch(/unknown metric 'robustmq_up'/);
  });

  test('an unknown function is named as a function, with the nearest one, not as a syntax error and an unknown metric', () => {
    expect(problems('sum(rat(up[5m]))')).toEqual(["column 5: unknown function 'rat' (did you mean 'rad'?)"]);
    expect(problems('histogram_quantil(0.99, sum by (le) (rate(mqtt_packet_process_duration_ms_bucket[5m])))'))
      .toEqual(["column 1: unknown function 'histogram_quantil' (did you mean 'histogram_quantile'?)"]);
    // Keywords and aggregations before '(' are no calls of unknown functions; nor is a '(' inside a label value.
    for (const e of ['sum without (le) (up) and on (pod) (up)', 'up{pod=~"rate(x"}', 'topk(3, up) or vector(0)', 'count_values("v", up)',
      'up > bool (1)', 'histogram_fraction(0, 1, mqtt_packet_process_duration_ms_bucket)']) {
      expect(problems(e)).toEqual([]);
    }
  });

  test('declared non-RobustMQ metrics are known; users can declare more', () => {
    expect(problems('kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes')).toEqual([]);
    expect(problems('rate(fluentbit_output_errors_total[5m])')).toEqual([]);
    expect(promqlProblems('my_app_requests_total', known)).toHaveLength(1);
    expect(promqlProblems('my_app_requests_total', known.with(['my_app_requests_total']))).toEqual([]);
  });

  test('range functions need a range vector; instant functions refuse one', () => {
    expect(problems('rate(mqtt_packets_received_total)')).toEqual([
      "column 6: rate() needs a range vector such as x[5m], got 'mqtt_packets_received_total'",
    ]);
    expect(problems('abs(mqtt_connections_count[5m])')[0]).toMatch(/abs\(\) needs an instant vector/);
  });

  test('a quantile over an aggregation that drops le is refused', () => {
    expect(problems('histogram_quantile(0.99, sum by (pod) (rate(mqtt_packet_process_duration_ms_bucket[5m])))')).toEqual([
      "column 26: histogram_quantile() over an aggregation must keep 'le': aggregate with sum by (le, ...)",
    ]);
    expect(problems('histogram_quantile(0.99, sum(rate(mqtt_packet_process_duration_ms_bucket[5m])))')[0]).toMatch(/must keep 'le'/);
    expect(problems('histogram_quantile(0.99, sum without (pod) (rate(mqtt_packet_process_duration_ms_bucket[5m])))')).toEqual([]);
  });

  test('selected metric names are extracted, not label or function names', () => {
    expect(selectedMetrics('sum by (pod) (rate(a_total{le="1"}[5m])) / on(pod) b + histogram_quantile(0.5, c_bucket)')).toEqual(['a_total', 'b', 'c_bucket']);
    expect(parsePromQL('rate(up[5m])').metrics).toEqual([{ name: 'up', offset: 5 }]);
  });
});

describe('PromQL helpers', () => {
  test('histogramQuantile sums by le over the bucket rate', () => {
    const e = histogramQuantile(0.99, 'mqtt_packet_process_duration_ms_bucket', '5m', ['pod'], ['cluster="c"']);
    expect(e).toBe('histogram_quantile(0.99, sum by (le, pod) (rate(mqtt_packet_process_duration_ms_bucket{cluster="c"}[5m])))');
    expect(problems(e)).toEqual([]);
    expect(() => histogramQuantile(99, 'x_bucket', '5m')).toThrow(/between 0 and 1/);
    expect(() => histogramQuantile(0.9, 'mqtt_packet_process_duration_ms', '5m')).toThrow(/_bucket/);
  });

  test('ratio divides summed rates', () => {
    const e = ratio('mqtt_packets_received_error_total', 'mqtt_packets_received_total', '5m', ['pod']);
    expect(e).toBe('sum by (pod) (rate(mqtt_packets_received_error_total[5m])) / sum by (pod) (rate(mqtt_packets_received_total[5m]))');
    expect(problems(e)).toEqual([]);
  });

  test('dashboard rates use $__rate_interval, which parses once substituted', () => {
    const e = rate('mqtt_packets_received_total', GRAFANA_RATE_INTERVAL, ['pod=~"$pod"']);
    expect(e).toBe('rate(mqtt_packets_received_total{pod=~"$pod"}[$__rate_interval])');
    expect(problems(e.replace('$__rate_interval', '5m'))).toEqual([]);
    expect(sumBy([], 'x')).toBe('sum(x)');
    expect(selector('up')).toBe('up');
  });
});

describe('each distinct expression is parsed once per process', () => {
  test('a second synth of the same stack runs the grammar no more; alerts and dashboards share parses', () => {
    const synth = () => {
      const app = Testing.app();
      buildStack(app, { namespace: 'parse-once', clusterName: 'parse-once' });
      return app.synthYaml();
    };
    const before = promqlGrammarRuns();
    synth();
    const first = promqlGrammarRuns() - before;
    // Alerts, recording rules and four dashboards: many expressions, each parsed once.
    expect(first).toBeGreaterThan(60);
    synth();
    expect(promqlGrammarRuns() - before - first).toBe(0);
  });

  test('a shared result cannot be changed by a caller', () => {
    const parsed = parsePromQL('rate(up[5m])');
    expect(() => (parsed.metrics as unknown as object[]).push({})).toThrow(TypeError);
    expect(parsePromQL('rate(up[5m])').metrics).toEqual([{ name: 'up', offset: 5 }]);
  });
});

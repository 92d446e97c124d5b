import { PROBE_METRICS } from './facts';
import { DashboardRowSpec, PanelKind } from '../dashboards/dashboard-spec';
import { DASHBOARD_VARIABLES } from '../dashboards/uids';
import { GRAFANA_RATE_INTERVAL, histogramQuantile, selector, sumBy } from '../metrics/promql';

/**
 * The overview dashboard's row for the synthetic probe: round-trip success, the p50/p90/p99 of
 * the round trip and its heatmap. The probe's series carry the cluster and namespace of the
 * cluster probed, and the probe's own pod: they filter on the cluster and namespace variables
 * and not on the pod variable, which lists RobustMQ's pods (the dashboard lint knows).
 */
export function probeDashboardRow(clusterLabel: string): DashboardRowSpec {
  const f = [`${clusterLabel}=~"$${DASHBOARD_VARIABLES.cluster}"`, `namespace=~"$${DASHBOARD_VARIABLES.namespace}"`];
  const increase = (metric: string) => sumBy(['name'], `increase(${selector(metric, f)}[${GRAFANA_RATE_INTERVAL}])`);
  const bucket = `${PROBE_METRICS.duration}_bucket`;
  return {
    title: 'End-to-end MQTT (synthetic probe)',
    panels: [
      {
        title: 'Probe Success',
        description: 'Share of the probe\'s round trips (connect, subscribe, publish, every message back) that succeeded. Below 1, real clients most likely fail too (RobustMQProbeFailing).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `1 - (${increase(PROBE_METRICS.errors)} + ${increase(PROBE_METRICS.timeouts)}) / ${increase(PROBE_METRICS.started)}`, legend: '{{name}}' }],
      },
      {
        title: 'Round-trip Latency',
        description: 'The 50th, 90th and 99th percentile of the probe\'s round trip through the client Service (RobustMQProbeSlowRoundTrip watches the p99).',
        unit: 's',
        queries: [0.5, 0.9, 0.99].map((q) => ({
          expr: histogramQuantile(q, bucket, GRAFANA_RATE_INTERVAL, ['name'], f),
          legend: `p${Math.round(q * 100)} {{name}}`,
        })),
      },
      {
        title: 'Round-trip Latency Heatmap',
        description: 'How many round trips fell in each duration bucket of the probe\'s histogram, over time.',
        unit: 's',
        kind: PanelKind.HEATMAP,
        queries: [{ expr: sumBy(['le'], `rate(${selector(bucket, f)}[${GRAFANA_RATE_INTERVAL}])`), legend: '{{le}}' }],
      },
    ],
  };
}

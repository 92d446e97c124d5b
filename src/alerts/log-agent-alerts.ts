import { AlertContext, AlertDefinition } from './definitions';
import { AlertSeverity, EVAL_MARGIN_MINUTES } from './engine';
import { logAgentInstance } from './fixture';
import { constant, growing, rateTests, series, without } from './test-inputs';

/**
 * The log pipeline's alerts: retries, a growing backlog, records lost, and the agent down. They watch the
 * Fluent Bit that ships the cluster's logs (its scrape job and namespace) and apply only when
 * the context has a log agent.
 */

function hasLogAgent(ctx: AlertContext): boolean {
  return ctx.logAgent !== undefined;
}

/** The log agent's series: its scrape job in its namespace. */
function agentSel(ctx: AlertContext): string {
  return `job="${ctx.logAgent!.job}", namespace="${ctx.logAgent!.namespace}"`;
}

function agentLabels(ctx: AlertContext): { [key: string]: string } {
  return { job: ctx.logAgent!.job, namespace: ctx.logAgent!.namespace, pod: `${ctx.logAgent!.job}-x7k2p`, instance: logAgentInstance(3) };
}

/** The label value RobustMQLogAgentDown gives `pod` when there is no Fluent Bit target at all. */
export const NO_LOG_AGENT_TARGET = 'no scrape target';

/**
 * The log pipeline's alerts, on counters that move when records are held back or lost (Fluent
 * Bit v5.0.9):
 * - RobustMQLogsRetrying: fluentbit_output_retries_total, counted for every scheduled retry
 *   (src/flb_engine.c:572): an outage, a chunk Elasticsearch keeps refusing, a reply lost.
 * - RobustMQLogsBacklogGrowing: fluentbit_storage_fs_chunks, the chunks waiting in the
 *   filesystem buffer (src/flb_storage.c:48, exposed with storage.metrics On,
 *   src/flb_metrics_exporter.c:285-295).
 * - RobustMQLogsLost: fluentbit_output_dropped_records_total, which moves whenever records are
 *   really thrown away: a chunk given up after its last retry (src/flb_engine.c:500), an output
 *   error (src/flb_engine.c:596), the oldest chunks evicted when storage.total_limit_size is full
 *   (src/flb_input_chunk.c:440).
 * Not used: fluentbit_filter_drop_records_total, which counts the grep filter's intended drops
 * (DEBUG, TRACE) and the lines the multiline filter joins (src/flb_filter.c:288-292).
 */
function logAgentAlerts(): AlertDefinition[] {
  const common = {
    group: 'logs' as const,
    applies: hasLogAgent,
    dashboard: 'logs' as const,
    staticLabels: (ctx: AlertContext) => ({ [ctx.clusterLabel]: ctx.clusterName }),
  };
  const podLabels = (ctx: AlertContext) => without(agentLabels(ctx), 'job', 'instance');
  return [
    {
      ...common,
      name: 'RobustMQLogsRetrying',
      severity: AlertSeverity.WARNING,
      for: '10m',
      threshold: { default: 0, unit: 'per-second', meaning: 'chunk retries per second' },
      summary: 'Fluent Bit keeps retrying RobustMQ log chunks.',
      description: (ctx) => `Fluent Bit on {{ $labels.pod }} retries {{ $value | humanize }} chunks per second: RobustMQ logs of cluster ${ctx.clusterName} `
        + 'are not reaching Elasticsearch (unreachable, or refusing the bulk requests) and wait in the filesystem buffer.',
      expr: (ctx, t) => `sum by (namespace, pod) (rate(fluentbit_output_retries_total{${agentSel(ctx)}}[5m])) > ${t}`,
      tests: (ctx, t, minutes) => rateTests(t, minutes, 'fluentbit_output_retries_total', { ...agentLabels(ctx), name: 'robustmq_elasticsearch' }, podLabels(ctx)),
    },
    {
      ...common,
      name: 'RobustMQLogsBacklogGrowing',
      severity: AlertSeverity.WARNING,
      for: '15m',
      threshold: { default: 20, unit: 'count', meaning: 'chunks buffered on disk' },
      summary: 'RobustMQ log chunks pile up in Fluent Bit\'s buffer.',
      description: (ctx) => `Fluent Bit on {{ $labels.pod }} holds {{ $value }} chunks of RobustMQ logs (cluster ${ctx.clusterName}) in its filesystem buffer `
        + 'and the number keeps growing: once storage.total_limit_size is reached the oldest chunks are dropped.',
      expr: (ctx, t) => `(sum by (namespace, pod) (fluentbit_storage_fs_chunks{${agentSel(ctx)}}) > ${t})`
        + ` and (sum by (namespace, pod) (deriv(fluentbit_storage_fs_chunks{${agentSel(ctx)}}[15m])) > 0)`,
      tests: (ctx, t, minutes) => {
        const labels = agentLabels(ctx);
        const end = Math.ceil(t) + 1 + minutes - EVAL_MARGIN_MINUTES;
        return {
          fire: [{
            description: `from ${Math.ceil(t) + 1} chunks, one more each minute`,
            series: [series('fluentbit_storage_fs_chunks', labels, `${Math.ceil(t) + 1}+1x${minutes}`)],
            expected: [{ labels: podLabels(ctx), value: end }],
          }],
          quiet: [
            { description: 'a large backlog that is draining', series: [series('fluentbit_storage_fs_chunks', labels, `${Math.ceil(t) + 1 + minutes * 2}-1x${minutes}`)], expected: [] },
            { description: 'a small backlog that grows', series: [series('fluentbit_storage_fs_chunks', labels, `0+${Math.max(0, Math.floor(t) / (minutes + 1))}x${minutes}`)], expected: [] },
          ],
        };
      },
    },
    {
      ...common,
      name: 'RobustMQLogsLost',
      severity: AlertSeverity.CRITICAL,
      for: '1m',
      threshold: { default: 0, unit: 'count', meaning: 'records dropped in 10 minutes' },
      summary: 'Fluent Bit threw RobustMQ log records away.',
      description: (ctx) => `Fluent Bit on {{ $labels.pod }} dropped {{ $value | humanize }} RobustMQ log records of cluster ${ctx.clusterName} in the last 10 minutes `
        + '(given up after the last retry, an output error, or evicted from a full buffer): they are not in Elasticsearch.',
      expr: (ctx, t) => `sum by (namespace, pod) (increase(fluentbit_output_dropped_records_total{${agentSel(ctx)}}[10m])) > ${t}`,
      tests: (ctx, t, minutes) => {
        const labels = { ...agentLabels(ctx), name: 'robustmq_elasticsearch' };
        const perMinute = Math.ceil(t) + 10;
        return {
          fire: [{ description: `${perMinute} records dropped each minute`, series: [series('fluentbit_output_dropped_records_total', labels, growing(perMinute, minutes))], expected: [{ labels: podLabels(ctx), value: perMinute * 10 }] }],
          quiet: [{ description: 'nothing dropped', series: [series('fluentbit_output_dropped_records_total', labels, constant(3, minutes))], expected: [] }],
        };
      },
    },
    {
      ...common,
      name: 'RobustMQLogAgentDown',
      severity: AlertSeverity.WARNING,
      for: '5m',
      summary: 'A Fluent Bit pod shipping RobustMQ logs is down.',
      description: (ctx) => `Prometheus has no working scrape of Fluent Bit ({{ $labels.pod }}): the RobustMQ pods of cluster ${ctx.clusterName} on its node, `
        + 'or on every node when there is no target at all (DaemonSet gone, ServiceMonitor not selected), have no log shipping anyone watches; '
        + 'their lines wait in the container log files and the offsets database.',
      // `up == 0` sees a target that fails; absent() sees that there is none.
      expr: (ctx) => `up{${agentSel(ctx)}} == 0 or label_replace(absent(up{${agentSel(ctx)}}), "pod", "${NO_LOG_AGENT_TARGET}", "", "")`,
      tests: (ctx, _t, minutes) => {
        const labels = agentLabels(ctx);
        const other = { job: 'some-other-job', namespace: ctx.logAgent!.namespace, pod: 'other-0' };
        return {
          fire: [
            { description: 'agent down', series: [series('up', labels, constant(0, minutes))], expected: [{ labels, value: 0 }] },
            {
              description: 'no Fluent Bit target at all',
              series: [series('up', other, constant(1, minutes))],
              withoutFixture: { metric: 'up', labels: { job: ctx.logAgent!.job, namespace: ctx.logAgent!.namespace } },
              expected: [{ labels: { job: ctx.logAgent!.job, namespace: ctx.logAgent!.namespace, pod: NO_LOG_AGENT_TARGET }, value: 1 }],
            },
          ],
          quiet: [{ description: 'agent up', series: [series('up', labels, constant(1, minutes))], expected: [] }],
        };
      },
    },
  ];
}

/** The log pipeline's alerts. */
export const LOG_AGENT_ALERTS: readonly AlertDefinition[] = logAgentAlerts();

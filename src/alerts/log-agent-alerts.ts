import { AlertContext, AlertDefinition } from './definitions';
import { AlertSeverity } from './engine';
import { constant, rateTests, series, without } from './test-inputs';

/**
 * The log pipeline's alerts: records dropped or given up on, and the agent down. They watch the
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
  return { job: ctx.logAgent!.job, namespace: ctx.logAgent!.namespace, pod: `${ctx.logAgent!.job}-x7k2p` };
}

/** The log pipeline's alerts: records dropped or given up on, and the agent down. */
function logAgentAlerts(): AlertDefinition[] {
  const counterAlert = (name: string, metric: string, summary: string, what: string, severity: AlertSeverity): AlertDefinition => ({
    name,
    group: 'logs',
    severity,
    for: '5m',
    applies: hasLogAgent,
    threshold: { default: 0, unit: 'per-second', meaning: `${what} per second` },
    summary,
    description: (ctx) => `Fluent Bit on {{ $labels.pod }} ${what} {{ $value | humanize }} times per second: log records of RobustMQ cluster ${ctx.clusterName} `
      + 'are lost on their way to Elasticsearch.',
    dashboard: 'logs',
    staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
    expr: (ctx, t) => `sum by (namespace, pod) (rate(${metric}{${agentSel(ctx)}}[5m])) > ${t}`,
    tests: (ctx, t, minutes) => {
      const labels = { ...agentLabels(ctx), name: 'es.0' };
      return rateTests(t, minutes, metric, labels, without(labels, 'job', 'name'));
    },
  });
  return [
    counterAlert('RobustMQLogsDropped', 'fluentbit_output_dropped_records_total', 'Fluent Bit drops RobustMQ log records.',
      'drops records', AlertSeverity.CRITICAL),
    counterAlert('RobustMQLogsRetriesFailed', 'fluentbit_output_retries_failed_total', 'Fluent Bit gives up on RobustMQ log chunks.',
      'gives up on chunks after their last retry', AlertSeverity.WARNING),
    {
      name: 'RobustMQLogAgentDown',
      group: 'logs',
      severity: AlertSeverity.WARNING,
      for: '5m',
      applies: hasLogAgent,
      summary: 'A Fluent Bit pod shipping RobustMQ logs is down.',
      description: (ctx) => `Prometheus cannot scrape Fluent Bit pod {{ $labels.pod }}: the RobustMQ pods on its node (cluster ${ctx.clusterName}) `
        + 'have no log shipping; their lines wait in the container log files and the offsets database until it is back.',
      dashboard: 'logs',
      staticLabels: (ctx) => ({ [ctx.clusterLabel]: ctx.clusterName }),
      expr: (ctx) => `up{${agentSel(ctx)}} == 0`,
      tests: (ctx, _t, minutes) => {
        const labels = agentLabels(ctx);
        return {
          fire: [{ description: 'agent down', series: [series('up', labels, constant(0, minutes))], expected: [{ labels, value: 0 }] }],
          quiet: [{ description: 'agent up', series: [series('up', labels, constant(1, minutes))], expected: [] }],
        };
      },
    },
  ];
}

/** The log pipeline's alerts. */
export const LOG_AGENT_ALERTS: readonly AlertDefinition[] = logAgentAlerts();

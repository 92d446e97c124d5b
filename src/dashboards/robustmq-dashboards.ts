import { DashboardSpec, PanelKind, PanelSpec } from './dashboard-spec';
import { variableMatchers } from './render';
import { DASHBOARD_UIDS } from './uids';
import { bucket, countOf, sample, seriesLabel } from '../metrics/catalog';
import { GRAFANA_RATE_INTERVAL, histogramQuantile, selector, sumBy } from '../metrics/promql';
import { raftMajority } from '../robustmq/target';

/**
 * The library's Prometheus dashboards as specs. Every query names its metrics through the
 * catalog (an unknown name fails here), filters on the cluster, namespace and pod variables,
 * and rates over `$__rate_interval`.
 */

/** What the dashboards are tuned by. */
export interface DashboardContext {
  readonly clusterLabel: string;
  readonly replicas: number;
  /** RobustMQHighLatency's threshold in seconds, drawn on the latency panel. */
  readonly latencyThresholdSeconds: number;
  /** RobustMQHighErrorRate's threshold (ratio), drawn on the error panels. */
  readonly errorRateThreshold: number;
}

const W = GRAFANA_RATE_INTERVAL;

function filters(ctx: DashboardContext, extra: string[] = []): string[] {
  return [...variableMatchers(ctx.clusterLabel), ...extra];
}

/** `sum by (<by>) (rate(<counter family>{filters}[$__rate_interval]))`. */
function rateOf(ctx: DashboardContext, family: string, by: string[], extra: string[] = []): string {
  return sumBy(by, `rate(${selector(sample(family), filters(ctx, extra))}[${W}])`);
}

/** `sum by (<by>) (<gauge family>{filters})`. */
function gaugeOf(ctx: DashboardContext, family: string, by: string[], extra: string[] = []): string {
  return sumBy(by, selector(sample(family), filters(ctx, extra)));
}

/**
 * `max by (<by>) (<gauge family>{filters})`: for the counts that every node reports for the whole
 * cluster (topics, sessions, subscriptions are per-node views of cluster-wide caches), where
 * `sum()` would multiply them by the replica count.
 */
function clusterCountOf(ctx: DashboardContext, family: string, by: string[] = []): string {
  return `max${by.length > 0 ? ` by (${by.join(', ')}) ` : ''}(${selector(sample(family), filters(ctx))})`;
}

/**
 * A centipercent `system_*` gauge (0 to 10000, src/common/system-info/src/lib.rs:39-42) as a
 * percentage 0 to 100. A share is never summed: `max by` keeps it a share when the selection
 * holds one pod's series twice (the same pod scraped by two monitors, or federated under two
 * clusters with All selected), where `sum by` showed 108% to 216% on the fixture.
 */
function centipercentOf(ctx: DashboardContext, family: string, by: string[]): string {
  return `${clusterCountOf(ctx, family, by)} / 100`;
}

/**
 * Undecodable MQTT packets as a fraction of all packets received: they are not counted in
 * mqtt_packets_received_total, so the whole is received + errors. The error counter appears only
 * on the first error: `or 0 * received` keeps the ratio at 0 until then.
 */
function packetErrorRatio(ctx: DashboardContext, by: string[]): string {
  const received = rateOf(ctx, 'mqtt_packets_received', by);
  const errors = `(${rateOf(ctx, 'mqtt_packets_received_error', by)} or 0 * ${received})`;
  return `${errors} / (${received} + ${errors})`;
}

/** The used fraction of the data volumes, as RobustMQ (a non-root user) sees it: 1 - available / capacity. */
function volumeUsed(): string {
  return `1 - ${volume('kubelet_volume_stats_available_bytes')} / ${volume('kubelet_volume_stats_capacity_bytes')}`;
}

function p99(ctx: DashboardContext, histogram: string, by: string[], extra: string[] = []): string {
  return histogramQuantile(0.99, bucket(histogram), W, by, filters(ctx, extra));
}

/** Per-second growth of a gauge that only grows (RobustMQ's `_total`-named gauges). */
function gaugeRateOf(ctx: DashboardContext, family: string, by: string[]): string {
  return sumBy(by, `rate(${selector(sample(family), filters(ctx))}[${W}])`);
}

/** Per-second rate of a histogram's observations. */
function opsOf(ctx: DashboardContext, histogram: string, by: string[], extra: string[] = []): string {
  return sumBy(by, `rate(${selector(countOf(histogram), filters(ctx, extra))}[${W}])`);
}

function ts(title: string, description: string, unit: string, queries: Array<[string, string?]>, extra: Partial<PanelSpec> = {}): PanelSpec {
  return { title, description, unit, queries: queries.map(([expr, legend]) => ({ expr, legend })), ...extra };
}

function errorThresholds(ctx: DashboardContext) {
  return [{ color: 'green' }, { value: 0.01, color: 'yellow' }, { value: ctx.errorRateThreshold, color: 'red' }];
}

/** The data volumes of the selected pods (kubelet statistics carry no cluster label; the pod names do). */
function volume(metric: string): string {
  return `${metric}{namespace=~"$namespace", persistentvolumeclaim=~"data-($pod)"}`;
}

/** RobustMQ Cluster Overview. */
export function overviewDashboard(ctx: DashboardContext): DashboardSpec {
  const cl = ctx.clusterLabel;
  return {
    uid: DASHBOARD_UIDS.overview,
    title: 'RobustMQ Cluster Overview',
    description: 'Health, traffic and resources of RobustMQ clusters.',
    tags: ['mqtt'],
    rows: [
      {
        title: 'Cluster',
        panels: [
          {
            title: 'Cluster Health',
            description: `RobustMQ nodes that answer Prometheus's scrape. Red below 1, yellow below all ${ctx.replicas}, green when all are up; `
              + `the Raft group needs a majority (${raftMajority(ctx.replicas)}).`,
            unit: 'none',
            kind: PanelKind.STAT,
            width: 6,
            // `and` with a metric only RobustMQ exports keeps other targets (log agents, Jaeger) out.
            // `or vector(0)`: a red 0 when every pod is down, not "No data".
            queries: [{ expr: `sum(up{${filters(ctx).join(', ')}} and on (namespace, pod) ${sample('system_process_cpu_usage')}{${filters(ctx).join(', ')}}) or vector(0)`, legend: 'nodes up' }],
            thresholds: [{ color: 'red' }, { value: 1, color: 'yellow' }, { value: ctx.replicas, color: 'green' }],
          },
          {
            title: 'Active Connections',
            description: 'MQTT client connections open now, all pods together.',
            unit: 'short',
            kind: PanelKind.STAT,
            width: 6,
            queries: [{ expr: gaugeOf(ctx, 'mqtt_connections_count', []), legend: 'connections' }],
          },
          {
            title: 'Sessions',
            description: 'MQTT sessions held by the cluster (every node reports the whole cluster\'s count: the largest is shown).',
            unit: 'short',
            kind: PanelKind.STAT,
            width: 6,
            queries: [{ expr: clusterCountOf(ctx, 'mqtt_sessions_count'), legend: 'sessions' }],
          },
          {
            title: 'Packet Error Ratio',
            description: 'Undecodable MQTT packets as a fraction of all packets received (RobustMQHighErrorRate fires above the red threshold).',
            unit: 'percentunit',
            kind: PanelKind.STAT,
            width: 6,
            queries: [{ expr: packetErrorRatio(ctx, []), legend: 'error ratio' }],
            thresholds: errorThresholds(ctx),
          },
          ts('Message Throughput', 'MQTT PUBLISH packets received per second, by pod.', 'pps',
            [[rateOf(ctx, 'mqtt_packets_publish_received', ['pod']), '{{pod}}']], { width: 12 }),
          ts('Active Connections by Pod', 'MQTT client connections open on each pod.', 'short',
            [[gaugeOf(ctx, 'mqtt_connections_count', ['pod']), '{{pod}}']], { width: 12 }),
          ts('Error Ratio', 'Undecodable MQTT packets as a fraction of all packets received, by pod.', 'percentunit',
            [[packetErrorRatio(ctx, ['pod']), '{{pod}}']],
            { width: 12, thresholds: errorThresholds(ctx), thresholdLines: true, min: 0 }),
          {
            title: 'Firing RobustMQ Alerts',
            description: 'RobustMQ alerts firing now for the selected cluster and namespace (from Prometheus\'s ALERTS series).',
            unit: 'none',
            kind: PanelKind.TABLE,
            width: 12,
            queries: [{
              expr: `sum by (alertname, severity, pod) (ALERTS{alertstate="firing", alertname=~"RobustMQ.*", ${cl}=~"$cluster", namespace=~"$namespace", pod=~"$pod|"})`,
              legend: '{{alertname}}',
            }],
          },
        ],
      },
      {
        title: 'Resources',
        panels: [
          ts('CPU by Pod', 'CPU used by the RobustMQ process as a share of the node\'s CPUs, percent (not of the container\'s limit).', 'percent',
            [[centipercentOf(ctx, 'system_process_cpu_usage', ['pod']), '{{pod}}']], { min: 0, max: 100 }),
          ts('Memory by Pod', 'Memory used by the RobustMQ process as a share of the node\'s memory, percent (not of the container\'s limit).', 'percent',
            [[centipercentOf(ctx, 'system_process_memory_usage', ['pod']), '{{pod}}']], { min: 0, max: 100 }),
          ts('Data Volume Usage', 'Fraction of each pod\'s data volume not available to RobustMQ, 1 - available / capacity (kubelet volume statistics).', 'percentunit',
            [[volumeUsed(), '{{persistentvolumeclaim}}']],
            { thresholds: [{ color: 'green' }, { value: 0.8, color: 'yellow' }, { value: 0.9, color: 'red' }], thresholdLines: true, min: 0, max: 1 }),
        ],
      },
      {
        title: 'System',
        panels: [
          ts('Host CPU', 'CPU use of the node each pod runs on, as a share of the node, percent, as RobustMQ sees it.', 'percent',
            [[centipercentOf(ctx, 'system_cpu_usage', ['pod']), '{{pod}}']], { min: 0, max: 100 }),
          ts('Host Memory', 'Memory use of the node each pod runs on, as a share of the node, percent, as RobustMQ sees it.', 'percent',
            [[centipercentOf(ctx, 'system_memory_usage', ['pod']), '{{pod}}']], { min: 0, max: 100 }),
          ts('Scrape Duration', 'How long Prometheus takes to scrape each pod; near the scrape timeout, scrapes fail.', 's',
            [[`max by (pod) (scrape_duration_seconds{${filters(ctx).join(', ')}} and on (namespace, pod) ${sample('system_process_cpu_usage')}{${filters(ctx).join(', ')}})`, '{{pod}}']]),
        ],
      },
    ],
  };
}

/** The packet types RobustMQ counts as sent and as received (src/common/metrics/src/mqtt/packets.rs). */
const SENT_TYPES = ['connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'pingresp', 'disconnect'];
const RECEIVED_TYPES = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'unsubscribe', 'pingreq', 'disconnect', 'auth'];

/** RobustMQ MQTT Broker Details. */
export function brokerDashboard(ctx: DashboardContext): DashboardSpec {
  return {
    uid: DASHBOARD_UIDS.broker,
    title: 'RobustMQ MQTT Broker Details',
    description: 'MQTT protocol traffic, latency, errors and the broker\'s network handlers.',
    tags: ['mqtt'],
    rows: [
      {
        title: 'MQTT',
        panels: [
          ts('Message Latency P99', '99th percentile of MQTT packet processing time, by pod; the line is RobustMQHighLatency\'s threshold.', 'ms',
            [[p99(ctx, 'mqtt_packet_process_duration_ms', ['pod']), '{{pod}}']],
            { thresholds: [{ color: 'green' }, { value: ctx.latencyThresholdSeconds * 1000, color: 'red' }], thresholdLines: true, min: 0 }),
          ts('Connection Rate', 'CONNECT packets received per second, successful and failed connections.', 'reqps', [
            [rateOf(ctx, 'mqtt_packets_connect_received', ['pod']), 'CONNECT {{pod}}'],
            [rateOf(ctx, 'mqtt_connection_success', []), 'succeeded'],
            [rateOf(ctx, 'mqtt_connection_failed', []), 'failed'],
          ]),
          {
            title: 'Error Rate',
            description: 'Undecodable MQTT packets as a fraction of all packets received, the whole cluster (RobustMQHighErrorRate fires above the red threshold).',
            unit: 'percentunit',
            kind: PanelKind.STAT,
            queries: [{ expr: packetErrorRatio(ctx, []), legend: 'error ratio' }],
            thresholds: errorThresholds(ctx),
          },
          ts('Error Ratio by Network', 'Undecodable MQTT packets as a fraction of all packets received, by network.', 'percentunit',
            [[packetErrorRatio(ctx, ['network']), '{{network}}']],
            { thresholds: errorThresholds(ctx), thresholdLines: true, min: 0 }),
          ts('Packets by Type', 'Request packets handled per second, by MQTT packet type.', 'pps',
            [[opsOf(ctx, 'mqtt_packet_process_duration_ms', ['packet']), '{{packet}}']], { stacked: true }),
          ts('Latency P99 by Packet Type', '99th percentile of processing time by MQTT packet type.', 'ms',
            [[p99(ctx, 'mqtt_packet_process_duration_ms', ['packet']), '{{packet}}']]),
          ts('Send Latency P99', '99th percentile of the time to send packets to clients, by packet type.', 'ms',
            [[p99(ctx, 'mqtt_packet_send_duration_ms', ['packet']), '{{packet}}']]),
          ts('Sessions', 'MQTT sessions of the cluster (every node reports the whole cluster\'s count: the largest is shown).', 'short',
            [[clusterCountOf(ctx, 'mqtt_sessions_count'), 'sessions']]),
          ts('Sessions Created', 'MQTT sessions created per second.', 'ops',
            [[rateOf(ctx, 'mqtt_session_created', []), 'created']]),
          ts('Subscriptions', 'Subscribers and subscriptions (exclusive and shared) of the cluster; every node reports the whole cluster\'s counts.', 'short', [
            [clusterCountOf(ctx, 'mqtt_subscribers_count'), 'subscribers'],
            [clusterCountOf(ctx, 'mqtt_subscriptions_exclusive_count'), 'exclusive'],
            [clusterCountOf(ctx, 'mqtt_subscriptions_shared_count'), 'shared'],
            [clusterCountOf(ctx, 'mqtt_subscriptions_shared_group_count'), 'shared groups'],
          ]),
          ts('Topics and Retained Messages', 'Topics known to the cluster (every node reports the whole cluster\'s count) and retained messages held.', 'short', [
            [clusterCountOf(ctx, 'mqtt_topics_count'), 'topics'],
            [gaugeOf(ctx, 'mqtt_retained_count', []), 'retained'],
          ]),
          ts('Bytes In and Out', 'MQTT bytes received from and sent to clients per second.', 'Bps', [
            [rateOf(ctx, 'mqtt_bytes_received', ['pod']), 'in {{pod}}'],
            [rateOf(ctx, 'mqtt_bytes_sent', ['pod']), 'out {{pod}}'],
          ]),
          ts('Messages In and Out', 'Application messages received and delivered per second.', 'cps', [
            [rateOf(ctx, 'mqtt_messages_received', ['pod']), 'received {{pod}}'],
            [rateOf(ctx, 'mqtt_messages_sent', ['pod']), 'sent {{pod}}'],
          ]),
          ts('Auth Failures', 'Authentication and ACL results per second.', 'reqps', [
            [rateOf(ctx, 'mqtt_auth_failed', []), 'auth failed'],
            [rateOf(ctx, 'mqtt_auth_success', []), 'auth succeeded'],
            [rateOf(ctx, 'mqtt_acl_failed', []), 'ACL denied'],
            [rateOf(ctx, 'mqtt_packets_connack_auth_error', []), 'CONNACK auth errors'],
          ]),
          ts('Dropped Messages', 'Messages dropped because no client subscribes to their topic, per second.', 'cps',
            [[rateOf(ctx, 'mqtt_messages_dropped_no_subscribers', ['pod']), '{{pod}}']]),
          ts('Subscribe Results', 'SUBSCRIBE and UNSUBSCRIBE results per second.', 'reqps', [
            [rateOf(ctx, 'mqtt_subscribe_success', []), 'subscribed'],
            [rateOf(ctx, 'mqtt_subscribe_failed', []), 'subscribe failed'],
            [rateOf(ctx, 'mqtt_unsubscribe_success', []), 'unsubscribed'],
          ]),
        ],
      },
      {
        title: 'Packets',
        panels: [
          ts('Packets Sent by Network and QoS', 'MQTT packets sent to clients per second, by network and QoS.', 'pps',
            [[rateOf(ctx, 'mqtt_packets_sent', ['network', 'qos']), '{{network}} QoS {{qos}}']]),
          ts('Packets Sent by Type', 'MQTT packets sent to clients per second, by packet type.', 'pps',
            SENT_TYPES.map((p): [string, string] => [rateOf(ctx, `mqtt_packets_${p}_sent`, []), p.toUpperCase()]), { stacked: true }),
          ts('Packets Received by Type', 'MQTT packets received from clients per second, by packet type.', 'pps',
            RECEIVED_TYPES.map((p): [string, string] => [rateOf(ctx, `mqtt_packets_${p}_received`, []), p.toUpperCase()]), { stacked: true }),
          ts('Disconnects and Keepalive Expiries', 'Clients that disconnected cleanly, and connections closed because their keepalive expired, per second.', 'ops', [
            [rateOf(ctx, 'mqtt_disconnect_success', []), 'disconnected'],
            [rateOf(ctx, 'mqtt_connection_expired', []), 'keepalive expired'],
          ]),
          ts('Retained Packets', 'PUBLISH packets with the retain flag received and sent per second, by QoS.', 'pps', [
            [rateOf(ctx, 'mqtt_retain_packets_received', ['qos']), 'received QoS {{qos}}'],
            [rateOf(ctx, 'mqtt_retain_packets_sent', ['qos']), 'sent QoS {{qos}}'],
          ]),
        ],
      },
      {
        title: 'Network Handlers',
        panels: [
          ts('Handler Latency P99', '99th percentile of total request handling time, by network.', 'ms',
            [[p99(ctx, 'handler_total_ms', ['network']), '{{network}}']]),
          ts('Handler Latency Breakdown P99', '99th percentile of the time requests wait in the handler queue, are applied and are written back, by network.', 'ms', [
            [p99(ctx, 'handler_queue_wait_ms', ['network']), 'queue wait {{network}}'],
            [p99(ctx, 'handler_apply_ms', ['network']), 'apply {{network}}'],
            [p99(ctx, 'handler_write_ms', ['network']), 'write {{network}}'],
          ]),
          ts('Per-handler Requests', 'Requests handled per second by each handler (a gauge that only grows, shown as a rate); skew means one handler is hot.', 'reqps',
            [[gaugeRateOf(ctx, 'handler_instance_requests_total', ['handler']), '{{handler}}']]),
          ts('Per-handler Apply Latency P99', '99th percentile of apply time by handler.', 'ms',
            [[p99(ctx, 'handler_instance_apply_ms', ['handler']), '{{handler}}']]),
          ts('Handler Queues', 'Requests queued for the handlers and space left.', 'short', [
            [gaugeOf(ctx, 'handler_queue_size', ['label']), 'size {{label}}'],
            [gaugeOf(ctx, 'handler_queue_remaining', ['label']), 'remaining {{label}}'],
          ]),
          // These are gauges that only grow, despite their `_total` names (src/common/metrics/src/network.rs): shown as rates.
          ts('Handler QPS', 'Requests handled per second, by network.', 'reqps',
            [[gaugeRateOf(ctx, 'handler_requests_total', ['network']), '{{network}}']]),
          ts('Slow and Timed-out Requests', 'Requests that were slow or timed out, per second, by network.', 'reqps', [
            [gaugeRateOf(ctx, 'handler_slow_requests_total', ['network']), 'slow {{network}}'],
            [gaugeRateOf(ctx, 'handler_timeout_total', ['network']), 'timeout {{network}}'],
            [gaugeRateOf(ctx, 'write_timeout_total', ['network']), 'write timeout {{network}}'],
          ]),
          ts('Active Threads', 'Threads of the network layer, by type.', 'short',
            [[gaugeOf(ctx, 'broker_active_thread_num', ['network', 'thread_type']), '{{network}} {{thread_type}}']]),
          ts('Client Write Latency P99', '99th percentile of the time to write a response to a client.', 'ms',
            [[p99(ctx, 'write_client_ms', ['network']), '{{network}}']]),
        ],
      },
      {
        title: 'Delay Messages',
        panels: [
          ts('Delay Queue', 'Delayed messages enqueued, delivered and failed per second.', 'cps', [
            [rateOf(ctx, 'delay_msg_enqueue', []), 'enqueued'],
            [rateOf(ctx, 'delay_msg_deliver', []), 'delivered'],
            [rateOf(ctx, 'delay_msg_deliver_fail', []), 'failed'],
            [rateOf(ctx, 'mqtt_messages_delayed', []), 'delayed publishes'],
          ]),
          ts('Delay Latency P99', '99th percentile of the time to enqueue a delayed message and to deliver it once due.', 'ms', [
            [p99(ctx, 'delay_msg_enqueue_duration_ms', []), 'enqueue'],
            [p99(ctx, 'delay_msg_deliver_duration_ms', []), 'deliver'],
          ]),
          ts('Delay Message Recovery', 'Delayed messages recovered after a restart, and those found expired, per second.', 'cps', [
            [rateOf(ctx, 'delay_msg_recover', []), 'recovered'],
            [rateOf(ctx, 'delay_msg_recover_expired', []), 'expired on recovery'],
          ]),
          ts('Delay Tasks', 'Delay tasks executed and failed per second, by type.', 'ops', [
            [rateOf(ctx, 'delay_task_executed', ['task_type']), 'executed {{task_type}}'],
            [rateOf(ctx, 'delay_task_execute_failed', ['task_type']), 'failed {{task_type}}'],
          ]),
        ],
      },
      {
        title: 'Connectors',
        panels: [
          ts('Connector Messages', 'Messages sent by data-bridge connectors per second.', 'cps', [
            [rateOf(ctx, 'mqtt_connector_messages_sent_success_agg', []), 'sent'],
            [rateOf(ctx, 'mqtt_connector_messages_sent_failure_agg', []), 'failed'],
          ]),
          ts('Connector Send Latency P99', '99th percentile of connector send time, all connectors and by connector type.', 'ms', [
            [p99(ctx, 'mqtt_connector_send_duration_ms_agg', []), 'all'],
            [p99(ctx, 'mqtt_connector_send_duration_ms', ['connector_type']), '{{connector_type}}'],
          ]),
          ts('Connectors Up', 'Connectors running, by type.', 'short',
            [[gaugeOf(ctx, 'mqtt_connector_up', ['connector_type']), '{{connector_type}}']]),
        ],
      },
      {
        title: 'HTTP Admin',
        panels: [
          ts('Admin Requests', 'Requests to the admin HTTP API per second, by URI.', 'reqps',
            [[rateOf(ctx, 'http_requests', ['uri']), '{{uri}}']]),
          ts('Admin Errors', 'Failed admin HTTP requests per second, by status.', 'reqps',
            [[rateOf(ctx, 'http_errors', ['status_code']), '{{status_code}}']]),
          ts('Admin Latency P99', '99th percentile of admin HTTP request time.', 'ms',
            [[p99(ctx, 'http_request_duration_ms', ['uri']), '{{uri}}']]),
        ],
      },
    ],
  };
}

/** RobustMQ Meta Service (the seed's "Placement Center"): Raft, storage, gRPC, runtimes. */
export function metaDashboard(ctx: DashboardContext): DashboardSpec {
  const vote = 'rpc_type=~"(?i).*vote.*"';
  const append = 'rpc_type=~"(?i).*append.*"';
  const grpcService = seriesLabel('grpc_requests', 'service');
  return {
    uid: DASHBOARD_UIDS.meta,
    title: 'RobustMQ Meta Service',
    description: 'The meta service\'s Raft groups, storage, gRPC traffic and runtimes.',
    tags: ['raft'],
    rows: [
      {
        title: 'Raft',
        panels: [
          ts('Elections', 'Raft vote requests per second, by state machine. RobustMQ exports no leader metric, so leader changes are not shown; '
            + 'bursts of vote requests are elections.', 'reqps',
          [[rateOf(ctx, 'raft_rpc_requests', ['pod', 'machine'], [vote]), '{{pod}} {{machine}}']]),
          ts('Raft Log Replication Latency', '99th percentile of append-entries RPC time and of Raft writes.', 'ms', [
            [p99(ctx, 'raft_rpc_duration_ms', ['pod'], [append]), 'append entries {{pod}}'],
            [p99(ctx, 'raft_write_duration_ms', ['pod']), 'write {{pod}}'],
          ]),
          ts('Apply Lag', 'Log entries not yet applied to the state machine.', 'short',
            [[gaugeOf(ctx, 'raft_apply_lag', ['pod', 'machine']), '{{pod}} {{machine}}']]),
          ts('Last Log Index', 'Last Raft log index per pod and state machine; pods of one group should move together.', 'short',
            [[gaugeOf(ctx, 'raft_last_log_index', ['pod', 'machine']), '{{pod}} {{machine}}']]),
          ts('Last Applied', 'Last applied log index per pod and state machine.', 'short',
            [[gaugeOf(ctx, 'raft_last_applied', ['pod', 'machine']), '{{pod}} {{machine}}']]),
          ts('Raft Failures', 'Failed Raft writes and RPCs per second.', 'ops', [
            [rateOf(ctx, 'raft_write_failures', ['pod']), 'write {{pod}}'],
            [rateOf(ctx, 'raft_rpc_failures', ['pod', 'rpc_type']), 'rpc {{rpc_type}} {{pod}}'],
          ]),
          ts('Raft Writes', 'Raft write requests and successful writes per second.', 'reqps', [
            [rateOf(ctx, 'raft_write_requests', ['machine']), 'requests {{machine}}'],
            [rateOf(ctx, 'raft_write_success', ['machine']), 'succeeded {{machine}}'],
          ]),
          ts('Apply Batch Latency P99', '99th percentile of the time to apply a batch of entries.', 'ms',
            [[p99(ctx, 'raft_apply_batch_duration_ms', ['machine']), '{{machine}}']]),
          ts('Log Append Latency P99', '99th percentile of the time to append a batch to the Raft log.', 'ms',
            [[p99(ctx, 'raft_log_append_batch_duration_ms', ['machine']), '{{machine}}']]),
        ],
      },
      {
        title: 'Storage',
        panels: [
          {
            title: 'Storage Disk Usage',
            description: 'Fraction of each pod\'s data volume not available to RobustMQ, 1 - available / capacity (kubelet volume statistics); alerts at 80% and 90%.',
            unit: 'percentunit',
            kind: PanelKind.GAUGE,
            queries: [{ expr: volumeUsed(), legend: '{{persistentvolumeclaim}}' }],
            thresholds: [{ color: 'green' }, { value: 0.8, color: 'yellow' }, { value: 0.9, color: 'red' }],
            min: 0,
            max: 1,
          },
          ts('Disk Free', 'Free bytes on each data volume.', 'bytes',
            [[volume('kubelet_volume_stats_available_bytes'), '{{persistentvolumeclaim}}']]),
          ts('RocksDB Operation Latency', '99th percentile of RocksDB operation time, by operation.', 'ms',
            [[p99(ctx, 'rocksdb_operation_ms', ['operation']), '{{operation}}']]),
          ts('RocksDB Operations', 'RocksDB operations per second, by source and operation.', 'ops',
            [[rateOf(ctx, 'rocksdb_operation_count', ['source', 'operation']), '{{source}} {{operation}}']]),
          ts('Storage Engine Operations', 'Storage-engine operations and failures per second.', 'ops', [
            [rateOf(ctx, 'storage_engine_ops', ['pod']), 'ops {{pod}}'],
            [rateOf(ctx, 'storage_engine_ops_fail', ['pod']), 'failed {{pod}}'],
          ]),
          ts('Storage Engine Latency P99', '99th percentile of storage-engine operation time.', 'ms',
            [[p99(ctx, 'storage_engine_ops_duration_ms', ['pod']), '{{pod}}']]),
        ],
      },
      {
        title: 'gRPC',
        panels: [
          ts('gRPC Server Requests', 'gRPC requests served per second, by service.', 'reqps',
            [[rateOf(ctx, 'grpc_requests', [grpcService]), `{{${grpcService}}}`]]),
          ts('gRPC Server Errors', 'Failed gRPC requests per second, by status code.', 'reqps',
            [[rateOf(ctx, 'grpc_errors', ['status_code']), '{{status_code}}']]),
          ts('gRPC Server Latency P99', '99th percentile of gRPC request time, by service.', 'ms',
            [[p99(ctx, 'grpc_request_duration_ms', [grpcService]), `{{${grpcService}}}`]]),
          ts('gRPC Client Latency P99', '99th percentile of outgoing gRPC call time, by service.', 'ms',
            [[p99(ctx, 'grpc_client_call_duration_ms', [grpcService]), `{{${grpcService}}}`]]),
        ],
      },
      {
        title: 'Tokio Runtimes',
        panels: [
          // A percentage 0 to 100 (src/common/system-info/src/runtime.rs:64).
          ts('Runtime Busy Ratio', 'Share of time the async runtime workers are busy, percent, by runtime.', 'percent',
            [[gaugeOf(ctx, 'tokio_runtime_busy_ratio', ['pod', 'runtime']), '{{pod}} {{runtime}}']], { min: 0, max: 100 }),
          ts('Runtime Queue Depth', 'Tasks waiting in the runtime\'s queues.', 'short',
            [[gaugeOf(ctx, 'tokio_runtime_queue_depth', ['pod', 'runtime']), '{{pod}} {{runtime}}']]),
          ts('Runtime Alive Tasks', 'Tasks alive in each runtime.', 'short',
            [[gaugeOf(ctx, 'tokio_runtime_alive_tasks', ['pod', 'runtime']), '{{pod}} {{runtime}}']]),
        ],
      },
    ],
  };
}

/** The Prometheus dashboards of the library. */
export function prometheusDashboards(ctx: DashboardContext): DashboardSpec[] {
  return [overviewDashboard(ctx), brokerDashboard(ctx), metaDashboard(ctx)];
}

import type { AlertContext } from './definitions';
import { TestSeries } from './engine';
import { constant, growing, series } from './test-inputs';
import { FLUENT_BIT_HTTP_PORT } from '../logging/schema';
import { bucket, countOf, sample, seriesLabel, sumOf } from '../metrics/catalog';
import { ROBUSTMQ_PORTS } from '../robustmq/facts';

/** The kubelet's HTTPS port, which serves its own and cAdvisor's metrics. */
const KUBELET_PORT = 10250;

/**
 * A healthy RobustMQ v0.4.11 cluster as Prometheus sees it, for the generated promtool tests:
 * three pods' expositions written from RobustMQ's metric registrations, with the target labels
 * the Prometheus Operator adds (`container`, `endpoint`, `instance`, `job`, `namespace`, `pod`,
 * `service`; RobustMQ's own `service` label becomes `exported_service`), and the kubelet's,
 * cAdvisor's, kube-state-metrics' and the log agent's series the alerts read.
 *
 * Realistic, not derived from any alert's threshold: the `system_*` gauges are centipercent of
 * the node (src/common/system-info/src/lib.rs:39-42), `tokio_runtime_busy_ratio` a percentage
 * (src/common/system-info/src/runtime.rs:64), Raft machines are named `<group>_<index>`
 * (src/meta-service/src/raft/leadership.rs:38) and RPC types `append_entries`, `install_snapshot`,
 * `vote` (src/meta-service/src/raft/network/connection.rs:227,261,292), gRPC errors carry
 * status names (src/common/metrics/src/grpc.rs:110-136) and a healthy cluster answers some calls
 * NOT_FOUND; telemetry is published to topics nobody subscribes to. Series that RobustMQ
 * creates only on first use (failure counters, a label set never touched) are left out, except
 * the ones a healthy cluster has touched: one pod has seen an undecodable frame and old
 * authentication failures.
 *
 * Every alert's test inputs are laid over this fixture (a test series replaces the fixture's
 * series of the same name and labels), so an alert is tested among healthy pods; the healthy
 * fixture alone must fire nothing.
 */

/** What the fixture is built from: the cluster's identity as the alerts select it (part of AlertContext). */
export type FixtureContext = Pick<AlertContext,
'clusterLabel' | 'clusterName' | 'namespace' | 'job' | 'podNames' | 'dataClaimNames' | 'containerName' | 'logAgent'>;

type Labels = { [key: string]: string };

/** Bounds of RobustMQ's millisecond histograms: 1, 2, 4, ... 524288 (20 exponential buckets). */
export const MS_BUCKETS: readonly number[] = Array.from({ length: 20 }, (_, i) => 2 ** i);

/** The labels of pod `i`'s RobustMQ series, as the ServiceMonitor's target labels make them. */
export function podLabels(ctx: FixtureContext, i: number, extra: Labels = {}): Labels {
  return {
    [ctx.clusterLabel]: ctx.clusterName,
    namespace: ctx.namespace,
    job: ctx.job,
    pod: ctx.podNames[i],
    container: ctx.containerName,
    endpoint: ROBUSTMQ_PORTS.http.name,
    instance: `10.42.${i}.17:${ROBUSTMQ_PORTS.http.port}`,
    service: ctx.job,
    ...extra,
  };
}

/** The kubelet of node `i` (pod `i` runs there), as its scrape target's `instance`. */
export function kubeletInstance(i: number): string {
  return `10.0.${i}.5:${KUBELET_PORT}`;
}

/** cAdvisor's labels (scraped through the kubelet) of pod `i`'s RobustMQ container. */
export function cadvisorLabels(ctx: FixtureContext, i: number): Labels {
  return { namespace: ctx.namespace, pod: ctx.podNames[i], container: ctx.containerName, job: 'kubelet', metrics_path: '/metrics/cadvisor', instance: kubeletInstance(i) };
}

/** The Fluent Bit pod of node `i`, as its scrape target's `instance`. */
export function logAgentInstance(i: number): string {
  return `10.42.${i}.30:${FLUENT_BIT_HTTP_PORT}`;
}

/** kube-state-metrics runs two replicas here: each limit series exists twice, by instance. */
export const KSM_INSTANCES: readonly string[] = ['10.42.9.3:8080', '10.42.9.4:8080'];

/** kube-state-metrics' labels of pod `i`'s container limit for `resource`. */
export function limitLabels(ctx: FixtureContext, i: number, resource: 'cpu' | 'memory', instance: string): Labels {
  return {
    namespace: ctx.namespace,
    pod: ctx.podNames[i],
    container: ctx.containerName,
    resource,
    unit: resource === 'cpu' ? 'core' : 'byte',
    job: 'kube-state-metrics',
    instance,
  };
}

/** The kubelet's volume labels of data claim `i`. */
export function volumeLabels(ctx: FixtureContext, i: number): Labels {
  return { namespace: ctx.namespace, persistentvolumeclaim: ctx.dataClaimNames[i], job: 'kubelet', metrics_path: '/metrics', instance: kubeletInstance(i) };
}

/**
 * A millisecond histogram's bucket, sum and count series, `perMinute(le)` observations at or
 * below each bound a minute (cumulative, so non-decreasing in `le`), `total` a minute in all.
 */
export function histogramSeries(family: string, labels: Labels, perMinute: (le: number) => number, total: number, minutes: number): TestSeries[] {
  return [
    ...MS_BUCKETS.map((le) => series(bucket(family), { ...labels, le: String(le) }, growing(perMinute(le), minutes))),
    series(bucket(family), { ...labels, le: '+Inf' }, growing(total, minutes)),
    series(countOf(family), labels, growing(total, minutes)),
  ];
}

/** Observations spread over RobustMQ's buckets: 80% within 1ms, 97% within 2ms, all within 4ms. */
function fastObservations(total: number): (le: number) => number {
  return (le) => (le >= 4 ? total : le >= 2 ? Math.round(total * 0.97) : Math.round(total * 0.8));
}

/** The centipercent gauges of each pod: 3.5% to 4.2% of the node's CPU, 12% of its memory; the node half busy. */
const PROCESS_CPU = [350, 420, 380];
const PROCESS_MEMORY = [1210, 1190, 1250];
const HOST_CPU = [5400, 4800, 5100];
const HOST_MEMORY = [6800, 6500, 7100];

/** The gRPC service whose calls the fixture answers (src/protocol/src/meta/common.proto:22). */
export const META_GRPC_SERVICE = 'meta.service.common.MetaServiceService';

/** The healthy cluster's series for `minutes` minutes, one sample a minute. */
export function healthyFixture(ctx: FixtureContext, minutes: number): TestSeries[] {
  const out: TestSeries[] = [];
  const grpcService = seriesLabel('grpc_requests', 'service');
  ctx.podNames.forEach((_pod, i) => {
    const p = (extra: Labels = {}) => podLabels(ctx, i, extra);
    const k = i % 3;
    out.push(
      series('up', p(), constant(1, minutes)),
      series('scrape_duration_seconds', p(), constant(0.04, minutes)),
      series(sample('system_process_cpu_usage'), p(), constant(PROCESS_CPU[k], minutes)),
      series(sample('system_process_memory_usage'), p(), constant(PROCESS_MEMORY[k], minutes)),
      series(sample('system_cpu_usage'), p(), constant(HOST_CPU[k], minutes)),
      series(sample('system_memory_usage'), p(), constant(HOST_MEMORY[k], minutes)),
      series(sample('tokio_runtime_busy_ratio'), p({ runtime: 'broker' }), constant(12 + k, minutes)),
      series(sample('mqtt_connections_count'), p(), constant(40 + k, minutes)),
      // Cluster-wide caches: every node reports the same count.
      series(sample('mqtt_sessions_count'), p(), constant(120, minutes)),
      series(sample('mqtt_topics_count'), p(), constant(35, minutes)),
      // 100 packets a second over TCP, half of them PUBLISH; 10% of the messages go to topics nobody subscribes to.
      series(sample('mqtt_packets_received'), p({ network: 'Tcp' }), growing(6000, minutes)),
      series(sample('mqtt_packets_publish_received'), p({ network: 'Tcp' }), growing(3000, minutes)),
      series(sample('mqtt_messages_received'), p(), growing(3000, minutes)),
      series(sample('mqtt_messages_sent'), p(), growing(2700, minutes)),
      series(sample('mqtt_messages_dropped_no_subscribers'), p(), growing(300, minutes)),
      ...histogramSeries('mqtt_packet_process_duration_ms', p({ network: 'Tcp', packet: 'Publish' }), fastObservations(3000), 3000, minutes),
      // Heartbeats, and lookups that are answered NOT_FOUND in normal operation.
      series(sample('grpc_requests'), p({ [grpcService]: META_GRPC_SERVICE, method: 'Heartbeat' }), growing(120, minutes)),
      series(sample('grpc_requests'), p({ [grpcService]: META_GRPC_SERVICE, method: 'GetShareSubLeader' }), growing(60, minutes)),
      series(sample('grpc_errors'), p({ [grpcService]: META_GRPC_SERVICE, method: 'GetShareSubLeader', status_code: 'NOT_FOUND' }), growing(20, minutes)),
      series(sample('raft_apply_lag'), p({ machine: 'metadata_0' }), constant(0, minutes)),
      series(sample('raft_rpc_requests'), p({ machine: 'metadata_0', rpc_type: 'append_entries' }), growing(600, minutes)),
      series(sample('raft_rpc_success'), p({ machine: 'metadata_0', rpc_type: 'append_entries' }), growing(600, minutes)),
      // The election at start-up: the vote series exists, and stays still.
      series(sample('raft_rpc_requests'), p({ machine: 'metadata_0', rpc_type: 'vote' }), constant(2, minutes)),
      series(sample('storage_engine_ops'), p({ operation: 'write' }), growing(1200, minutes)),
      ...histogramSeries('rocksdb_operation_ms', p({ source: 'meta', operation: 'save' }), fastObservations(600), 600, minutes),
      series(sumOf('rocksdb_operation_ms'), p({ source: 'meta', operation: 'save' }), growing(700, minutes)),
      // cAdvisor: 0.2 cores of a 2-core limit, 600 MiB of 2 GiB; 1% of CFS periods throttled.
      series('container_cpu_usage_seconds_total', cadvisorLabels(ctx, i), growing(12, minutes)),
      series('container_memory_working_set_bytes', cadvisorLabels(ctx, i), constant(600 * 1024 ** 2, minutes)),
      series('container_cpu_cfs_periods_total', cadvisorLabels(ctx, i), growing(600, minutes)),
      series('container_cpu_cfs_throttled_periods_total', cadvisorLabels(ctx, i), growing(6, minutes)),
      ...KSM_INSTANCES.flatMap((inst) => [
        series('kube_pod_container_resource_limits', limitLabels(ctx, i, 'cpu', inst), constant(2, minutes)),
        series('kube_pod_container_resource_limits', limitLabels(ctx, i, 'memory', inst), constant(2 * 1024 ** 3, minutes)),
      ]),
    );
    // One pod has seen a client send an undecodable frame a minute; another has old failed logins.
    if (k === 1) out.push(series(sample('mqtt_packets_received_error'), p({ network: 'Tcp' }), growing(1, minutes)));
    if (k === 2) out.push(series(sample('mqtt_auth_failed'), p(), constant(3, minutes)));
  });
  // 10 GiB volumes, 30% not available (25% used, 5% reserved for root by ext4).
  ctx.dataClaimNames.forEach((_claim, i) => {
    const capacity = 10 * 1024 ** 3;
    out.push(
      series('kubelet_volume_stats_capacity_bytes', volumeLabels(ctx, i), constant(capacity, minutes)),
      series('kubelet_volume_stats_available_bytes', volumeLabels(ctx, i), constant(0.7 * capacity, minutes)),
      series('kubelet_volume_stats_used_bytes', volumeLabels(ctx, i), constant(0.25 * capacity, minutes)),
    );
  });
  out.push(...neighbours(ctx, out, minutes));
  if (ctx.logAgent) {
    ctx.podNames.forEach((_pod, i) => {
      out.push(series('up', { namespace: ctx.logAgent!.namespace, job: ctx.logAgent!.job, pod: `fluent-bit-node-${i}`, instance: logAgentInstance(i) }, constant(1, minutes)));
    });
  }
  return out;
}

/**
 * What else the same Prometheus scrapes, healthy or not, that the cluster's selectors must keep
 * out: pod 0's RobustMQ series once more under another cluster (federated), another namespace
 * (a staging copy) and another job (a PodMonitor scraping the same pods); a sidecar container
 * in the pods; another workload in the namespace with its nearly full volume; the pods'
 * ephemeral-storage limits.
 */
function neighbours(ctx: FixtureContext, ours: readonly TestSeries[], minutes: number): TestSeries[] {
  const out: TestSeries[] = [];
  const pod0 = ours.filter((s) => s.series.includes(`pod="${ctx.podNames[0]}"`) && s.series.includes(`job="${ctx.job}"`));
  const relabel = (text: string, label: string, value: string) => text.replace(new RegExp(`\\b${label}="[^"]*"`), `${label}="${value}"`);
  for (const [label, value] of [[ctx.clusterLabel, `${ctx.clusterName}-east`], ['namespace', `${ctx.namespace}-staging`], ['job', `${ctx.job}-pods`]]) {
    out.push(...pod0.map((s) => ({ ...s, series: relabel(s.series, label, value) })));
  }
  const sidecar: Labels = { ...cadvisorLabels(ctx, 0), container: 'istio-proxy' };
  const bridge: Labels = { ...cadvisorLabels(ctx, 0), pod: 'mqtt-bridge-7d9c5b-x2x4q', container: 'bridge' };
  for (const l of [sidecar, bridge]) {
    out.push(
      series('container_cpu_usage_seconds_total', l, growing(30, minutes)),
      series('container_memory_working_set_bytes', l, constant(240 * 1024 ** 2, minutes)),
      series('container_cpu_cfs_periods_total', l, growing(600, minutes)),
      series('container_cpu_cfs_throttled_periods_total', l, growing(400, minutes)),
      series('kube_pod_container_resource_limits', { ...limitLabels(ctx, 0, 'cpu', KSM_INSTANCES[0]), pod: l.pod, container: l.container }, constant(0.5, minutes)),
      series('kube_pod_container_resource_limits', { ...limitLabels(ctx, 0, 'memory', KSM_INSTANCES[0]), pod: l.pod, container: l.container }, constant(256 * 1024 ** 2, minutes)),
    );
  }
  ctx.podNames.forEach((_pod, i) => KSM_INSTANCES.forEach((inst) => out.push(
    series('kube_pod_container_resource_limits', { ...limitLabels(ctx, i, 'memory', inst), resource: 'ephemeral_storage' }, constant(8 * 1024 ** 3, minutes)),
  )));
  const capacity = 20 * 1024 ** 3;
  // Not ours, and nearly full: 8% available, falling by 0.01% of the volume a minute.
  const postgres: Labels = { ...volumeLabels(ctx, 0), persistentvolumeclaim: 'data-postgres-0' };
  const staging: Labels = { ...volumeLabels(ctx, 0), namespace: `${ctx.namespace}-staging` };
  for (const l of [postgres, staging]) {
    out.push(
      series('kubelet_volume_stats_capacity_bytes', l, constant(capacity, minutes)),
      series('kubelet_volume_stats_available_bytes', l, `${Math.round(0.08 * capacity)}-${Math.round(0.0001 * capacity)}x${minutes}`),
      series('kubelet_volume_stats_used_bytes', l, `${Math.round(0.87 * capacity)}+${Math.round(0.0001 * capacity)}x${minutes}`),
    );
  }
  return out;
}

/** Other clusters' and other jobs' series that a selector must keep out: one label changed. */
export interface Decoy {
  /** What the decoy stands for. */
  readonly description: string;
  readonly label: string;
  readonly value: string;
  /** Whether a series with these labels gets the decoy value. */
  readonly applies: (labels: Labels) => boolean;
}

/** The decoys of a RobustMQ cluster: each one label an alert's selector must match on. */
export function robustMqDecoys(ctx: FixtureContext): Decoy[] {
  const ours = (l: Labels) => l.job === ctx.job && l.namespace === ctx.namespace;
  const kube = (l: Labels) => (l.job === 'kubelet' || l.job === 'kube-state-metrics') && l.namespace === ctx.namespace;
  return [
    { description: 'another cluster (federated) with the same namespace and job', label: ctx.clusterLabel, value: `${ctx.clusterName}-east`, applies: ours },
    { description: 'the same cluster name in another namespace', label: 'namespace', value: `${ctx.namespace}-staging`, applies: (l) => ours(l) || kube(l) },
    { description: 'a second scrape job of the same pods', label: 'job', value: `${ctx.job}-pods`, applies: ours },
    { description: 'a sidecar container of the pods', label: 'container', value: 'istio-proxy', applies: (l) => kube(l) && l.container !== undefined },
    { description: 'another workload in the namespace', label: 'pod', value: 'mqtt-bridge-7d9c5b-x2x4q', applies: (l) => kube(l) && l.pod !== undefined },
    { description: "another workload's volume in the namespace", label: 'persistentvolumeclaim', value: 'data-postgres-0', applies: (l) => kube(l) && l.persistentvolumeclaim !== undefined },
  ];
}

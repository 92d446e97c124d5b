import { allSampleNames } from './catalog';

/**
 * Metric names that are not RobustMQ's but that expressions may select: what Prometheus itself
 * records about a scrape, the kubelet's volume statistics for the data PVCs, and the
 * self-metrics of the agents this library deploys.
 */
export const DECLARED_METRICS: { readonly [origin: string]: readonly string[] } = {
  'prometheus': [
    'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling',
    'scrape_series_added', 'ALERTS', 'ALERTS_FOR_STATE',
  ],
  'kubelet': [
    'kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes', 'kubelet_volume_stats_available_bytes',
    'kubelet_volume_stats_inodes', 'kubelet_volume_stats_inodes_used', 'kubelet_volume_stats_inodes_free',
  ],
  'cadvisor': [
    'container_memory_working_set_bytes', 'container_cpu_usage_seconds_total',
    'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total',
  ],
  'kube-state-metrics': [
    'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests',
    'kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready',
  ],
  'fluent-bit': [
    'fluentbit_uptime', 'fluentbit_build_info',
    'fluentbit_input_records_total', 'fluentbit_input_bytes_total',
    'fluentbit_filter_records_total', 'fluentbit_filter_drop_records_total', 'fluentbit_filter_add_records_total',
    'fluentbit_output_proc_records_total', 'fluentbit_output_proc_bytes_total', 'fluentbit_output_errors_total',
    'fluentbit_output_retries_total', 'fluentbit_output_retries_failed_total', 'fluentbit_output_dropped_records_total',
    'fluentbit_output_retried_records_total', 'fluentbit_output_chunk_available_capacity_percent',
    // storage.metrics On: src/flb_storage.c:38-60 (global) and src/flb_input.c:1443-1501 (per input)
    'fluentbit_storage_chunks', 'fluentbit_storage_mem_chunks', 'fluentbit_storage_fs_chunks',
    'fluentbit_storage_fs_chunks_up', 'fluentbit_storage_fs_chunks_down',
    'fluentbit_input_storage_overlimit', 'fluentbit_input_storage_memory_bytes', 'fluentbit_input_storage_chunks',
    'fluentbit_input_storage_chunks_up', 'fluentbit_input_storage_chunks_down', 'fluentbit_input_storage_chunks_busy',
    'fluentbit_input_storage_chunks_busy_bytes',
  ],
  'jaeger': [
    'otelcol_receiver_accepted_spans', 'otelcol_receiver_refused_spans',
    'otelcol_exporter_sent_spans', 'otelcol_exporter_send_failed_spans',
    'otelcol_receiver_accepted_spans_total', 'otelcol_receiver_refused_spans_total',
    'otelcol_exporter_sent_spans_total', 'otelcol_exporter_send_failed_spans_total',
    'otelcol_process_uptime', 'otelcol_process_uptime_total',
  ],
};

/**
 * The set of names an expression may select: RobustMQ's exposed samples, the declared
 * non-RobustMQ metrics, and any the user adds.
 */
export class KnownMetrics {
  /** RobustMQ's catalog plus every declared origin. */
  public static standard(): KnownMetrics {
    return new KnownMetrics(allSampleNames(), ...Object.values(DECLARED_METRICS));
  }

  private readonly names: Set<string>;

  constructor(...lists: ReadonlyArray<readonly string[]>) {
    this.names = new Set(lists.flat());
  }

  /** A copy that also knows `extra`. */
  public with(extra: readonly string[]): KnownMetrics {
    return new KnownMetrics([...this.names], extra);
  }

  public has(name: string): boolean {
    return this.names.has(name);
  }

  public all(): string[] {
    return [...this.names].sort();
  }
}

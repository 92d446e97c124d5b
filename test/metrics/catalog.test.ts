import * as fs from 'fs';
import * as path from 'path';
import {
  HIGH_CARDINALITY_FAMILIES, METRIC_FAMILIES, NEVER_RECORDED_FAMILIES, UnknownMetricError,
  bucket, countOf, family, familyOfSample, nearest, sample, seriesLabel, sumOf,
} from '../../src/metrics/catalog';

const tsv = fs.readFileSync(path.join(__dirname, '..', '..', 'imports', 'robustmq', 'metrics-v0.4.11.tsv'), 'utf8')
  .trim().split('\n').slice(1).map((l) => l.split('\t'));

describe('metric catalog', () => {
  test('holds every one of the 175 families of the pinned TSV, with type, samples and labels', () => {
    expect(tsv).toHaveLength(175);
    expect(METRIC_FAMILIES).toHaveLength(175);
    for (const [name, type, samples, labels] of tsv) {
      const f = family(name);
      expect(f.type).toBe(type);
      expect(f.samples).toEqual(samples.split(','));
      expect(f.labels).toEqual(labels ? labels.split(',') : []);
    }
  });

  test('counters are exposed with _total appended, even to names ending in _total', () => {
    expect(sample('mqtt_packets_received')).toBe('mqtt_packets_received_total');
    expect(sample('delay_message_dead_letter_total')).toBe('delay_message_dead_letter_total_total');
    expect(familyOfSample('delay_message_dead_letter_total_total')?.name).toBe('delay_message_dead_letter_total');
  });

  test('gauges keep their name, even those ending in _total', () => {
    expect(sample('handler_requests_total')).toBe('handler_requests_total');
    expect(family('handler_requests_total').type).toBe('gauge');
    expect(sample('mqtt_connections_count')).toBe('mqtt_connections_count');
  });

  test('histograms expose _bucket, _sum and _count', () => {
    expect(bucket('mqtt_packet_process_duration_ms')).toBe('mqtt_packet_process_duration_ms_bucket');
    expect(sumOf('handler_total_ms')).toBe('handler_total_ms_sum');
    expect(countOf('raft_write_duration_ms')).toBe('raft_write_duration_ms_count');
    expect(() => sample('mqtt_packet_process_duration_ms')).toThrow(/is a histogram: select mqtt_packet_process_duration_ms_bucket/);
    expect(() => bucket('mqtt_connections_count')).toThrow(/'mqtt_connections_count' is a gauge, not a histogram/);
  });

  test('an unknown name fails, suggesting the nearest family', () => {
    expect(() => family('mqtt_conections_count')).toThrow(UnknownMetricError);
    expect(() => family('mqtt_conections_count')).toThrow("'mqtt_conections_count' is not a metric family of RobustMQ v0.4.11 (did you mean 'mqtt_connections_count'?)");
    expect(() => family('placement_center_raft_leader')).toThrow(/is not a metric family/);
  });

  test('nearest prefers the exposed sample of a family name', () => {
    expect(nearest('mqtt_packets_received', ['mqtt_packets_received_total', 'mqtt_packets_sent_total'])).toBe('mqtt_packets_received_total');
    expect(nearest('zzz', ['mqtt_packets_received_total'])).toBeUndefined();
  });

  test('the high-cardinality families are exactly the per-client, per-topic and per-connection ones', () => {
    expect([...HIGH_CARDINALITY_FAMILIES].sort()).toEqual([
      'client_connections', 'connection_messages_in', 'connection_messages_out', 'session_messages_in', 'session_messages_out',
      'subscribe_bytes_sent', 'subscribe_messages_sent', 'subscribe_topic_bytes_sent', 'subscribe_topic_messages_sent',
      'topic_bytes_sent', 'topic_bytes_written', 'topic_messages_sent', 'topic_messages_written',
    ]);
  });

  test('the never-recorded families exist in the catalog', () => {
    for (const f of NEVER_RECORDED_FAMILIES) expect(family(f).name).toBe(f);
  });

  test('labels that clash with target labels are renamed exported_*', () => {
    expect(seriesLabel('grpc_requests', 'service')).toBe('exported_service');
    expect(seriesLabel('grpc_requests', 'method')).toBe('method');
    expect(() => seriesLabel('grpc_requests', 'pod')).toThrow(/has no label 'pod'/);
  });
});

import { ElasticsearchQuery, luceneLogFilter } from '../../src/logging/es-query';
import { LOG_FIELDS } from '../../src/logging/schema';
import { ValidationError } from '../../src/validation/errors';

/** Evaluates the query body against documents the way Elasticsearch would, for the parts it uses. */
function evaluate(body: any, docs: any[], now: number): Array<{ key: string; doc_count: number }> {
  const value = (doc: any, field: string) => field.replace(/\.keyword$/, '').split('.').reduce((o, k) => (o === undefined ? undefined : o[k]), doc);
  const matches = (doc: any) => body.query.bool.filter.every((f: any) => {
    if (f.term) {
      const [field, v] = Object.entries(f.term)[0];
      return value(doc, field) === v;
    }
    if (f.range) {
      const [field, r] = Object.entries(f.range)[0] as [string, any];
      const m = /^now-([0-9]+)([smhd])$/.exec(r.gte)!;
      const ms = Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 's']!;
      return Date.parse(value(doc, field)) >= now - ms;
    }
    throw new Error(`unexpected filter ${JSON.stringify(f)}`);
  });
  const agg = body.aggs[ElasticsearchQuery.ERRORS_BY_COMPONENT_AGG].terms;
  const counts = new Map<string, number>();
  for (const d of docs.filter(matches)) {
    const k = value(d, agg.field);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, agg.size)
    .map(([key, doc_count]) => ({ key, doc_count }));
}

describe('errors by component in the last hour', () => {
  const body = JSON.parse(ElasticsearchQuery.errorsByComponent());

  test('the seed\'s query: ERROR level, last hour, terms aggregation on the component keyword', () => {
    expect(body).toEqual({
      size: 0,
      query: {
        bool: {
          filter: [
            { term: { 'level.keyword': 'ERROR' } },
            { range: { '@timestamp': { gte: 'now-1h' } } },
          ],
        },
      },
      aggs: { errors_by_component: { terms: { field: 'target.keyword', size: 10, order: { _count: 'desc' } } } },
    });
  });

  test('the field names are the log schema\'s', () => {
    const text = JSON.stringify(body);
    for (const f of [LOG_FIELDS.level, LOG_FIELDS.time, LOG_FIELDS.component]) expect(text).toContain(`"${f}`);
  });

  test('it counts the last hour\'s ERROR records per component', () => {
    const now = Date.parse('2026-08-21T12:00:00Z');
    const doc = (level: string, target: string, at: string) => ({ '@timestamp': at, level, target, 'message': 'm' });
    const docs = [
      doc('ERROR', 'meta_service::raft', '2026-08-21T11:30:00Z'),
      doc('ERROR', 'meta_service::raft', '2026-08-21T11:59:00Z'),
      doc('ERROR', 'mqtt_broker::handler', '2026-08-21T11:10:00Z'),
      doc('ERROR', 'mqtt_broker::handler', '2026-08-21T10:10:00Z'), // older than an hour
      doc('WARN', 'meta_service::raft', '2026-08-21T11:50:00Z'), // not an error
    ];
    expect(evaluate(body, docs, now)).toEqual([
      { key: 'meta_service::raft', doc_count: 2 },
      { key: 'mqtt_broker::handler', doc_count: 1 },
    ]);
  });

  test('window, size, cluster and namespace', () => {
    const q = JSON.parse(ElasticsearchQuery.errorsByComponent({ window: '15m', size: 5, cluster: 'prod-mq', namespace: 'robustmq' }));
    expect(q.query.bool.filter).toEqual([
      { term: { 'level.keyword': 'ERROR' } },
      { range: { '@timestamp': { gte: 'now-15m' } } },
      { term: { 'robustmq_cluster.keyword': 'prod-mq' } },
      { term: { 'kubernetes.namespace_name.keyword': 'robustmq' } },
    ]);
    expect(q.aggs.errors_by_component.terms.size).toBe(5);
  });

  test.each<[object, RegExp]>([
    [{ window: '1 hour' }, /^ElasticsearchQuery 'errorsByComponent': window '1 hour' must be an Elasticsearch duration/],
    [{ window: '0h' }, /window '0h'/],
    [{ size: 0 }, /size '0' must be a whole number from 1 to 10000/],
    [{ cluster: '' }, /cluster '' must be a non-empty single line/],
  ])('refuses %j', (options, message) => {
    expect(() => ElasticsearchQuery.errorsByComponent(options)).toThrow(ValidationError);
    expect(() => ElasticsearchQuery.errorsByComponent(options)).toThrow(message);
  });
});

describe('Lucene filters for Grafana', () => {
  test('level:ERROR by default', () => {
    expect(luceneLogFilter()).toBe('level:ERROR');
    expect(ElasticsearchQuery.luceneFilter()).toBe('level:ERROR');
  });

  test('several levels, cluster, namespace, component (quoted and escaped)', () => {
    expect(luceneLogFilter({ levels: ['warn', 'ERROR'], cluster: 'prod-mq', namespace: 'robustmq', component: 'meta_service::raft' }))
      .toBe('level:(WARN OR ERROR) AND robustmq_cluster:"prod-mq" AND kubernetes.namespace_name:"robustmq" AND target:"meta_service::raft"');
    expect(luceneLogFilter({ cluster: 'a"b\\c' })).toBe('level:ERROR AND robustmq_cluster:"a\\"b\\\\c"');
  });

  test('refuses unknown levels and empty lists', () => {
    expect(() => luceneLogFilter({ levels: ['FATAL'] })).toThrow(/levels 'FATAL' must be a log level/);
    expect(() => luceneLogFilter({ levels: [] })).toThrow(/levels '\[\]' must name at least one level/);
  });

  test('index patterns', () => {
    expect(ElasticsearchQuery.indexPattern()).toBe('robustmq-logs');
    expect(ElasticsearchQuery.indexPattern('mq', true)).toBe('mq-*');
  });
});

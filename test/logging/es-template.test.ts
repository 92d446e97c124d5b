import {
  DEFAULT_LOG_RETENTION_DAYS, DEFAULT_LOG_TEMPLATE_PRIORITY, LogIndexTemplateOptions, logIndexTemplate, logMappings,
} from '../../src/logging/es-template';
import { LOG_FIELDS } from '../../src/logging/schema';
import { ValidationError } from '../../src/validation/errors';

const DAILY: LogIndexTemplateOptions = { index: 'robustmq-logs', daily: true, retentionDays: DEFAULT_LOG_RETENTION_DAYS, priority: DEFAULT_LOG_TEMPLATE_PRIORITY };

/** The mapping of a dotted schema field. */
function mappingOf(field: string): any {
  let props: any = (logMappings() as any).properties;
  let m: any;
  for (const part of field.split('.')) {
    m = props[part];
    props = m?.properties;
  }
  return m;
}

describe('the index template', () => {
  test('composable, above the built-in templates, for the daily indices, with the ILM policy', () => {
    const t = logIndexTemplate(DAILY);
    expect(t.templateName).toBe('robustmq-logs');
    expect(t.template).toMatchObject({ index_patterns: ['robustmq-logs-*'], priority: 501 });
    expect(t.template.priority as number).toBeGreaterThan(200);
    expect((t.template.template as any).settings).toEqual({ 'index.mapping.ignore_malformed': true, 'index.lifecycle.name': 'robustmq-logs-retention' });
    expect(t.policyName).toBe('robustmq-logs-retention');
    expect(t.policy).toEqual({
      policy: {
        phases: { hot: { min_age: '0ms', actions: {} }, delete: { min_age: '14d', actions: { delete: {} } } },
        _meta: { managed_by: 'cdk8s-robustmq-observability' },
      },
    });
  });

  test('a single index: the template only, no retention policy (ILM would delete the whole index)', () => {
    const t = logIndexTemplate({ ...DAILY, daily: false });
    expect(t.template.index_patterns).toEqual(['robustmq-logs']);
    expect(t.policy).toBeUndefined();
    expect((t.template.template as any).settings['index.lifecycle.name']).toBeUndefined();
  });

  test('every field the pipeline writes has a fixed type; unknown keys are not indexed', () => {
    const m = logMappings() as any;
    expect(m.dynamic).toBe(false);
    expect(mappingOf(LOG_FIELDS.time)).toEqual({ type: 'date_nanos', format: 'strict_date_optional_time_nanos' });
    for (const f of [LOG_FIELDS.level, LOG_FIELDS.component, LOG_FIELDS.traceId, LOG_FIELDS.spanId, LOG_FIELDS.spanName,
      LOG_FIELDS.spanPath, LOG_FIELDS.spanFields, LOG_FIELDS.cluster, LOG_FIELDS.pod, LOG_FIELDS.namespace, LOG_FIELDS.node, LOG_FIELDS.container]) {
      expect(mappingOf(f)).toMatchObject({ type: 'keyword', fields: { keyword: { type: 'keyword' } } });
    }
    expect(mappingOf(LOG_FIELDS.message)).toEqual({ type: 'text' });
    for (const f of [LOG_FIELDS.eventFields, LOG_FIELDS.spans, 'kubernetes.labels']) expect(mappingOf(f)).toMatchObject({ type: 'flattened' });
    expect(mappingOf('kubernetes')).toMatchObject({ type: 'object', dynamic: false });
    // every schema field is mapped
    for (const f of Object.values(LOG_FIELDS)) expect(mappingOf(f)).toBeDefined();
    // no span_* wildcard is dynamically typed: there are no dynamic templates at all
    expect(m.dynamic_templates).toBeUndefined();
  });

  test('retention days and priority are configurable', () => {
    const t = logIndexTemplate({ ...DAILY, retentionDays: 3, priority: 201 });
    expect((t.policy as any).policy.phases.delete.min_age).toBe('3d');
    expect(t.template.priority).toBe(201);
  });

  test('deterministic JSON', () => {
    expect(JSON.stringify(logIndexTemplate(DAILY))).toBe(JSON.stringify(logIndexTemplate(DAILY)));
  });
});

describe('bad input is refused with a ValidationError naming the field', () => {
  const refused = (o: Partial<LogIndexTemplateOptions>, field: string, problem: RegExp) => {
    let err: unknown;
    try {
      logIndexTemplate({ ...DAILY, ...o });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    expect((err as ValidationError).message).toMatch(problem);
  };

  test.each([0, -1, 1.5, Number.NaN])('retention %p days', (d) => refused({ retentionDays: d }, 'retentionDays', /at least 1/));
  test.each([200, 0, -5, 100.5, Number.MAX_SAFE_INTEGER + 2])('priority %p', (p) => refused({ priority: p }, 'priority', /201/));
  test.each([
    'Robustmq-logs', '_logs', '-logs', '+logs', 'logs*', 'lo?gs', 'lo gs', 'lo,gs', 'lo#gs', 'lo:gs', 'lo"gs', 'lo<gs', 'lo|gs', 'lo/gs', 'lo\\gs',
    '.', '..', 'x'.repeat(256),
  ])('index %p', (index) => refused({ index, daily: false }, 'index', /Elasticsearch index name|255 bytes/));
  test('an index prefix too long for its daily suffix', () => refused({ index: 'x'.repeat(250) }, 'index', /at most 244 bytes/));
  test('a multi-byte name over 255 bytes', () => refused({ index: 'é'.repeat(128), daily: false }, 'index', /Elasticsearch index name/));
});

import { SearchEngine } from '../../src/elasticsearch/connection';
import {
  DEFAULT_LOG_RETENTION_DAYS, ISM_TEMPLATE_PRIORITY, DEFAULT_LOG_TEMPLATE_PRIORITY, LogIndexTemplateOptions, logIndexTemplate, logMappings,
} from '../../src/logging/es-template';
import { LOG_FIELDS } from '../../src/logging/schema';
import { ValidationError } from '../../src/validation/errors';

const DAILY: LogIndexTemplateOptions = { index: 'robustmq-logs', daily: true, retentionDays: DEFAULT_LOG_RETENTION_DAYS, priority: DEFAULT_LOG_TEMPLATE_PRIORITY };

/** The mapping of a dotted schema field. */
function mappingOf(field: string, engine = SearchEngine.ELASTICSEARCH): any {
  let props: any = (logMappings(engine) as any).properties;
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

describe('the index template in OpenSearch\'s dialect', () => {
  const OS: LogIndexTemplateOptions = { ...DAILY, engine: SearchEngine.OPENSEARCH };

  test('the same composable template and mapping rules; retention by ISM, not by an index setting', () => {
    const t = logIndexTemplate(OS);
    const es = logIndexTemplate(DAILY);
    expect(t.templateName).toBe('robustmq-logs');
    expect(t.template).toMatchObject({ index_patterns: ['robustmq-logs-*'], priority: 501, _meta: { managed_by: 'cdk8s-robustmq-observability' } });
    // ISM attaches itself by ism_template; the ILM setting would be an unknown setting to OpenSearch
    expect((t.template.template as any).settings).toEqual({ 'index.mapping.ignore_malformed': true });
    expect(t.policyName).toBe('robustmq-logs-retention');
    expect(t.policyPath).toBe('_plugins/_ism/policies/robustmq-logs-retention');
    expect(es.policyPath).toBe('_ilm/policy/robustmq-logs-retention');
    expect(t.policy).toEqual({
      policy: {
        description: 'Deletes robustmq-logs-* indices 14 days after their creation (managed by cdk8s-robustmq-observability)',
        default_state: 'hot',
        states: [
          { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: '14d' } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: { index_patterns: ['robustmq-logs-*'], priority: ISM_TEMPLATE_PRIORITY },
      },
    });
  });

  test('every state the policy names exists; the default state is the first', () => {
    const p = (logIndexTemplate({ ...OS, retentionDays: 3 }).policy as any).policy;
    const names = p.states.map((st: any) => st.name);
    expect(names[0]).toBe(p.default_state);
    for (const st of p.states) for (const tr of st.transitions) expect(names).toContain(tr.state_name);
    expect(p.states[0].transitions[0].conditions.min_index_age).toBe('3d');
    expect(p.ism_template.index_patterns).toEqual(logIndexTemplate(OS).template.index_patterns);
  });

  test('a single index: the template only, no ISM policy', () => {
    const t = logIndexTemplate({ ...OS, daily: false });
    expect(t.template.index_patterns).toEqual(['robustmq-logs']);
    expect(t.policy).toBeUndefined();
    expect(t.policyPath).toBeUndefined();
  });

  test('flat_object (root fields only, no parameters) where Elasticsearch has flattened; labels keyword by a dynamic template', () => {
    const m = logMappings(SearchEngine.OPENSEARCH) as any;
    expect(m.dynamic).toBe(false);
    for (const f of [LOG_FIELDS.eventFields, LOG_FIELDS.spans]) {
      expect(f).not.toContain('.');
      expect(mappingOf(f, SearchEngine.OPENSEARCH)).toEqual({ type: 'flat_object' });
    }
    // no flat_object below the root (flat-object.md: only a root field may be one)
    const nested = JSON.stringify(m.properties.kubernetes);
    expect(nested).not.toContain('flat_object');
    expect(nested).not.toContain('flattened');
    expect(mappingOf('kubernetes.labels', SearchEngine.OPENSEARCH)).toEqual({ type: 'object', dynamic: true });
    expect(m.dynamic_templates).toEqual([{ kubernetes_labels: { path_match: 'kubernetes.labels.*', mapping: { type: 'keyword', ignore_above: 1024 } } }]);
    // every other mapping is Elasticsearch's
    const es = logMappings() as any;
    for (const f of [LOG_FIELDS.time, LOG_FIELDS.level, LOG_FIELDS.component, LOG_FIELDS.message, LOG_FIELDS.traceId, LOG_FIELDS.pod]) {
      expect(mappingOf(f, SearchEngine.OPENSEARCH)).toEqual(mappingOf(f));
    }
    expect(Object.keys(m.properties)).toEqual(Object.keys(es.properties));
    expect(JSON.stringify(m)).not.toContain('flattened');
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

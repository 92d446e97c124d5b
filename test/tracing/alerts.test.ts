import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AlertSeverity } from '../../src/alerts/engine';
import { RuleFiles } from '../../src/alerts/rule-file';
import { runbookPanelId } from '../../src/dashboards/uids';
import { DECLARED_METRICS } from '../../src/metrics/known';
import { selectedMetrics } from '../../src/metrics/promql';
import {
  JAEGER_ALERT_NAMES, JaegerAlertContext, JaegerAlertOptions, jaegerAlertContext, renderJaegerRuleGroup, renderJaegerRuleTests,
} from '../../src/tracing/alerts';
import { Jaeger } from '../../src/tracing/jaeger';
import { JaegerAlerts } from '../../src/tracing/jaeger-alerts';
import { ValidationError } from '../../src/validation/errors';
import { promtool, tmpDir } from '../support/promtool';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

const CTX: JaegerAlertContext = { namespace: 'monitoring', job: 'jaeger', clusterLabel: 'cluster', clusterName: 'jaeger' };
const RULES = 'jaeger-rules.yaml';
const TESTS = 'jaeger-rule-tests.yaml';

/** Writes the rule file and its promtool tests; returns the directory. */
function writeBoth(ctx: JaegerAlertContext = CTX, options: JaegerAlertOptions = {}): string {
  const dir = tmpDir('jaeger-rules-');
  fs.writeFileSync(path.join(dir, RULES), YAML.stringify({ groups: [renderJaegerRuleGroup(ctx, options)] }));
  fs.writeFileSync(path.join(dir, TESTS), RuleFiles.promtoolTestsYaml(renderJaegerRuleTests(ctx, RULES, options)));
  return dir;
}

describe('the jaeger rule group', () => {
  const group = renderJaegerRuleGroup(CTX);

  test('one group, jaeger, with JaegerDown, JaegerSpansRefused and JaegerSpansExportFailed', () => {
    expect(group.name).toBe('jaeger');
    expect(group.rules.map((r) => r.alert)).toEqual(['JaegerDown', 'JaegerSpansRefused', 'JaegerSpansExportFailed']);
    expect(JAEGER_ALERT_NAMES).toEqual(['JaegerDown', 'JaegerSpansRefused', 'JaegerSpansExportFailed']);
  });

  test('the mixin style: name, severity, static summary, templated description, runbook link', () => {
    for (const r of group.rules) {
      expect(r.alert).toMatch(/^Jaeger[A-Z][A-Za-z0-9]*$/);
      expect(r.alert!.length).toBeLessThanOrEqual(40);
      expect(['critical', 'warning', 'info']).toContain(r.labels!.severity);
      expect(r.annotations!.summary).toMatch(/^[A-Z].*\.$/);
      expect(r.annotations!.summary).not.toContain('{{');
      expect(r.annotations!.description).toMatch(/\{\{ \$(value|labels\.)/);
      expect(r.annotations!.runbook_url).toBe(`http://localhost:3000/d/robustmq-alert-runbooks?viewPanel=${runbookPanelId(r.alert!)}`);
      expect(r.for).toMatch(/^\d+[smh]$/);
    }
  });

  test('the expressions select Jaeger\'s series by job and namespace, and only declared metrics', () => {
    const allowed = [...DECLARED_METRICS.jaeger, ...DECLARED_METRICS.prometheus];
    const used = new Set<string>();
    for (const r of group.rules) {
      expect(r.expr).toContain('job="jaeger", namespace="monitoring"');
      for (const m of selectedMetrics(r.expr)) {
        expect(allowed).toContain(m);
        used.add(m);
      }
    }
    expect([...used].sort()).toEqual([
      'otelcol_exporter_send_failed_spans_total', 'otelcol_exporter_sent_spans_total',
      'otelcol_receiver_accepted_spans_total', 'otelcol_receiver_refused_spans_total', 'up',
    ]);
    const byName = Object.fromEntries(group.rules.map((r) => [r.alert, r]));
    expect(byName.JaegerDown.expr).toBe('(sum(up{job="jaeger", namespace="monitoring"}) or vector(0)) < 1');
    expect(byName.JaegerDown.labels).toEqual({ severity: 'warning', namespace: 'monitoring', job: 'jaeger' });
    expect(byName.JaegerSpansRefused.expr).toBe(
      'sum by (namespace, job, receiver, transport) (rate(otelcol_receiver_refused_spans_total{job="jaeger", namespace="monitoring"}[5m])) / '
      + '(sum by (namespace, job, receiver, transport) (rate(otelcol_receiver_accepted_spans_total{job="jaeger", namespace="monitoring"}[5m])) + '
      + 'sum by (namespace, job, receiver, transport) (rate(otelcol_receiver_refused_spans_total{job="jaeger", namespace="monitoring"}[5m]))) > 0.01');
  });
});

describe('promtool', () => {
  test('promtool check rules and promtool test rules pass; every alert fires and stays quiet', () => {
    const dir = writeBoth();
    const checked = promtool(['check', 'rules', RULES], dir);
    expect(checked.output).toContain('SUCCESS');
    expect(checked.status).toBe(0);
    const tested = promtool(['test', 'rules', TESTS], dir);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
    const tests = YAML.parse(fs.readFileSync(path.join(dir, TESTS), 'utf8')).tests;
    for (const name of JAEGER_ALERT_NAMES) {
      const mine = tests.filter((t: any) => t.alert_rule_test[0].alertname === name);
      expect(mine.some((t: any) => t.alert_rule_test[0].exp_alerts.length > 0)).toBe(true);
      expect(mine.some((t: any) => t.alert_rule_test[0].exp_alerts.length === 0)).toBe(true);
    }
  });

  test('the tests still pass with tuned thresholds, another job and namespace, and extra labels', () => {
    const dir = writeBoth({ namespace: 'tracing', job: 'traces', clusterLabel: 'instance_name', clusterName: 'traces' }, {
      overrides: { JaegerSpansRefused: { threshold: 0.123, for: '3m', severity: AlertSeverity.CRITICAL }, JaegerDown: { for: '2m' } },
      extraLabels: { team: 'messaging' },
    });
    expect(promtool(['check', 'rules', RULES], dir).status).toBe(0);
    const r = promtool(['test', 'rules', TESTS], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('a broken expectation makes promtool fail, so the tests can fail', () => {
    const dir = writeBoth();
    const file = path.join(dir, TESTS);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('refuses 50.5% of the spans');
    fs.writeFileSync(file, text.replace('refuses 50.5% of the spans', 'refuses 50.6% of the spans'));
    const r = promtool(['test', 'rules', TESTS], dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FAILED');
  });
});

describe('tuning is validated', () => {
  const refused = (options: JaegerAlertOptions) => {
    try {
      renderJaegerRuleGroup(CTX, options);
    } catch (e) {
      if (e instanceof ValidationError) return e.message;
      throw e;
    }
    throw new Error('expected a ValidationError');
  };

  test('unknown alert names, bad thresholds, durations and labels are refused', () => {
    expect(refused({ disabledAlerts: ['RobustMQClusterDown'] })).toContain("disabledAlerts 'RobustMQClusterDown' is not a Jaeger alert");
    expect(refused({ overrides: { JaegerSpansRefused: { threshold: 1.5 } } })).toContain('must be a ratio from 0 to 1');
    expect(refused({ overrides: { JaegerDown: { threshold: 1 } } })).toContain('cannot be set: this alert has no threshold');
    expect(refused({ overrides: { JaegerDown: { for: '5 minutes' } } })).toContain('overrides.JaegerDown.for');
    expect(refused({ extraLabels: { severity: 'x' } })).toContain("must not be 'severity'");
    expect(refused({ runbookUrlPattern: 'https://wiki.example.com/runbooks' })).toContain("containing '{anchor}'");
  });

  test('disabled alerts are left out', () => {
    expect(renderJaegerRuleGroup(CTX, { disabledAlerts: ['JaegerDown'], overrides: { JaegerSpansExportFailed: { disabled: true } } }).rules.map((r) => r.alert))
      .toEqual(['JaegerSpansRefused']);
  });
});

describe('JaegerAlerts construct', () => {
  test('a second PrometheusRule with the jaeger group and the monitor\'s discovery labels, valid against its schema', () => {
    const app = Testing.app();
    const tracing = new Chart(app, 'tracing', { namespace: 'monitoring' });
    const jaeger = new Jaeger(tracing, 'jaeger', { monitoring: { discoveryLabels: { release: 'monitoring' } } });
    const alerts = new JaegerAlerts(tracing, 'alerts', { jaeger });
    const objs = tracing.toJson();
    expect(() => validateAll(objs)).not.toThrow();
    const rule = one(objs, 'PrometheusRule');
    expect(rule.metadata).toEqual({ name: 'jaeger-alerts', namespace: 'monitoring', labels: { release: 'monitoring' } });
    expect(rule.spec.groups).toEqual(alerts.ruleGroups().groups);
    expect(rule.spec.groups).toEqual([renderJaegerRuleGroup(jaegerAlertContext(jaeger))]);
    expect(alerts.alertNames).toEqual(JAEGER_ALERT_NAMES);
    expect(alerts.ruleTests('x.yaml')).toEqual(renderJaegerRuleTests(jaegerAlertContext(jaeger), 'x.yaml'));
  });

  test('a Jaeger that does not scrape itself is refused', () => {
    const tracing = new Chart(Testing.app(), 'tracing', { namespace: 'monitoring' });
    const jaeger = new Jaeger(tracing, 'jaeger', { monitoring: { enabled: false } });
    expect(() => new JaegerAlerts(tracing, 'alerts', { jaeger })).toThrow(/JaegerAlerts 'tracing\/alerts': jaeger 'tracing\/jaeger' must scrape its own metrics/);
  });

  test('bad tuning names the construct', () => {
    const tracing = new Chart(Testing.app(), 'tracing', { namespace: 'monitoring' });
    const jaeger = new Jaeger(tracing, 'jaeger');
    expect(() => new JaegerAlerts(tracing, 'alerts', { jaeger, disabledAlerts: ['Nope'] })).toThrow(/^JaegerAlerts 'tracing\/alerts': disabledAlerts 'Nope'/);
  });
});

describe('docs/tracing.md and docs/runbooks.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'tracing.md'), 'utf8');
  const runbooks = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');

  test('docs/runbooks.md has a section for every Jaeger alert: meaning, impact, diagnosis, mitigation', () => {
    expect(doc).toContain('runbooks.md#jaegerdown');
    const sections = runbooks.split(/^## /m).slice(1);
    const titles = sections.map((s) => s.split('\n')[0].trim());
    expect(titles).toEqual(expect.arrayContaining([...JAEGER_ALERT_NAMES]));
    for (const s of sections.filter((x) => JAEGER_ALERT_NAMES.includes(x.split('\n')[0].trim()))) {
      for (const part of ['Meaning', 'Impact', 'Diagnosis', 'Mitigation']) expect(s).toContain(`**${part}**`);
    }
  });

  test('maps the v1 settings, names the end of life and says RobustMQ emits no spans yet', () => {
    for (const v1 of ['SPAN_STORAGE_TYPE', 'ES_SERVER_URLS', 'COLLECTOR_ZIPKIN_HOST_PORT', '16686', '14268']) expect(doc).toContain(v1);
    expect(doc).toContain('2025-12-31');
    expect(doc).toMatch(/v0\.4\.11 emits no spans/);
  });
});

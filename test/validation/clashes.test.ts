import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { FluentBit, GrafanaDashboards, GrafanaDatasources, Jaeger, JaegerStorage, RobustMqCluster } from '../../src';
import { ValidationError, showValue } from '../../src/validation/errors';
import { refuse } from '../support/refuse';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

describe('objects that would replace each other are refused, naming both', () => {
  test('two clusters of one name in one namespace; the same name in another namespace is fine', () => {
    const app = Testing.app();
    new RobustMqCluster(new Chart(app, 'a', { namespace: 'mq' }), 'cluster', { clusterName: 'prod' });
    expect(() => new RobustMqCluster(new Chart(app, 'other', { namespace: 'mq-staging' }), 'cluster', { clusterName: 'prod' })).not.toThrow();
    refuse(() => new RobustMqCluster(new Chart(app, 'b', { namespace: 'mq' }), 'cluster', { clusterName: 'prod' }),
      /^RobustMqCluster 'b\/cluster': clusterName 'prod' must not make StatefulSet 'prod' in namespace 'mq' again: 'a\/cluster' makes it already for clusterName 'prod': two clusters/);
    // Another app is another world.
    expect(() => new RobustMqCluster(new Chart(Testing.app(), 'b', { namespace: 'mq' }), 'cluster', { clusterName: 'prod' })).not.toThrow();
  });

  test('two sets of datasources in one Grafana namespace', () => {
    const app = Testing.app();
    new GrafanaDatasources(new Chart(app, 'g1', { namespace: 'grafana' }), 'ds');
    refuse(() => new GrafanaDatasources(new Chart(app, 'g2', { namespace: 'grafana' }), 'ds'),
      /^GrafanaDatasources 'g2\/ds': namespace 'grafana' must not make ConfigMap 'grafana-datasources-robustmq' in namespace 'grafana' again: 'g1\/ds' makes it already for namespace 'grafana': one set of datasources per Grafana namespace/);
  });

  test('two Jaegers of one name in one namespace, from two charts; another name or namespace is fine', () => {
    const app = Testing.app();
    new Jaeger(new Chart(app, 'a', { namespace: 'tracing' }), 'jaeger');
    refuse(() => new Jaeger(new Chart(app, 'b', { namespace: 'tracing' }), 'jaeger'),
      /^Jaeger 'b\/jaeger': name 'jaeger' must not make Deployment 'jaeger' in namespace 'tracing' again: 'a\/jaeger' makes it already for name 'jaeger': the second would replace the first when applied$/);
    expect(() => new Jaeger(new Chart(app, 'c', { namespace: 'tracing' }), 'jaeger', { name: 'jaeger-b' })).not.toThrow();
    expect(() => new Jaeger(new Chart(app, 'd', { namespace: 'tracing-b' }), 'jaeger')).not.toThrow();
  });

  test('two Fluent Bits of one name in one namespace; cluster-wide RBAC names that meet across namespaces', () => {
    const app = Testing.app();
    const cluster = new RobustMqCluster(new Chart(app, 'mq', { namespace: 'mq' }), 'cluster');
    new FluentBit(new Chart(app, 'a', { namespace: 'logging' }), 'fb', { cluster });
    refuse(() => new FluentBit(new Chart(app, 'b', { namespace: 'logging' }), 'fb', { cluster }),
      /^FluentBit 'b\/fb': name 'fluent-bit' must not make DaemonSet 'fluent-bit' in namespace 'logging' again: 'a\/fb' makes it already for name 'fluent-bit': the second would replace the first when applied$/);
    // 'logs-a' + 'b' and 'logs' + 'a-b' both name their ClusterRole 'logs-a-b'.
    new FluentBit(new Chart(app, 'c', { namespace: 'logs-a' }), 'fb', { cluster, name: 'b' });
    refuse(() => new FluentBit(new Chart(app, 'd', { namespace: 'logs' }), 'fb', { cluster, name: 'a-b' }),
      /^FluentBit 'd\/fb': name 'a-b' must not make ClusterRole 'logs-a-b' cluster-wide again: 'c\/fb' makes it already for name 'b' \(named '<namespace>-<name>' from namespace 'logs'\): the second would replace the first when applied$/);
  });

  test('dashboard uids that differ only in case or \'_\' against \'-\'', () => {
    const chart = new Chart(Testing.app(), 'g', { namespace: 'grafana' });
    const d = new GrafanaDashboards(chart, 'dash', { robustMqDashboards: false, logsDashboard: false, runbooksDashboard: false });
    const json = (uid: string) => JSON.stringify({ uid, title: uid, panels: [] });
    d.addDashboardJson(json('team-robustmq-x'));
    for (const uid of ['Team-RobustMQ-X', 'team_robustmq_x']) {
      refuse(() => d.addDashboardJson(json(uid)),
        new RegExp(`uid '${uid}' must not make ConfigMap 'grafana-dashboard-team-robustmq-x' in namespace 'grafana' again: 'g/dash' makes it already for uid 'team-robustmq-x' \\(ConfigMap names are lower case`));
    }
  });
});

describe('numbers that would not survive the YAML', () => {
  test('latencyThresholdSeconds Infinity (JSON null: Grafana reads minus infinity) and NaN', () => {
    for (const v of [Infinity, NaN]) {
      refuse(() => new GrafanaDashboards(new Chart(Testing.app(), 'g', { namespace: 'grafana' }), 'dash', { latencyThresholdSeconds: v }),
        new RegExp(`latencyThresholdSeconds '${v}' must be a finite, positive number of seconds`));
    }
  });

  test('an infinite badger volume (rendered as InfinityMi) and a too small one', () => {
    const jaeger = (size: Size) => new Jaeger(new Chart(Testing.app(), 't', { namespace: 'monitoring' }), 'jaeger', {
      storage: JaegerStorage.BADGER, badger: { storageSize: size },
    });
    refuse(() => jaeger(Size.gibibytes(Infinity)), /badger.storageSize 'Infinity MiB' must be a finite size of at least 64Mi/);
    refuse(() => jaeger(Size.mebibytes(32)), /badger.storageSize '32Mi' must be at least 64Mi: badger preallocates/);
    expect(() => jaeger(Size.mebibytes(64))).not.toThrow();
  });

  test('Jaeger\'s and Fluent Bit\'s resources as RobustMQ\'s: a request above its limit, an infinite amount', () => {
    const over = { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } };
    refuse(() => new Jaeger(new Chart(Testing.app(), 't', { namespace: 'monitoring' }), 'jaeger', { resources: over }),
      /^Jaeger 't\/jaeger': resources.memory.request '2048Mi' must not exceed the limit '1024Mi': Kubernetes refuses the pod/);
    const app = Testing.app();
    const cluster = new RobustMqCluster(new Chart(app, 'mq', { namespace: 'robustmq' }), 'cluster');
    refuse(() => new FluentBit(new Chart(app, 'logs', { namespace: 'logging' }), 'fb', { cluster, resources: { cpu: { limit: kplus.Cpu.units(Infinity) } } }),
      /^FluentBit 'logs\/fb': resources.cpu.limit 'Infinity' must be a finite, positive amount/);
  });
});

describe('refusals that say what was given', () => {
  test('NaN and Infinity are shown as themselves, not as JSON\'s null; a string where a number belongs is called a string', () => {
    refuse(() => new RobustMqCluster(new Chart(Testing.app(), 'mq', { namespace: 'mq' }), 'c', { replicas: NaN }), /replicas 'NaN' must be a whole number from 1 to 99/);
    refuse(() => new RobustMqCluster(new Chart(Testing.app(), 'mq', { namespace: 'mq' }), 'c', { replicas: '3' as any }),
      /replicas '3' must be a number, not a string \(a whole number from 1 to 99\)/);
    expect(showValue({ a: Infinity, b: [NaN] })).toBe('{"a":"Infinity","b":["NaN"]}');
  });

  test('a circular value in a refusal is named, not thrown as a TypeError', () => {
    const circular: any = { uid: 'x' };
    circular.self = circular;
    expect(showValue(circular)).toBe('[object Object]');
    const d = new GrafanaDashboards(new Chart(Testing.app(), 'g', { namespace: 'grafana' }), 'dash', { robustMqDashboards: false, logsDashboard: false });
    const e = refuse(() => d.addDashboardJson(circular), /dashboard JSON '\[object Object\]' must be the JSON text of a dashboard/);
    expect(e).toBeInstanceOf(ValidationError);
    // 20,000 levels deep: refused by depth, not thrown as a RangeError from writing it out.
    const deep = `{"uid":"team-robustmq-deep","title":"t","x":${'['.repeat(20000)}${']'.repeat(20000)}}`;
    refuse(() => d.addDashboardJson(deep), /dashboard JSON '\{"uid":"team-robustmq-deep".*' must nest at most 64 levels, nests 65/);
    const ok = `{"uid":"team-robustmq-ok","title":"t","x":${'['.repeat(60)}${']'.repeat(60)}}`;
    expect(() => d.addDashboardJson(ok)).not.toThrow();
  });
});

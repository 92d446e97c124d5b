import { Chart, Testing } from 'cdk8s';
import { FluentBit, GrafanaDashboards, RobustMqAlerts, RobustMqCluster, RobustMqObservability, RobustMqServiceMonitor, ServiceScrapeTarget } from '../../src';
import { DEFAULT_REPLICAS, raftMajority } from '../../src/robustmq/target';
import { refuse } from '../support/refuse';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

describe('IRobustMqTarget: one model of the observed cluster', () => {
  test('a RobustMqCluster is one: its pods, container, claims and metrics Service', () => {
    const chart = new Chart(Testing.app(), 'mq', { namespace: 'mq' });
    const cluster = new RobustMqCluster(chart, 'c', { clusterName: 'prod', replicas: 5 });
    expect(cluster).toMatchObject({
      namespace: 'mq',
      clusterName: 'prod',
      replicas: 5,
      quorum: 3,
      podNamePrefix: 'prod',
      containerName: 'broker-server',
      dataClaimPrefix: 'data-prod',
      metricsServiceName: 'prod-metrics',
      metricsPortName: 'http-admin',
      metricsPort: 58080,
      metricsPath: '/metrics',
    });
    expect(cluster.appMetricsService).toBe(cluster.metricsService);
    expect(cluster.appWorkload).toBe(cluster.statefulSet);
  });

  test('fromClusterAttributes fills in the same defaults', () => {
    const t = RobustMqCluster.fromClusterAttributes({ namespace: 'mq' });
    expect(t).toMatchObject({
      namespace: 'mq',
      clusterName: 'robustmq-cluster',
      replicas: DEFAULT_REPLICAS,
      quorum: raftMajority(DEFAULT_REPLICAS),
      podNamePrefix: 'robustmq-cluster',
      containerName: 'broker-server',
      dataClaimPrefix: 'data-robustmq-cluster',
      selectorLabels: { 'app.kubernetes.io/name': 'robustmq', 'app.kubernetes.io/instance': 'robustmq-cluster' },
      metricsServiceName: 'robustmq-cluster',
      metricsPortName: 'http-admin',
      metricsPath: '/metrics',
    });
    expect(t.appMetricsService).toBeUndefined();
  });

  test.each([
    [{ namespace: 'Bad' }, /RobustMqCluster.fromClusterAttributes: namespace 'Bad' must be a DNS-1123 label/],
    [{ namespace: 'mq', replicas: 0 }, /replicas '0' must be a whole number from 1 to 99/],
    [{ namespace: 'mq', podNamePrefix: 'mq-' }, /podNamePrefix 'mq-' must be the start of a pod name/],
    [{ namespace: 'mq', metricsPortName: 'HTTP' }, /metricsPortName 'HTTP' must be a port name/],
    [{ namespace: 'mq', selectorLabels: { app: 'a b' } }, /selectorLabels.app 'a b' must be a label value/],
  ])('fromClusterAttributes refuses %j', (attrs, message) => {
    refuse(() => RobustMqCluster.fromClusterAttributes(attrs), message);
  });

  test('every pillar takes the same target', () => {
    const app = Testing.app();
    const mon = new Chart(app, 'mon', { namespace: 'monitoring' });
    const target = RobustMqCluster.fromClusterAttributes({
      namespace: 'mq',
      clusterName: 'legacy',
      replicas: 5,
      podNamePrefix: 'robustmq',
      containerName: 'server',
      metricsServiceLabels: { app: 'robustmq' },
      metricsPortName: 'http',
    });
    const monitor = new RobustMqServiceMonitor(mon, 'sm', { target: ServiceScrapeTarget.fromCluster(target) });
    expect(monitor.job).toBe('legacy');
    const fb = new FluentBit(mon, 'fb', { target });
    expect(fb.logPath).toBe('/var/log/containers/robustmq-[0-9]*_mq_server-*.log');
    const alerts = new RobustMqAlerts(mon, 'alerts', { monitor, target, fluentBit: fb });
    const groups = alerts.ruleGroups().groups;
    const down = groups.flatMap((g) => g.rules).find((r) => r.alert === 'RobustMQClusterDown')!;
    expect(down.expr).toContain('< 3');
    const cpu = groups.flatMap((g) => g.rules).find((r) => r.alert === 'RobustMQCpuThrottled')!;
    expect(cpu.expr).toContain('pod=~"robustmq-[0-9]+", container="server"');
    const volume = groups.flatMap((g) => g.rules).find((r) => r.alert === 'RobustMQDataVolumeAlmostFull')!;
    expect(volume.expr).toContain('persistentvolumeclaim=~"data-robustmq-[0-9]+"');
    const dashboards = new GrafanaDashboards(mon, 'd', { monitor, target });
    expect(JSON.stringify(dashboards.dashboardJson())).toContain('the Raft group needs a majority (3)');
  });

  test('the stack observes an existing cluster', () => {
    const chart = new Chart(Testing.app(), 'obs', { namespace: 'monitoring' });
    const stack = new RobustMqObservability(chart, 's', {
      existingCluster: RobustMqCluster.fromClusterAttributes({ namespace: 'mq', clusterName: 'legacy', replicas: 5 }),
    });
    expect(stack.cluster).toBeUndefined();
    expect(stack.target.replicas).toBe(5);
    expect(stack.fluentBit!.target).toBe(stack.target);
    expect(stack.alerts!.target).toBe(stack.target);
    refuse(() => new RobustMqObservability(new Chart(Testing.app(), 'x', { namespace: 'monitoring' }), 's', {
      existingCluster: stack.target, cluster: {},
    }), /cluster 'set' must not be set together with existingCluster/);
  });

  test('the deprecated target props map onto the same model', () => {
    const chart = new Chart(Testing.app(), 'obs', { namespace: 'monitoring' });
    const stack = new RobustMqObservability(chart, 's', {
      target: ServiceScrapeTarget.fromLabels({ namespace: 'mq', serviceLabels: { app: 'robustmq' }, portName: 'http', clusterName: 'legacy-mq' }),
      replicas: 5,
      targetPodNamePrefix: 'robustmq',
    });
    expect(stack.target).toMatchObject({ namespace: 'mq', clusterName: 'legacy-mq', replicas: 5, podNamePrefix: 'robustmq', metricsServiceName: 'robustmq' });
    expect(stack.fluentBit!.logPath).toBe('/var/log/containers/robustmq-[0-9]*_mq_broker-server-*.log');
  });
});

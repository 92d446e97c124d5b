import { App, Chart } from 'cdk8s';
import { SearchEngine } from '../../../src/elasticsearch/connection';
import { FluentBitConfigFormat } from '../../../src/logging/fluent-bit';
import { RobustMqObservability } from '../../../src/observability';
import { RobustMqCluster } from '../../../src/robustmq/cluster';
import { StackOptions, buildStack } from '../../../src/stack';
import { JaegerStorage } from '../../../src/tracing/facts';

/**
 * The synthesized variants the real-component tests check (kube-apiserver, checkov): the default
 * stack and the variants the unit tests synthesize, each in namespaces of its own so they can
 * live side by side in one API server.
 */

function stackVariant(prefix: string, options: Partial<StackOptions>): (app: App) => void {
  const ns = `${prefix}-monitoring`;
  return (app) => {
    buildStack(app, { namespace: `${prefix}-robustmq`, monitoringNamespace: ns, jaegerNamespace: ns, grafanaNamespace: ns, ...options });
  };
}

export const VARIANTS: Array<[string, (app: App) => void]> = [
  ['the default stack', stackVariant('default', {})],
  ['Jaeger with badger storage', stackVariant('badger', { jaegerStorage: JaegerStorage.BADGER })],
  ['Jaeger with Elasticsearch storage', stackVariant('es', { jaegerStorage: JaegerStorage.ELASTICSEARCH, elasticsearchSecret: 'es-credentials' })],
  ['classic Fluent Bit configuration', stackVariant('classic', { fluentBitConfigFormat: FluentBitConfigFormat.CLASSIC })],
  ['OpenSearch logs with daily indices and ISM retention', stackVariant('os', {
    logBackend: SearchEngine.OPENSEARCH, elasticsearchUrl: 'https://opensearch.logging.svc:9200', elasticsearchSecret: 'os-credentials', elasticsearchDailyIndices: true,
  })],
  ['alert routing: an AlertmanagerConfig in each namespace the alerts carry', stackVariant('routing', {
    criticalReceiver: 'pagerduty:alertmanager-receivers/pagerduty-routing-key', warningReceiver: 'slack:alertmanager-receivers/slack-url',
  })],
  ['a bring-your-own RobustMQ', (app) => {
    const chart = new Chart(app, 'byo', { namespace: 'byo-monitoring' });
    new RobustMqObservability(chart, 'stack', {
      existingCluster: RobustMqCluster.fromClusterAttributes({ namespace: 'byo-robustmq', clusterName: 'legacy', replicas: 5 }),
      monitoringNamespace: 'byo-monitoring',
    });
  }],
  ['two clusters sharing Jaeger and Grafana', (app) => {
    const a = new Chart(app, 'a', { namespace: 'two-mq-a' });
    const b = new Chart(app, 'b', { namespace: 'two-mq-b' });
    const first = new RobustMqObservability(a, 'stack', { cluster: { clusterName: 'alpha' }, monitoringNamespace: 'two-monitoring' });
    new RobustMqObservability(b, 'stack', {
      cluster: { clusterName: 'beta' },
      monitoringNamespace: 'two-monitoring',
      tracing: { existingJaeger: first.jaeger },
      dashboards: { enabled: false },
      datasources: { enabled: false },
    });
  }],
];


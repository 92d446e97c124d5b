import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AlertSeverity, FluentBit, FluentBitConfigFormat, GrafanaDashboards, GrafanaDatasources, Jaeger, JaegerStorage, PodScrapeTarget,
  RobustMqAlerts, RobustMqCluster, RobustMqLogLevel, RobustMqObservability, RobustMqPodMonitor, RobustMqRole, RobustMqServiceMonitor,
  ServiceScrapeTarget, WorkloadIdentity, ElasticsearchConnection, SearchEngine,
} from '../src';
import { main } from '../src/cli';
import { tmpDir } from './support/promtool';
import { refuse } from './support/refuse';
import { ValidationError } from '../src/validation/errors';

/**
 * Bad input, table-driven, across every construct and CLI flag. Each case asserts that the
 * message names the field (or flag), the refused value and what is allowed, and that nothing
 * was synthesized.
 */

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

// ---- the CLI ----

const CLI_CASES: Array<[string[], string, string, RegExp]> = [
  [['--namespace', 'Bad_NS'], 'namespace', 'Bad_NS', /must be a DNS-1123 label/],
  [['--cluster-name', 'Robust MQ'], 'cluster-name', 'Robust MQ', /must be a DNS-1035 label/],
  [['--replicas', '0'], 'replicas', '0', /must be a whole number from 1 to 99/],
  [['--replicas', '-2'], 'replicas', '-2', /must be a whole number from 1 to 99/],
  [['--replicas', '2.5'], 'replicas', '2.5', /must be a whole number from 1 to 99/],
  [['--robustmq-version', 'latest'], 'robustmq-version', 'latest', /must be a release version MAJOR.MINOR.PATCH/],
  [['--image', 'Not An Image'], 'image', 'Not An Image', /must be a container image reference/],
  [['--monitoring-namespace', 'Monitoring'], 'monitoring-namespace', 'Monitoring', /must be a DNS-1123 label/],
  [['--prometheus-release', 'kube prometheus'], 'prometheus-release', 'kube prometheus', /must be a label value/],
  [['--scrape-interval', '5m30'], 'scrape-interval', '5m30', /must be a Prometheus duration such as '30s'/],
  [['--scrape-interval', '30s', '--scrape-timeout', '45s'], 'scrape-timeout', '45s', /must not exceed --scrape-interval '30s'/],
  [['--min-healthy-nodes', '4'], 'min-healthy-nodes', '4', /must be a whole number from 1 to the replica count 3/],
  [['--latency-p99-threshold', 'fast'], 'latency-p99-threshold', 'fast', /must be a Prometheus duration/],
  [['--error-rate-threshold', '5'], 'error-rate-threshold', '5', /must be a ratio from 0 to 1/],
  [['--disable-alert', 'NoSuchAlert'], 'disable-alert', 'NoSuchAlert', /is not an alert of this library/],
  [['--runbook-url-pattern', 'https://wiki'], 'runbook-url-pattern', 'https://wiki', /must be an http\(s\) URL containing '\{anchor\}'/],
  [['--prometheus-release', '0o17'], 'prometheus-release', '0o17', /must not read as a YAML octal number like '0o17': cdk8s writes it unquoted and kubectl reads it back as a number/],
  [['--monitoring-namespace', '0o17'], 'monitoring-namespace', '0o17', /YAML octal number/],
  [['--grafana-url', 'grafana:3000'], 'grafana-url', 'grafana:3000', /must be an http\(s\) URL/],
  [['--grafana-url', 'https://grafana.example.com/d/{{x}}'], 'grafana-url', 'https://grafana.example.com/d/{{x}}', /must not contain '\{\{' or '\}\}': Prometheus would read them as a template action/],
  [['--grafana-url', 'https://grafana.example.com:99999'], 'grafana-url', 'https://grafana.example.com:99999', /with a port from 1 to 65535/],
  [['--grafana-namespace', 'Grafana'], 'grafana-namespace', 'Grafana', /must be a DNS-1123 label/],
  [['--grafana-folder', 'a/b'], 'grafana-folder', 'a/b', /must be a folder name of 1 to 100 characters/],
  [['--elasticsearch-url', 'ftp://x'], 'elasticsearch-url', 'ftp://x', /must be an http:\/\/ or https:\/\/ URL/],
  [['--elasticsearch-url', 'http://es:99999'], 'elasticsearch-url', 'http://es:99999', /port from 1 to 65535/],
  [['--elasticsearch-index', 'Logs'], 'elasticsearch-index', 'Logs', /must be an Elasticsearch index name: lower case/],
  [['--elasticsearch-secret', 'Bad Secret'], 'elasticsearch-secret', 'Bad Secret', /must be a DNS-1123 subdomain/],
  [['--fluent-bit-config-format', 'xml'], 'fluent-bit-config-format', 'xml', /must be one of 'yaml', 'classic'/],
  [['--log-level-min', 'verbose'], 'log-level-min', 'verbose', /must be a log level: one of 'trace'/],
  [['--elasticsearch-daily-indices', '--log-retention-days', '0'], 'log-retention-days', '0', /must be a whole number of days, at least 1/],
  [['--log-retention-days', '7'], 'log-retention-days', '7', /needs elasticsearchDailyIndices/],
  [['--index-template-priority', '200'], 'index-template-priority', '200', /must be a whole number from 201/],
  [['--elasticsearch-index', '_logs'], 'elasticsearch-index', '_logs', /not starting with '-', '_' or '\+'/],
  [['--elasticsearch-index', 'lo*gs'], 'elasticsearch-index', 'lo*gs', /must be an Elasticsearch index name/],
  [['--elasticsearch-index', 'x'.repeat(256)], 'elasticsearch-index', 'x'.repeat(256), /at most 255 bytes/],
  [['--jaeger-storage', 'cassandra'], 'jaeger-storage', 'cassandra', /must be one of 'memory', 'badger', 'elasticsearch'/],
  [['--jaeger-namespace', 'Jaeger'], 'jaeger-namespace', 'Jaeger', /must be a DNS-1123 label/],
  [['--cluster-name', '1abc'], 'cluster-name', '1abc', /must be a DNS-1035 label \(it names Services\): .*starting with a letter/],
  [['--credentials-secret', 'Admin_Creds'], 'credentials-secret', 'Admin_Creds', /must be a DNS-1123 subdomain/],
  [['--protocols', 'mqtt,coap'], 'protocols', 'mqtt,coap', /names protocol 'coap': allowed are 'mqtt', 'mqtt-tls', 'websocket', 'websocket-tls', 'quic', 'kafka', 'amqp', 'nats'/],
  [['--protocols', 'mqtt,mqtt'], 'protocols', 'mqtt,mqtt', /must not repeat a protocol/],
  [['--log-backend', 'solr'], 'log-backend', 'solr', /must be one of 'elasticsearch', 'opensearch'/],
  [['--log-backend', 'OpenSearch'], 'log-backend', 'OpenSearch', /must be one of 'elasticsearch', 'opensearch'/],
  // an OpenSearch flavour with an Elasticsearch-only option: Jaeger's storage is Elasticsearch only
  [['--log-backend', 'opensearch', '--jaeger-storage', 'elasticsearch'], 'log-backend', 'opensearch',
    /cannot go with --jaeger-storage 'elasticsearch': Jaeger's storage is Elasticsearch only/],
  [['--log-backend', 'opensearch', '--log-retention-days', '7'], 'log-retention-days', '7', /needs elasticsearchDailyIndices: ISM deletes whole indices/],
];

describe('bad CLI flags', () => {
  test.each(CLI_CASES)('synth %j', (args, flag, value, allowed) => {
    const out = path.join(tmpDir('rmq-bad-'), 'out');
    let stdout = '';
    let stderr = '';
    const status = main(['synth', '--out', out, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    expect(status).toBe(2);
    expect(stderr).toContain(`--${flag} '${value}'`);
    expect(stderr).toMatch(allowed);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });
});

// ---- the constructs ----

function cluster(scope: Construct): RobustMqCluster {
  return new RobustMqCluster(scope, 'rmq');
}
function monitor(scope: Construct): RobustMqServiceMonitor {
  return new RobustMqServiceMonitor(scope, 'sm', { target: ServiceScrapeTarget.fromCluster(cluster(scope)) });
}

const OPENSEARCH = () => ElasticsearchConnection.fromUrl('https://opensearch.logging.svc:9200', { engine: SearchEngine.OPENSEARCH });

const CONSTRUCT_CASES: Array<[string, (scope: Construct) => unknown, string, string, RegExp]> = [
  ['Jaeger Elasticsearch storage on an OpenSearch connection', (s) => new Jaeger(s, 'j', {
    namespace: 'monitoring', storage: JaegerStorage.ELASTICSEARCH, elasticsearchConnection: OPENSEARCH(),
  }), 'elasticsearchConnection.engine', 'opensearch', /is not supported with storage 'elasticsearch': Jaeger's storage here is its Elasticsearch backend only/],
  ['RobustMqObservability OpenSearch logs with Jaeger\'s Elasticsearch storage', (s) => new RobustMqObservability(s, 'o', {
    elasticsearchConnection: OPENSEARCH(), tracing: { storage: JaegerStorage.ELASTICSEARCH },
  }), 'elasticsearchConnection.engine', 'opensearch', /is not supported with storage 'elasticsearch'/],
  ['RobustMqObservability OpenSearch logs with the Elasticsearch-only datasources.elasticsearchUrl', (s) => new RobustMqObservability(s, 'o', {
    elasticsearchConnection: OPENSEARCH(), datasources: { elasticsearchUrl: 'http://es:9200' },
  }), 'datasources.elasticsearchUrl', 'http://es:9200', /is for an Elasticsearch datasource only, and the logs are in OpenSearch \(elasticsearchConnection.engine 'opensearch'\)/],
  ['RobustMqObservability a datasource of another engine than the logs', (s) => new RobustMqObservability(s, 'o', {
    elasticsearchConnection: OPENSEARCH(), datasources: { elasticsearchConnection: ElasticsearchConnection.fromUrl('http://es:9200') },
  }), 'datasources.elasticsearchConnection.engine', 'elasticsearch', /must be the logs' engine 'opensearch'/],
  ['FluentBit OpenSearch retention without daily indices', (s) => new FluentBit(s, 'fb', {
    target: RobustMqCluster.fromClusterAttributes({ namespace: 'robustmq' }), namespace: 'logging', elasticsearchConnection: OPENSEARCH(), logRetentionDays: 7,
  }), 'logRetentionDays', '7', /needs elasticsearchDailyIndices: ISM deletes whole indices/],
  ['GrafanaDashboards unknown logs search engine', (s) => new GrafanaDashboards(s, 'd', {
    namespace: 'monitoring', logsSearchEngine: 'solr' as SearchEngine,
  }), 'logsSearchEngine', 'solr', /must be one of 'elasticsearch', 'opensearch'/],
  ['RobustMqCluster replicas', (s) => new RobustMqCluster(s, 'c', { replicas: 0 }), 'replicas', '0', /must be a whole number from 1 to 99/],
  ['RobustMqCluster clusterName', (s) => new RobustMqCluster(s, 'c', { clusterName: 'UPPER' }), 'clusterName', 'UPPER', /DNS-1035 label/],
  ['RobustMqCluster clusterName starting with a digit', (s) => new RobustMqCluster(s, 'c', { clusterName: '1mq' }), 'clusterName', '1mq', /must be a DNS-1035 label \(it names Services\): .*starting with a letter/],
  ['RobustMqCluster version', (s) => new RobustMqCluster(s, 'c', { version: '0.4' }), 'version', '0.4', /release version/],
  ['RobustMqCluster image', (s) => new RobustMqCluster(s, 'c', { image: 'a b' }), 'image', 'a b', /container image reference/],
  ['RobustMqCluster roles', (s) => new RobustMqCluster(s, 'c', { roles: [RobustMqRole.BROKER] }), 'roles', '["broker"]', /must include 'meta'/],
  ['RobustMqCluster storage class', (s) => new RobustMqCluster(s, 'c', { storageClassName: 'SSD!' }), 'storageClassName', 'SSD!', /DNS-1123 subdomain/],
  ['RobustMqCluster storage size', (s) => new RobustMqCluster(s, 'c', { storageSize: Size.kibibytes(10) }), 'storageSize', '1Mi', /must be at least 1Mi/],
  ['RobustMqCluster HOSTNAME', (s) => new RobustMqCluster(s, 'c', { env: { HOSTNAME: 'x' } }), 'env.HOSTNAME', 'x', /Kubernetes sets HOSTNAME to the pod name/],
  ['RobustMqCluster request above limit', (s) => new RobustMqCluster(s, 'c', { resources: { cpu: { request: kplus.Cpu.units(3), limit: kplus.Cpu.units(2) } } }),
    'resources.cpu.request', '3', /must not exceed the limit '2': Kubernetes refuses the pod/],
  ['RobustMqCluster memory request above limit', (s) => new RobustMqCluster(s, 'c', { resources: { memory: { request: Size.gibibytes(4), limit: Size.gibibytes(2) } } }),
    'resources.memory.request', '4096Mi', /must not exceed the limit '2048Mi'/],
  ['RobustMqCluster infinite memory', (s) => new RobustMqCluster(s, 'c', { resources: { memory: { limit: Size.gibibytes(Infinity) } } }),
    'resources.memory.limit', 'InfinityMi', /must be a finite, positive amount/],
  ['RobustMqCluster infinite storage', (s) => new RobustMqCluster(s, 'c', { storageSize: Size.gibibytes(Infinity) }), 'storageSize', 'Infinity MiB', /must be a finite size/],
  ['RobustMqCluster minReady beyond int32', (s) => new RobustMqCluster(s, 'c', { minReady: Duration.days(30000) }), 'minReady', '2592000000s',
    /whole number of seconds from 0 to 2147483647 \(minReadySeconds is an int32\)/],
  ['RobustMqCluster pull policy', (s) => new RobustMqCluster(s, 'c', { imagePullPolicy: 'Sometimes' as kplus.ImagePullPolicy }), 'imagePullPolicy', 'Sometimes',
    /must be one of 'Always', 'Never', 'IfNotPresent'|must be one of/],
  ['RobustMqCluster image without tag', (s) => new RobustMqCluster(s, 'c', { image: 'ghcr.io/robustmq/robustmq' }), 'image', 'ghcr.io/robustmq/robustmq',
    /must carry a tag or a digest: without one the pods run whatever 'latest' is, while their labels say version '0.4.11'/],
  ['RobustMqCluster log level', (s) => new RobustMqCluster(s, 'c', { logLevel: 'loud' as RobustMqLogLevel }), 'logLevel', 'loud', /must be one of/],
  ['WorkloadIdentity label subscript not a label key', (s) => new WorkloadIdentity({ serviceName: 'a', clusterName: 'b', version: '1', fieldRefs: { TEAM: "metadata.labels['bad key!']" } })
    .applyTo(new kplus.Deployment(s, 'd', { containers: [{ image: 'nginx:1' }] })), 'fieldRefs.TEAM', "metadata.labels['bad key!']",
  /subscripts the key 'bad key!', which must be a label key/],
  ['WorkloadIdentity node labels', (s) => new WorkloadIdentity({ serviceName: 'a', clusterName: 'b', version: '1', fieldRefs: { ZONE: "node.labels['zone']" } })
    .applyTo(new kplus.Deployment(s, 'd', { containers: [{ image: 'nginx:1' }] })), 'fieldRefs.ZONE', "node.labels['zone']", /downward API cannot expose/],
  ['WorkloadIdentity conflict', (s) => {
    const d = new kplus.Deployment(s, 'd', { containers: [{ image: 'nginx:1', envVariables: { APP_VERSION: kplus.EnvValue.fromValue('2') } }] });
    new WorkloadIdentity({ serviceName: 'a', clusterName: 'b', version: '1' }).applyTo(d);
  }, 'env APP_VERSION', '2', /conflicts with the identity's value '1'/],
  ['RobustMqServiceMonitor timeout', (s) => new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromCluster(cluster(s)), scrapeTimeout: '1m' }),
    'scrapeTimeout', '1m', /must not exceed interval '30s'/],
  ['RobustMqServiceMonitor interval', (s) => new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromCluster(cluster(s)), interval: '1 minute' }),
    'interval', '1 minute', /Prometheus duration/],
  ['RobustMqServiceMonitor port', (s) => new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromLabels({ namespace: 'x', serviceLabels: { a: 'b' }, portName: 'Admin_Port' }) }),
    'target port name', 'Admin_Port', /must be a port name/],
  ['RobustMqServiceMonitor selector', (s) => {
    const svc = new kplus.Service(s, 'svc', { metadata: { labels: { app: 'mq' } }, ports: [{ port: 58080, name: 'metrics' }] });
    new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics', selectorLabels: { app: 'other' } }) });
  }, 'selector.matchLabels', '{"app":"other"}', /must match labels of Service/],
  ['RobustMqServiceMonitor port on Service', (s) => {
    const svc = new kplus.Service(s, 'svc', { metadata: { labels: { app: 'mq' } }, ports: [{ port: 1883, name: 'mqtt' }] });
    new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromService(svc, { portName: 'metrics' }) });
  }, 'endpoints[0].port', 'metrics', /must name a port of Service/],
  ['RobustMqPodMonitor cluster label', (s) => new RobustMqPodMonitor(s, 'p', { target: PodScrapeTarget.fromCluster(cluster(s)), clusterLabel: '__cluster' }),
    'clusterLabel', '__cluster', /Prometheus label name/],
  ['RobustMqAlerts error rate', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), errorRateThreshold: 2 }), 'errorRateThreshold', '2', /ratio from 0 to 1/],
  ['RobustMqAlerts unknown alert', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), disabledAlerts: ['RobustMQDown'] }), 'disabledAlerts', 'RobustMQDown',
    /is not an alert of this library/],
  ['RobustMqAlerts severity', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), overrides: { RobustMQHighCpu: { severity: 'page' as AlertSeverity } } }),
    'overrides.RobustMQHighCpu.severity', 'page', /must be one of 'critical', 'warning', 'info'/],
  ['RobustMqAlerts ratio', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), overrides: { RobustMQMemoryNearLimit: { threshold: 1.01 } } }),
    'overrides.RobustMQMemoryNearLimit.threshold', '1.01', /ratio from 0 to 1/],
  ['RobustMqAlerts for', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), overrides: { RobustMQNodeDown: { for: '-5m' } } }),
    'overrides.RobustMQNodeDown.for', '-5m', /Prometheus duration/],
  ['RobustMqAlerts latency', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), latencyP99Threshold: '0s' }), 'latencyP99Threshold', '0s', /positive duration/],
  ['GrafanaDashboards folder', (s) => new GrafanaDashboards(s, 'g', { folder: 'a/b' }), 'folder', 'a/b', /folder name/],
  ['GrafanaDashboards folder ..', (s) => new GrafanaDashboards(s, 'g', { folder: '..' }), 'folder', '..', /and not '\.' or '\.\.'/],
  ['GrafanaDashboards folder with a newline', (s) => new GrafanaDashboards(s, 'g', { folder: 'Robust\nMQ' }), 'folder', 'Robust\nMQ', /without '\/', '\\' or control characters/],
  ['GrafanaDashboards label', (s) => new GrafanaDashboards(s, 'g', { labelValue: 'yes please' }), 'labelValue', 'yes please', /label value/],
  ['GrafanaDashboards uid', (s) => new GrafanaDashboards(s, 'g', { robustMqDashboards: false, logsDashboard: false, runbooksDashboard: false }).addDashboardJson(JSON.stringify({ uid: 'x', title: 'X' })),
    'uid', 'x', /must be 8 to 40 letters/],
  ['GrafanaDatasources URL', (s) => new GrafanaDatasources(s, 'd', { prometheusUrl: 'prometheus:9090' }), 'prometheusUrl', 'prometheus:9090', /http\(s\) URL/],
  ['GrafanaDatasources URL port', (s) => new GrafanaDatasources(s, 'd', { prometheusUrl: 'http://prometheus:99999' }), 'prometheusUrl', 'http://prometheus:99999',
    /with a port from 1 to 65535, such as 'http:\/\/host.namespace.svc:9090'/],
  ['GrafanaDatasources URL host', (s) => new GrafanaDatasources(s, 'd', { jaegerUrl: 'http://.../' }), 'jaegerUrl', 'http://.../', /whose host is a DNS name or an IP address/],
  ['GrafanaDatasources uid', (s) => new GrafanaDatasources(s, 'd', { prometheusUid: 'has space' }), 'prometheusUid', 'has space', /letters, digits/],
  ['FluentBit Elasticsearch URL', (s) => new FluentBit(s, 'f', { cluster: cluster(s), elasticsearchUrl: 'ftp://x' }), 'elasticsearchUrl', 'ftp://x', /http:\/\/ or https:\/\//],
  ['FluentBit name starting with a digit', (s) => new FluentBit(s, 'f', { cluster: cluster(s), name: '9fb' }), 'name', '9fb',
    /must be a DNS-1035 label \(it names Services\): .*starting with a letter/],
  ['Jaeger name starting with a digit', (s) => new Jaeger(s, 'j', { name: '1jaeger' }), 'name', '1jaeger',
    /must be a DNS-1035 label \(it names Services\): at most 47 characters.*starting with a letter/],
  ['FluentBit config format', (s) => new FluentBit(s, 'f', { cluster: cluster(s), configFormat: 'xml' as FluentBitConfigFormat }), 'configFormat', 'xml', /must be one of/],
  ['FluentBit index', (s) => new FluentBit(s, 'f', { cluster: cluster(s), elasticsearchIndex: 'UPPER' }), 'elasticsearchIndex', 'UPPER', /must be an Elasticsearch index name: lower case/],
  ['FluentBit buffer past Fluent Bit\'s size parser', (s) => new FluentBit(s, 'f', { cluster: cluster(s), memBufLimit: '99999999999GB' }), 'memBufLimit', '99999999999GB',
    /must be below 9223372036GB: Fluent Bit's size parser refuses a larger one/],
  ['FluentBit buffer', (s) => new FluentBit(s, 'f', { cluster: cluster(s), memBufLimit: 'fifty' }), 'memBufLimit', 'fifty', /must be a Fluent Bit size such as '50MB'/],
  ['FluentBit inline password', (s) => new FluentBit(s, 'f', { cluster: cluster(s), elasticsearchUrl: 'https://u:secret1@es:9200' }), 'elasticsearchUrl',
    'https://u:<hidden>@es:9200', /must not carry a password/],
  ['FluentBit retention', (s) => new FluentBit(s, 'f', { cluster: cluster(s), elasticsearchDailyIndices: true, logRetentionDays: -1 }), 'logRetentionDays', '-1',
    /must be a whole number of days, at least 1/],
  ['FluentBit retention without daily indices', (s) => new FluentBit(s, 'f', { cluster: cluster(s), logRetentionDays: 30 }), 'logRetentionDays', '30',
    /needs elasticsearchDailyIndices/],
  ['FluentBit template priority', (s) => new FluentBit(s, 'f', { cluster: cluster(s), indexTemplatePriority: 150 }), 'indexTemplatePriority', '150', /from 201/],
  ['FluentBit daily index too long', (s) => new FluentBit(s, 'f', { cluster: cluster(s), elasticsearchDailyIndices: true, elasticsearchIndex: 'x'.repeat(250) }),
    'elasticsearchIndex', 'x'.repeat(250), /must be at most 244 bytes/],
  ['Jaeger badger span TTL past Go\'s range', (s) => new Jaeger(s, 'j', { storage: JaegerStorage.BADGER, badger: { spanTtl: '300y' } }), 'badger.spanTtl', '300y',
    /must be at most 292y24w3d23h47m16s854ms/],
  ['PodMonitor clusterLabel overwriting namespace', (s) => new RobustMqPodMonitor(s, 'pm', { target: PodScrapeTarget.fromCluster(cluster(s)), clusterLabel: 'namespace' }),
    'clusterLabel', 'namespace', /must not be one of the labels the monitor or Prometheus already sets \(pod, namespace, node, service, job, instance, container, endpoint\)/],
  ['ServiceMonitor interval past Prometheus\'s range', (s) => new RobustMqServiceMonitor(s, 'm', { target: ServiceScrapeTarget.fromCluster(cluster(s)), interval: '300y' }),
    'interval', '300y', /must be at most 292y24w3d23h47m16s854ms/],
  ['Jaeger storage', (s) => new Jaeger(s, 'j', { storage: 'cassandra' as JaegerStorage }), 'storage', 'cassandra', /must be one of 'memory', 'badger', 'elasticsearch'/],
  ['Jaeger v1 image', (s) => new Jaeger(s, 'j', { image: 'jaegertracing/all-in-one:1.50' }), 'image', 'jaegertracing/all-in-one:1.50', /end of life/],
  ['Jaeger max traces', (s) => new Jaeger(s, 'j', { maxTraces: 0 }), 'maxTraces', '0', /must be a whole number from 1/],
  ['Jaeger port collision', (s) => new Jaeger(s, 'j', { ports: { otlpHttp: 4317 } }), 'ports.otlpHttp', '4317', /must differ from otlpGrpc's port 4317/],
  ['RobustMqObservability namespace', (s) => new RobustMqObservability(s, 'o', { monitoringNamespace: 'Monitoring' }), 'monitoringNamespace', 'Monitoring',
    /DNS-1123 label/],
  // A user label the library also sets was silently replaced by ours; now refused.
  ['RobustMqCluster label the cluster sets', (s) => new RobustMqCluster(s, 'c', { labels: { 'team': 'mq', 'app.kubernetes.io/name': 'broker' } }),
    'labels key', 'app.kubernetes.io/name', /is a label this library sets \(to 'robustmq'\) to select and identify its objects: choose another key/],
  ['RobustMqCluster label of the metrics Service', (s) => new RobustMqCluster(s, 'c', { labels: { 'app.kubernetes.io/component': 'db' } }),
    'labels key', 'app.kubernetes.io/component', /is a label this library sets/],
  ['Jaeger label Jaeger sets', (s) => new Jaeger(s, 'j', { labels: { 'app.kubernetes.io/instance': 'mine' } }),
    'labels key', 'app.kubernetes.io/instance', /is a label this library sets \(to 'jaeger'\)/],
  // The string 'false' is truthy: it turned the alert off, and would turn a part on.
  ['RobustMqAlerts disabled as a string', (s) => new RobustMqAlerts(s, 'a', { monitor: monitor(s), overrides: { RobustMQHighCpu: { disabled: 'false' as unknown as boolean } } }),
    'overrides.RobustMQHighCpu.disabled', 'false', /must be true or false, not a string/],
  ['RobustMqObservability tracing.enabled as a string', (s) => new RobustMqObservability(s, 'o', { tracing: { enabled: 'false' as unknown as boolean } }),
    'tracing.enabled', 'false', /must be true or false, not a string/],
  ['RobustMqObservability probe.enabled as a number', (s) => new RobustMqObservability(s, 'o', { probe: { enabled: 0 as unknown as boolean } }),
    'probe.enabled', '0', /must be true or false$/],
  // Options for a Jaeger deployed here were ignored with an existing one.
  ['RobustMqObservability tracing options with existingJaeger', (s) => new RobustMqObservability(s, 'o', {
    tracing: { existingJaeger: new Jaeger(s, 'shared', { namespace: 'tracing' }), storage: JaegerStorage.BADGER, replicas: 2 },
  }), 'tracing.replicas', '2', /must not be set with tracing.existingJaeger: that Jaeger is configured where it is made, so tracing.replicas, tracing.storage would be ignored/],
  ['RobustMqObservability cluster and target', (s) => new RobustMqObservability(s, 'o', {
    cluster: {}, target: ServiceScrapeTarget.fromLabels({ namespace: 'x', serviceLabels: { a: 'b' }, portName: 'm' }),
  }), 'cluster', 'set', /must not be set together with target/],
];

describe('bad construct inputs', () => {
  test.each(CONSTRUCT_CASES)('%s', (_name, make, field, value, allowed) => {
    const outdir = tmpDir('rmq-bad-construct-');
    const app = new App({ outdir });
    const chart = new Chart(app, 'bad', { namespace: 'robustmq' });
    let error: unknown;
    try {
      make(chart);
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/^[A-Za-z]+ '[^']+': /);
    expect(message).toContain(field);
    expect(message).toContain(`'${value}'`);
    expect(message).toMatch(allowed);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('an unknown search engine', () => {
  test.each(['solr', 'OpenSearch', ''])('the connection refuses %j, naming the field and the allowed set', (engine) => {
    const e = refuse(() => ElasticsearchConnection.fromUrl('http://es:9200', { engine: engine as SearchEngine }),
      /^ElasticsearchConnection: engine '.*' must be one of 'elasticsearch', 'opensearch'$/);
    expect(e.field).toBe('engine');
    expect(e.value).toBe(engine);
  });
});

test('the suite has at least 40 bad inputs', () => {
  expect(CLI_CASES.length + CONSTRUCT_CASES.length).toBeGreaterThanOrEqual(40);
});

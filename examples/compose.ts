// The README's "Compose the pieces yourself" example, word for word but for the import path (the
// README imports 'cdk8s-robustmq-observability'). examples/python, examples/java and examples/go hold
// the same app in those languages; test/languages checks that all four write the same YAML.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertSeverity, PodSpreadPolicy, RobustMqAlerts, RobustMqCluster, RobustMqServiceMonitor, ServiceScrapeTarget,
  WorkloadIdentity,
} from '../src';

const app = new App();
const chart = new Chart(app, 'messaging', { namespace: 'messaging' });

// A five-node RobustMQ cluster whose pods must land on different nodes.
const cluster = new RobustMqCluster(chart, 'robustmq', {
  clusterName: 'prod-mq',
  replicas: 5,
  storageSize: Size.gibibytes(50),
  storageClassName: 'fast-ssd',
  spreadPolicy: PodSpreadPolicy.REQUIRED,
});

// Everything it made is reachable for customization.
cluster.container.env.addVariable('EXTRA', kplus.EnvValue.fromValue('1'));
console.log(cluster.service.name, cluster.metricsPortName, cluster.selectorLabels);

// Scrape it with the Prometheus of kube-prometheus-stack release "monitoring".
const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
const monitor = new RobustMqServiceMonitor(monitoring, 'robustmq-metrics', {
  target: ServiceScrapeTarget.fromCluster(cluster),
  discoveryLabels: { release: 'monitoring' },
  interval: '15s',
  scrapeTimeout: '10s',
});

// Alerts, tuned: the PrometheusRule carries the monitor's discovery labels.
new RobustMqAlerts(monitoring, 'robustmq-alerts', {
  monitor,
  cluster,
  latencyP99Threshold: '500ms',
  overrides: { RobustMQHighCpu: { threshold: 0.8, severity: AlertSeverity.CRITICAL } },
  disabledAlerts: ['RobustMQMessagesDropped'],
  extraLabels: { team: 'messaging' },
  grafanaUrl: 'https://grafana.example.com',
});

// Give one of your own workloads the same Kubernetes-aware identity.
const api = new kplus.Deployment(chart, 'api', {
  containers: [{ image: 'example.com/orders-api:1.4.2', portNumber: 8080 }],
});
new WorkloadIdentity({ serviceName: 'orders-api', clusterName: 'prod', version: '1.4.2' }).applyTo(api);

app.synth();

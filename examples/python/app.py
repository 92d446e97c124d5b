# The README's "Compose the pieces yourself" example in Python; it writes the same YAML as
# examples/compose.ts (test/languages checks that).

from cdk8s import App, Chart, Size
import cdk8s_plus_28 as kplus
from cdk8s_robustmq_observability import (
    AlertOverride, AlertSeverity, PodSpreadPolicy, RobustMqAlerts, RobustMqCluster, RobustMqServiceMonitor,
    ServiceScrapeTarget, WorkloadIdentity,
)

app = App()
chart = Chart(app, "messaging", namespace="messaging")

# A five-node RobustMQ cluster whose pods must land on different nodes.
cluster = RobustMqCluster(chart, "robustmq",
    cluster_name="prod-mq",
    replicas=5,
    storage_size=Size.gibibytes(50),
    storage_class_name="fast-ssd",
    spread_policy=PodSpreadPolicy.REQUIRED,
)

# Everything it made is reachable for customization.
cluster.container.env.add_variable("EXTRA", kplus.EnvValue.from_value("1"))
print(cluster.service.name, cluster.metrics_port_name, cluster.selector_labels)

# Scrape it with the Prometheus of kube-prometheus-stack release "monitoring".
monitoring = Chart(app, "monitoring", namespace="monitoring")
monitor = RobustMqServiceMonitor(monitoring, "robustmq-metrics",
    target=ServiceScrapeTarget.from_cluster(cluster),
    discovery_labels={"release": "monitoring"},
    interval="15s",
    scrape_timeout="10s",
)

# Alerts, tuned: the PrometheusRule carries the monitor's discovery labels.
RobustMqAlerts(monitoring, "robustmq-alerts",
    monitor=monitor,
    cluster=cluster,
    latency_p99_threshold="500ms",
    overrides={"RobustMQHighCpu": AlertOverride(threshold=0.8, severity=AlertSeverity.CRITICAL)},
    disabled_alerts=["RobustMQMessagesDropped"],
    extra_labels={"team": "messaging"},
    grafana_url="https://grafana.example.com",
)

# Give one of your own workloads the same Kubernetes-aware identity.
api = kplus.Deployment(chart, "api",
    containers=[kplus.ContainerProps(image="example.com/orders-api:1.4.2", port_number=8080)],
)
WorkloadIdentity(service_name="orders-api", cluster_name="prod", version="1.4.2").apply_to(api)

app.synth()

// The README's "Compose the pieces yourself" example in Java; it writes the same YAML as
// examples/compose.ts (test/languages checks that).
package com.example.robustmq;

import io.github.example.cdk8s.robustmq.observability.AlertOverride;
import io.github.example.cdk8s.robustmq.observability.AlertSeverity;
import io.github.example.cdk8s.robustmq.observability.PodSpreadPolicy;
import io.github.example.cdk8s.robustmq.observability.RobustMqAlerts;
import io.github.example.cdk8s.robustmq.observability.RobustMqCluster;
import io.github.example.cdk8s.robustmq.observability.RobustMqServiceMonitor;
import io.github.example.cdk8s.robustmq.observability.ServiceScrapeTarget;
import io.github.example.cdk8s.robustmq.observability.WorkloadIdentity;
import io.github.example.cdk8s.robustmq.observability.WorkloadIdentityProps;
import java.util.List;
import java.util.Map;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.Size;
import org.cdk8s.plus28.ContainerProps;
import org.cdk8s.plus28.Deployment;
import org.cdk8s.plus28.EnvValue;

public final class Main {
  public static void main(final String[] args) {
    App app = new App();
    Chart chart = new Chart(app, "messaging", ChartProps.builder().namespace("messaging").build());

    // A five-node RobustMQ cluster whose pods must land on different nodes.
    RobustMqCluster cluster = RobustMqCluster.Builder.create(chart, "robustmq")
        .clusterName("prod-mq")
        .replicas(5)
        .storageSize(Size.gibibytes(50))
        .storageClassName("fast-ssd")
        .spreadPolicy(PodSpreadPolicy.REQUIRED)
        .build();

    // Everything it made is reachable for customization.
    cluster.getContainer().getEnv().addVariable("EXTRA", EnvValue.fromValue("1"));
    System.out.println(cluster.getService().getName() + " " + cluster.getMetricsPortName() + " " + cluster.getSelectorLabels());

    // Scrape it with the Prometheus of kube-prometheus-stack release "monitoring".
    Chart monitoring = new Chart(app, "monitoring", ChartProps.builder().namespace("monitoring").build());
    RobustMqServiceMonitor monitor = RobustMqServiceMonitor.Builder.create(monitoring, "robustmq-metrics")
        .target(ServiceScrapeTarget.fromCluster(cluster))
        .discoveryLabels(Map.of("release", "monitoring"))
        .interval("15s")
        .scrapeTimeout("10s")
        .build();

    // Alerts, tuned: the PrometheusRule carries the monitor's discovery labels.
    RobustMqAlerts.Builder.create(monitoring, "robustmq-alerts")
        .monitor(monitor)
        .cluster(cluster)
        .latencyP99Threshold("500ms")
        .overrides(Map.of("RobustMQHighCpu", AlertOverride.builder().threshold(0.8).severity(AlertSeverity.CRITICAL).build()))
        .disabledAlerts(List.of("RobustMQMessagesDropped"))
        .extraLabels(Map.of("team", "messaging"))
        .grafanaUrl("https://grafana.example.com")
        .build();

    // Give one of your own workloads the same Kubernetes-aware identity.
    Deployment api = Deployment.Builder.create(chart, "api")
        .containers(List.of(ContainerProps.builder().image("example.com/orders-api:1.4.2").portNumber(8080).build()))
        .build();
    new WorkloadIdentity(WorkloadIdentityProps.builder().serviceName("orders-api").clusterName("prod").version("1.4.2").build())
        .applyTo(api);

    app.synth();
  }
}

// The README's "Compose the pieces yourself" example in Go; it writes the same YAML as
// examples/compose.ts (test/languages checks that).
package main

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2"
	rmq "github.com/example/cdk8s-robustmq-observability-go/cdk8srobustmqobservability"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("messaging"), &cdk8s.ChartProps{Namespace: jsii.String("messaging")})

	// A five-node RobustMQ cluster whose pods must land on different nodes.
	cluster := rmq.NewRobustMqCluster(chart, jsii.String("robustmq"), &rmq.RobustMqClusterProps{
		ClusterName:      jsii.String("prod-mq"),
		Replicas:         jsii.Number(5),
		StorageSize:      cdk8s.Size_Gibibytes(jsii.Number(50)),
		StorageClassName: jsii.String("fast-ssd"),
		SpreadPolicy:     rmq.PodSpreadPolicy_REQUIRED,
	})

	// Everything it made is reachable for customization.
	cluster.Container().Env().AddVariable(jsii.String("EXTRA"), cdk8splus28.EnvValue_FromValue(jsii.String("1")))
	labels := map[string]string{}
	for k, v := range *cluster.SelectorLabels() {
		labels[k] = *v
	}
	fmt.Println(*cluster.Service().Name(), *cluster.MetricsPortName(), labels)

	// Scrape it with the Prometheus of kube-prometheus-stack release "monitoring".
	monitoring := cdk8s.NewChart(app, jsii.String("monitoring"), &cdk8s.ChartProps{Namespace: jsii.String("monitoring")})
	monitor := rmq.NewRobustMqServiceMonitor(monitoring, jsii.String("robustmq-metrics"), &rmq.RobustMqServiceMonitorProps{
		Target:          rmq.ServiceScrapeTarget_FromCluster(cluster),
		DiscoveryLabels: &map[string]*string{"release": jsii.String("monitoring")},
		Interval:        jsii.String("15s"),
		ScrapeTimeout:   jsii.String("10s"),
	})

	// Alerts, tuned: the PrometheusRule carries the monitor's discovery labels.
	rmq.NewRobustMqAlerts(monitoring, jsii.String("robustmq-alerts"), &rmq.RobustMqAlertsProps{
		Monitor:             monitor,
		Cluster:             cluster,
		LatencyP99Threshold: jsii.String("500ms"),
		Overrides: &map[string]*rmq.AlertOverride{
			"RobustMQHighCpu": {Threshold: jsii.Number(0.8), Severity: rmq.AlertSeverity_CRITICAL},
		},
		DisabledAlerts: jsii.Strings("RobustMQMessagesDropped"),
		ExtraLabels:    &map[string]*string{"team": jsii.String("messaging")},
		GrafanaUrl:     jsii.String("https://grafana.example.com"),
	})

	// Give one of your own workloads the same Kubernetes-aware identity.
	api := cdk8splus28.NewDeployment(chart, jsii.String("api"), &cdk8splus28.DeploymentProps{
		Containers: &[]*cdk8splus28.ContainerProps{{Image: jsii.String("example.com/orders-api:1.4.2"), PortNumber: jsii.Number(8080)}},
	})
	rmq.NewWorkloadIdentity(&rmq.WorkloadIdentityProps{
		ServiceName: jsii.String("orders-api"), ClusterName: jsii.String("prod"), Version: jsii.String("1.4.2"),
	}).ApplyTo(api, nil)

	app.Synth()
}

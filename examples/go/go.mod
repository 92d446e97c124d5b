module example.com/robustmq-compose

go 1.25

require (
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 v2.70.0
	github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 v2.5.6
	github.com/example/cdk8s-robustmq-observability-go/cdk8srobustmqobservability v0.0.0
)

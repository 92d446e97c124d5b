import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RobustMqCluster } from '../../src/robustmq/cluster';
import { Jaeger } from '../../src/tracing/jaeger';
import { OtlpExport, OtlpProtocol } from '../../src/tracing/otel';
import { ValidationError } from '../../src/validation/errors';
import { validateAll } from '../support/schema';
import { one } from '../support/synth';

process.env.ROBUSTMQ_OBSERVABILITY_QUIET = '1';

function stack(jaegerProps: ConstructorParameters<typeof Jaeger>[2] = {}) {
  const app = Testing.app();
  const robustmq = new Chart(app, 'robustmq', { namespace: 'robustmq' });
  const cluster = new RobustMqCluster(robustmq, 'cluster');
  const tracing = new Chart(app, 'tracing', { namespace: 'monitoring' });
  const jaeger = new Jaeger(tracing, 'jaeger', jaegerProps);
  return { app, robustmq, cluster, tracing, jaeger };
}

function envOf(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('a RobustMqCluster wired to Jaeger', () => {
  test('its broker container points OTLP at the Jaeger Service\'s DNS name and OTLP gRPC port', () => {
    const { app, cluster, jaeger } = stack();
    OtlpExport.toJaeger(jaeger).applyToCluster(cluster);
    const objs = app.charts.flatMap((c) => c.toJson());
    expect(() => validateAll(objs)).not.toThrow();
    const env = envOf(one(objs, 'StatefulSet').spec.template.spec.containers[0]);
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger.monitoring.svc.cluster.local:4317');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(jaeger.endpoint.otlpGrpcUrl);
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('grpc');
    expect(env.OTEL_PROPAGATORS).toBe('tracecontext,baggage');
    // The identity's variables are still there, unchanged.
    expect(env.OTEL_SERVICE_NAME).toBe('robustmq');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('service.name=robustmq');
  });

  test('applying the same export twice is harmless', () => {
    const { cluster, jaeger } = stack();
    OtlpExport.toJaeger(jaeger).applyToCluster(cluster);
    expect(() => OtlpExport.toJaeger(jaeger).applyToCluster(cluster)).not.toThrow();
  });

  test('a container that already sets one of the variables to another value is refused', () => {
    const { cluster, jaeger } = stack();
    cluster.container.env.addVariable('OTEL_EXPORTER_OTLP_ENDPOINT', kplus.EnvValue.fromValue('http://collector:4317'));
    const e = refusal(() => OtlpExport.toJaeger(jaeger).applyToCluster(cluster));
    expect(e.message).toBe("OtlpExport 'robustmq/cluster/StatefulSet': container 'broker-server' env OTEL_EXPORTER_OTLP_ENDPOINT 'http://collector:4317' "
      + "conflicts with 'http://jaeger.monitoring.svc.cluster.local:4317': remove the container's own OTEL_EXPORTER_OTLP_ENDPOINT or let OtlpExport set it");
  });

  test('the cluster\'s own env prop conflicting on the protocol is refused too', () => {
    const app = Testing.app();
    const cluster = new RobustMqCluster(new Chart(app, 'r', { namespace: 'robustmq' }), 'cluster', { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    const jaeger = new Jaeger(new Chart(app, 't', { namespace: 'monitoring' }), 'jaeger');
    expect(refusal(() => OtlpExport.toJaeger(jaeger).applyToCluster(cluster)).field).toBe("container 'broker-server' env OTEL_EXPORTER_OTLP_PROTOCOL");
  });
});

describe('any cdk8s-plus workload', () => {
  test('all containers by default, or the ones given; HTTP protocol uses port 4318', () => {
    const { tracing, jaeger } = stack();
    const api = new kplus.Deployment(tracing, 'api', {
      containers: [{ name: 'app', image: 'example.com/api:1.0.0', portNumber: 8080 }, { name: 'sidecar', image: 'example.com/sidecar:1.0.0' }],
    });
    OtlpExport.toJaeger(jaeger, { protocol: OtlpProtocol.HTTP_PROTOBUF, propagators: ['tracecontext', 'baggage', 'b3'] }).applyTo(api, [api.containers[0]]);
    const dep = one(tracing.toJson(), 'Deployment', api.name);
    const [app, sidecar] = dep.spec.template.spec.containers;
    expect(envOf(app)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger.monitoring.svc.cluster.local:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_PROPAGATORS: 'tracecontext,baggage,b3',
    });
    expect(envOf(sidecar)).toEqual({});
  });

  test('a receiver that is off cannot be exported to', () => {
    const { jaeger } = stack({ receivers: { otlpGrpc: false } });
    const e = refusal(() => OtlpExport.toJaeger(jaeger));
    expect(e.message).toContain("OtlpExport 'tracing/jaeger': protocol 'grpc' needs Jaeger's OTLP gRPC receiver, which is off");
  });

  test('unknown propagators and bad endpoints are refused', () => {
    const { tracing, jaeger } = stack();
    expect(refusal(() => OtlpExport.toJaeger(jaeger, { propagators: ['w3c'] })).field).toBe('propagators');
    const pod = new kplus.Pod(tracing, 'pod', { containers: [{ image: 'example.com/app:1.0.0' }] });
    const e = refusal(() => OtlpExport.toEndpoint('jaeger:4317').applyTo(pod));
    expect(e.message).toContain("endpoint 'jaeger:4317' must be an http or https URL with a host and a port");
    expect(() => OtlpExport.toEndpoint('http://otel-collector.observability:4317').applyTo(pod)).not.toThrow();
  });
});

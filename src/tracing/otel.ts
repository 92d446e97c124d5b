import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Jaeger } from './jaeger';
import { RobustMqCluster } from '../robustmq/cluster';
import { check, invalid } from '../validation/errors';
import * as tchecks from '../validation/tracing';

const KIND = 'OtlpExport';

/** The OTLP transport an OpenTelemetry SDK uses (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
export enum OtlpProtocol {
  /** OTLP over gRPC, port 4317. */
  GRPC = 'grpc',
  /** OTLP over HTTP with protobuf bodies, port 4318. */
  HTTP_PROTOBUF = 'http/protobuf',
}

/** The environment variables OtlpExport sets. */
export enum OtelExportEnv {
  /** Where the SDK sends traces (and metrics and logs, if it exports them). */
  EXPORTER_OTLP_ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT',
  /** `grpc` or `http/protobuf`. */
  EXPORTER_OTLP_PROTOCOL = 'OTEL_EXPORTER_OTLP_PROTOCOL',
  /** Context propagation formats, comma-separated. */
  PROPAGATORS = 'OTEL_PROPAGATORS',
}

/** The default propagators: W3C trace context and baggage. */
export const DEFAULT_OTEL_PROPAGATORS: readonly string[] = ['tracecontext', 'baggage'];

/** Options of an OtlpExport. */
export interface OtlpExportOptions {
  /**
   * The OTLP transport.
   *
   * @default OtlpProtocol.GRPC
   */
  readonly protocol?: OtlpProtocol;
  /**
   * Context propagation formats (`OTEL_PROPAGATORS`).
   *
   * @default ['tracecontext', 'baggage']
   */
  readonly propagators?: string[];
}

/**
 * Points OpenTelemetry SDKs at an OTLP endpoint, usually a Jaeger's: sets
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` and `OTEL_PROPAGATORS` on
 * containers. `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` come from WorkloadIdentity.
 *
 * A container that already sets one of these variables to a different value is refused.
 *
 * RobustMQ v0.4.11 emits no spans (its OTLP exporter code is commented out upstream): on a
 * RobustMqCluster the variables are ready for when it does; clients and other services use the
 * same endpoint today.
 */
export class OtlpExport {
  /**
   * Export to a Jaeger's OTLP receiver: its Service's cluster DNS name and the OTLP port of the
   * protocol (4317 for gRPC, 4318 for HTTP).
   */
  public static toJaeger(jaeger: Jaeger, options: OtlpExportOptions = {}): OtlpExport {
    const protocol = options.protocol ?? OtlpProtocol.GRPC;
    check(jaeger, KIND, 'protocol', protocol, tchecks.oneOfProtocol(protocol));
    const url = protocol === OtlpProtocol.GRPC ? jaeger.endpoint.otlpGrpcUrl : jaeger.endpoint.otlpHttpUrl;
    if (url === undefined) {
      invalid(jaeger, KIND, 'protocol', protocol,
        `needs Jaeger's OTLP ${protocol === OtlpProtocol.GRPC ? 'gRPC' : 'HTTP'} receiver, which is off: turn it on in receivers or choose the other protocol`);
    }
    const propagators = options.propagators ?? [...DEFAULT_OTEL_PROPAGATORS];
    check(jaeger, KIND, 'propagators', propagators, tchecks.otelPropagators(propagators));
    return new OtlpExport(url, protocol, [...propagators]);
  }

  /** Export to any OTLP endpoint, e.g. an OpenTelemetry Collector. Checked when applied. */
  public static toEndpoint(endpoint: string, options: OtlpExportOptions = {}): OtlpExport {
    return new OtlpExport(endpoint, options.protocol ?? OtlpProtocol.GRPC, [...(options.propagators ?? DEFAULT_OTEL_PROPAGATORS)]);
  }

  private constructor(
    /** `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    public readonly endpoint: string,
    /** `OTEL_EXPORTER_OTLP_PROTOCOL`. */
    public readonly protocol: OtlpProtocol,
    /** `OTEL_PROPAGATORS`, in order. */
    public readonly propagators: string[],
  ) {}

  /** The variables, in the order they are set. */
  public environment(): { [name: string]: string } {
    return {
      [OtelExportEnv.EXPORTER_OTLP_ENDPOINT]: this.endpoint,
      [OtelExportEnv.EXPORTER_OTLP_PROTOCOL]: this.protocol,
      [OtelExportEnv.PROPAGATORS]: this.propagators.join(','),
    };
  }

  /**
   * Sets the variables on the given containers (all of the workload's containers if none are
   * given). Throws a ValidationError if a container already sets one to a different value.
   */
  public applyTo(workload: kplus.AbstractPod, containers?: kplus.Container[]): void {
    this.validate(workload);
    for (const container of containers ?? workload.containers) {
      const existing = container.env.variables;
      for (const [name, value] of Object.entries(this.environment())) {
        const current = existing[name];
        if (current !== undefined) {
          if (current.value === value && current.valueFrom === undefined) continue;
          invalid(workload, KIND, `container '${container.name}' env ${name}`, describe(current),
            `conflicts with '${value}': remove the container's own ${name} or let OtlpExport set it`);
        }
        container.env.addVariable(name, kplus.EnvValue.fromValue(value));
      }
    }
  }

  /**
   * Sets the variables on a RobustMqCluster's broker container. RobustMQ v0.4.11 does not read
   * them yet (it emits no spans); they are in place for the release that does.
   */
  public applyToCluster(cluster: RobustMqCluster): void {
    this.applyTo(cluster.statefulSet, [cluster.container]);
  }

  private validate(scope: IConstruct): void {
    check(scope, KIND, 'endpoint', this.endpoint, tchecks.otlpEndpoint(this.endpoint));
    check(scope, KIND, 'protocol', this.protocol, tchecks.oneOfProtocol(this.protocol));
    check(scope, KIND, 'propagators', this.propagators, tchecks.otelPropagators(this.propagators));
  }
}

function describe(v: kplus.EnvValue): string {
  if (v.value !== undefined) return String(v.value);
  return JSON.stringify(v.valueFrom);
}

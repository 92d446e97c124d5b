// A test client of the real Jaeger: sends one span per receiver with OpenTelemetry's own npm
// exporters and prints each export's result as JSON. It runs as a plain Node process, because the
// OTLP HTTP exporter loads `http` with a dynamic import(), which jest's module sandbox refuses.
// Usage: node send-spans.js '[{"protocol":"otlp-grpc","url":"http://127.0.0.1:4317","service":"s"}, ...]'
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter: OtlpGrpcExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPTraceExporter: OtlpHttpExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
const { JaegerExporter } = require('@opentelemetry/exporter-jaeger');

const EXPORTERS = {
  'otlp-grpc': (url) => new OtlpGrpcExporter({ url }),
  'otlp-http': (url) => new OtlpHttpExporter({ url }),
  'zipkin': (url) => new ZipkinExporter({ url }),
  'jaeger-thrift-http': (url) => new JaegerExporter({ endpoint: url }),
};

async function send({ protocol, url, service }) {
  const exporter = EXPORTERS[protocol](url);
  // Export directly, so the result code (0 success, 1 failure) and its error are seen.
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }) });
  const span = provider.getTracer('robustmq-observability-test').startSpan('mqtt publish');
  span.setAttribute('messaging.destination.name', 'sensors/1');
  span.end();
  const result = await new Promise((resolve) => exporter.export([span], resolve));
  await exporter.shutdown();
  return { protocol, code: result.code, error: result.error ? String(result.error) : undefined };
}

(async () => {
  const results = [];
  for (const target of JSON.parse(process.argv[2])) results.push(await send(target));
  process.stdout.write(JSON.stringify(results));
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(1);
});

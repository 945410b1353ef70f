/** @module OpenTelemetry tracing with the npm SDK (@opentelemetry/*): one tracer for requests, query stages,
 * tools, cache tiers and LLM calls; parent/child through an AsyncLocalStorage context; OTLP/HTTP export. */
import {
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";

export const tracer: Tracer = trace.getTracer("chemagent", "0.1.0");

let spansOn = false;
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Turns span creation on: setupTracing does it; call it when another provider is active (OTEL_DENO=true). */
export function enableSpans(): void {
  spansOn = true;
}

/** Runs `fn` inside a span (child of the active one); records errors; ends the span. Without tracing it just
 * runs `fn`: even the API's no-op tracer allocates contexts, a cost every request would otherwise pay. */
export async function withSpan<T>(
  name: string,
  attrs: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  if (!spansOn) return await fn(NOOP_SPAN);
  return await tracer.startActiveSpan(name, { attributes: attrs }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((e as Error)?.message ?? e) });
      throw e;
    } finally {
      span.end();
    }
  });
}

export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces */
  endpoint: string;
  /** Fraction of root traces sampled (children follow their parent). */
  sampleRatio?: number;
  serviceName?: string;
  headers?: Record<string, string>;
}

/** Installs the global provider and context manager; returns a shutdown that flushes pending spans.
 * The SDK is imported only here (it adds ~280 ms to start-up when tracing is off otherwise). */
export async function setupTracing(
  o: TracingOptions,
): Promise<{ shutdown(): Promise<void>; flush(): Promise<void> }> {
  const [{ AsyncLocalStorageContextManager }, { OTLPTraceExporter }, { resourceFromAttributes }, sdk] =
    await Promise
      .all([
        import("@opentelemetry/context-async-hooks"),
        import("@opentelemetry/exporter-trace-otlp-http"),
        import("@opentelemetry/resources"),
        import("@opentelemetry/sdk-trace-base"),
      ]);
  const { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const processor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: o.endpoint, headers: o.headers ?? {} }),
    { scheduledDelayMillis: 500 },
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": o.serviceName ?? "chemagent" }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(o.sampleRatio ?? 1) }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  enableSpans();
  return { shutdown: () => provider.shutdown(), flush: () => provider.forceFlush() };
}

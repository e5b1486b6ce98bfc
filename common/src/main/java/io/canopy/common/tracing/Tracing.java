package io.canopy.common.tracing;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service's tracing: OpenTelemetry's SDK (spans batched to an exporter, W3C trace context
 * propagation, parent-based ratio sampling, resource {@code service.name}) when {@link
 * TracingSettings#enabled()}, else nothing at all. Each service opens its own and closes it last on
 * shutdown, which exports what is left; none is global, so the services of {@code canopy up} each
 * keep their own name in one JVM.
 *
 * <p>Off costs nothing per call: no interceptor is installed, and code that makes spans asks {@link
 * #enabled()} (or gets the invalid span from {@link #start}) before anything is allocated.
 */
public final class Tracing implements AutoCloseable {

  /** The instrumentation scope of every Canopy span. */
  static final String SCOPE = "io.canopy";

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
    this.tracer = sdk == null ? OpenTelemetry.noop().getTracer(SCOPE) : sdk.getTracer(SCOPE);
    this.propagator = W3CTraceContextPropagator.getInstance();
  }

  /** No tracing: what a service gets with {@code tracing.enabled: false}. */
  public static Tracing off() {
    return new Tracing(null);
  }

  /**
   * Tracing as {@code settings} say, finished spans handed to {@code spans}.
   *
   * @param spans where finished spans go; null: batched to OTLP/HTTP at {@code
   *     settings.otlpEndpoint()}. Tests pass OpenTelemetry's in-memory exporter behind a simple
   *     processor; the benchmark a batch processor in front of an exporter that drops them.
   */
  public static Tracing open(TracingSettings settings, SpanProcessor spans) {
    if (!settings.enabled()) {
      return off();
    }
    SpanProcessor processor =
        spans != null
            ? spans
            : BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder()
                        .setEndpoint(settings.otlpEndpoint().toString())
                        .build())
                .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName()))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplingRatio())))
            .addSpanProcessor(processor)
            .build();
    return new Tracing(
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build());
  }

  /** True when spans are made and exported. */
  public boolean enabled() {
    return sdk != null;
  }

  /** The tracer of Canopy's own spans (a no-op one when off). */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Starts an internal span named {@code name}, child of {@code parent}; the invalid span (a
   * constant, whose methods do nothing) when tracing is off.
   */
  public Span start(String name, Context parent) {
    if (sdk == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(name).setParent(parent).startSpan();
  }

  /**
   * The interceptor that gives each call of a gRPC server its server span (outermost of the
   * server's interceptors); none when off.
   */
  public List<ServerInterceptor> serverInterceptors() {
    return sdk == null ? List.of() : List.of(new GrpcServerTracing(tracer, propagator));
  }

  /** The interceptor that gives each call on a channel its client span; none when off. */
  public List<ClientInterceptor> clientInterceptors() {
    return sdk == null ? List.of() : List.of(new GrpcClientTracing(tracer, propagator));
  }

  /** {@code channel} with a client span per call; {@code channel} itself when off. */
  public Channel intercept(Channel channel) {
    return sdk == null ? channel : ClientInterceptors.intercept(channel, clientInterceptors());
  }

  /** The W3C trace context propagator (for carriers other than gRPC metadata: HTTP headers). */
  public TextMapPropagator propagator() {
    return propagator;
  }

  /** Exports the spans still buffered (within a few seconds) and stops. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}

package io.canopy.common.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client span per outgoing gRPC call, child of the trace context current when the call is created
 * ({@link Spans#current()}), its W3C {@code traceparent} sent in the call's metadata. The span ends
 * when the call closes, before the caller's listener hears of it, so a span never waits for what
 * the caller does with the answer. A retried or hedged call is one span per attempt, numbered by
 * the {@link CallAttempt} its caller made current.
 */
final class GrpcClientTracing implements ClientInterceptor {

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  GrpcClientTracing(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Context parent = Spans.current();
    SpanBuilder builder =
        tracer
            .spanBuilder(method.getFullMethodName())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(TraceAttributes.RPC_SYSTEM, "grpc")
            .setAttribute(TraceAttributes.RPC_SERVICE, method.getServiceName())
            .setAttribute(TraceAttributes.RPC_METHOD, method.getBareMethodName());
    CallAttempt attempt = parent.get(CallAttempt.KEY);
    if (attempt != null) {
      builder
          .setAttribute(TraceAttributes.ATTEMPT, attempt.number())
          .setAttribute(TraceAttributes.HEDGE, attempt.hedge());
    }
    Span span = builder.startSpan();
    ClientCall<Q, R> call;
    try {
      call = next.newCall(method, options);
    } catch (RuntimeException | Error e) {
      Spans.status(span, Status.fromThrowable(e).getCode());
      span.end();
      throw e;
    }
    return new TracedCall<>(call, span, parent.with(span), propagator);
  }

  private static final class TracedCall<Q, R>
      extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Span span;
    private final Context traced;
    private final TextMapPropagator propagator;
    private final AtomicBoolean ended = new AtomicBoolean();

    TracedCall(ClientCall<Q, R> delegate, Span span, Context traced, TextMapPropagator propagator) {
      super(delegate);
      this.span = span;
      this.traced = traced;
      this.propagator = propagator;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      propagator.inject(traced, headers, MetadataCarrier.INSTANCE);
      try {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                end(status.getCode());
                super.onClose(status, trailers);
              }
            },
            headers);
      } catch (RuntimeException | Error e) {
        end(Status.fromThrowable(e).getCode());
        throw e;
      }
    }

    private void end(Status.Code code) {
      if (ended.compareAndSet(false, true)) {
        Spans.status(span, code);
        span.end();
      }
    }
  }
}

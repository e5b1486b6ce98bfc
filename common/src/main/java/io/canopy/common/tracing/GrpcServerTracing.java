package io.canopy.common.tracing;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server span per gRPC call, child of the caller's W3C {@code traceparent} (a new trace when it
 * sent none). The span is current (OpenTelemetry's context, and the call's {@code io.grpc.Context}
 * for hand-offs that carry only that, see {@link Spans#current()}) in every callback of the call,
 * on whichever thread it runs, and ends when the call closes with its status, not when the handler
 * returns: the gateway answers from a callback of its upstream call, long after the handler
 * returned. Outermost of a server's interceptors, so it sees the status the error mapping chose.
 */
final class GrpcServerTracing implements ServerInterceptor {

  /** The traced call's context, for code that runs where only gRPC's context was carried. */
  static final io.grpc.Context.Key<Context> CONTEXT = io.grpc.Context.key("canopy-trace");

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  GrpcServerTracing(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    // Extracted onto the root: event loops are shared with client channels, and nothing current
    // on this thread belongs to this call.
    Context parent = propagator.extract(Context.root(), headers, MetadataCarrier.INSTANCE);
    Span span =
        tracer
            .spanBuilder(method.getFullMethodName())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(TraceAttributes.RPC_SYSTEM, "grpc")
            .setAttribute(TraceAttributes.RPC_SERVICE, method.getServiceName())
            .setAttribute(TraceAttributes.RPC_METHOD, method.getBareMethodName())
            .startSpan();
    Context traced = parent.with(span);
    io.grpc.Context callContext = io.grpc.Context.current().withValue(CONTEXT, traced);
    TracedCall<Q, R> tracedCall = new TracedCall<>(call, span);
    io.grpc.Context previous = callContext.attach();
    try (Scope ignored = traced.makeCurrent()) {
      return new TracedListener<>(
          next.startCall(tracedCall, headers), callContext, traced, tracedCall);
    } catch (RuntimeException | Error e) {
      tracedCall.end(Status.fromThrowable(e).getCode());
      throw e;
    } finally {
      callContext.detach(previous);
    }
  }

  /** Ends the span when the call closes (or is cancelled), with the status code it closed with. */
  private static final class TracedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Span span;
    private final AtomicBoolean ended = new AtomicBoolean();

    TracedCall(ServerCall<Q, R> delegate, Span span) {
      super(delegate);
      this.span = span;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      try {
        super.close(status, trailers);
      } finally {
        end(status.getCode());
      }
    }

    void end(Status.Code code) {
      if (ended.compareAndSet(false, true)) {
        Spans.status(span, code);
        span.end();
      }
    }
  }

  /** Runs each callback with the call's trace context current, in both context systems. */
  private static final class TracedListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final io.grpc.Context callContext;
    private final Context traced;
    private final TracedCall<Q, ?> call;

    TracedListener(
        ServerCall.Listener<Q> delegate,
        io.grpc.Context callContext,
        Context traced,
        TracedCall<Q, ?> call) {
      super(delegate);
      this.callContext = callContext;
      this.traced = traced;
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      io.grpc.Context previous = callContext.attach();
      try (Scope ignored = traced.makeCurrent()) {
        super.onMessage(message);
      } finally {
        callContext.detach(previous);
      }
    }

    @Override
    public void onHalfClose() {
      io.grpc.Context previous = callContext.attach();
      try (Scope ignored = traced.makeCurrent()) {
        super.onHalfClose();
      } finally {
        callContext.detach(previous);
      }
    }

    @Override
    public void onCancel() {
      io.grpc.Context previous = callContext.attach();
      try (Scope ignored = traced.makeCurrent()) {
        super.onCancel();
      } finally {
        callContext.detach(previous);
        call.end(Status.Code.CANCELLED); // the caller left before an answer: no close follows
      }
    }

    @Override
    public void onComplete() {
      io.grpc.Context previous = callContext.attach();
      try (Scope ignored = traced.makeCurrent()) {
        super.onComplete();
      } finally {
        callContext.detach(previous);
      }
    }

    @Override
    public void onReady() {
      io.grpc.Context previous = callContext.attach();
      try (Scope ignored = traced.makeCurrent()) {
        super.onReady();
      } finally {
        callContext.detach(previous);
      }
    }
  }
}

package io.canopy.common.tracing;

import io.canopy.common.error.ErrorMapping;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Where the current trace context is, and how a span records the outcome of the work it covers.
 *
 * <p>The current context is OpenTelemetry's (thread-local, made current around each callback of a
 * traced gRPC call and each traced HTTP request), else the one the traced gRPC call stored in its
 * {@code io.grpc.Context}: serving hands calls to its work pool with {@code Context.wrap}, which
 * carries gRPC's context but not OpenTelemetry's.
 */
public final class Spans {

  private Spans() {}

  /** The trace context of the work at hand; the root context when nothing is traced. */
  public static Context current() {
    Context otel = Context.current();
    if (otel != Context.root()) {
      return otel;
    }
    Context call = GrpcServerTracing.CONTEXT.get();
    return call != null ? call : otel;
  }

  /**
   * Marks {@code span} failed with the gRPC code of {@code failure} (when not null) and ends it.
   */
  public static void end(Span span, Throwable failure) {
    if (failure != null && span.isRecording()) {
      fail(span, code(failure));
    }
    span.end();
  }

  /** Marks {@code span} with the status code of a finished call; ERROR unless it is OK. */
  static void status(Span span, Status.Code code) {
    span.setAttribute(TraceAttributes.RPC_GRPC_STATUS_CODE, code.value());
    if (code != Status.Code.OK) {
      span.setStatus(StatusCode.ERROR, code.name());
    }
  }

  /** ERROR with the gRPC code's name, the code as {@code rpc.grpc.status_code}. */
  private static void fail(Span span, Status.Code code) {
    status(span, code == Status.Code.OK ? Status.Code.UNKNOWN : code);
  }

  /** The gRPC code a failure is answered with (a domain error's mapped code; INTERNAL if none). */
  public static Status.Code code(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return ErrorMapping.toStatusException(t).getStatus().getCode();
  }
}

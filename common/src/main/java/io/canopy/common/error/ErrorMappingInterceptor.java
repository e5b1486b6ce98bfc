package io.canopy.common.error;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Last-resort error handling for every gRPC server: a domain exception thrown by a handler, or
 * passed to {@code responseObserver.onError}, becomes its mapped status; anything else becomes
 * INTERNAL with a generic message (the details go to the log, never to the client).
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(ErrorMappingInterceptor.class.getName());

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MappingCall<Q, R> mapping = new MappingCall<>(call);
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(mapping, headers);
    } catch (RuntimeException e) {
      mapping.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new GuardedListener<>(delegate, mapping);
  }

  /** Rewrites statuses whose cause is an unmapped throwable (what {@code onError(t)} yields). */
  private static final class MappingCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private volatile boolean closed;

    MappingCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      closed = true;
      Throwable cause = status.getCause();
      if (!status.isOk() && cause != null && status.getCode() == Status.Code.UNKNOWN) {
        StatusRuntimeException mapped = mapAndLog(cause, getMethodDescriptor().getFullMethodName());
        Metadata merged = mapped.getTrailers() != null ? mapped.getTrailers() : new Metadata();
        merged.merge(trailers);
        super.close(mapped.getStatus(), merged);
        return;
      }
      super.close(status, trailers);
    }

    void fail(Throwable t) {
      if (closed) {
        return;
      }
      StatusRuntimeException mapped = mapAndLog(t, getMethodDescriptor().getFullMethodName());
      Metadata trailers = mapped.getTrailers() != null ? mapped.getTrailers() : new Metadata();
      try {
        super.close(mapped.getStatus(), trailers);
      } catch (IllegalStateException alreadyClosed) {
        // The handler closed the call itself just before throwing; nothing left to report.
      } finally {
        closed = true;
      }
    }
  }

  static StatusRuntimeException mapAndLog(Throwable t, String method) {
    if (!ErrorMapping.isExpected(t)) {
      LOG.log(Level.WARNING, "unexpected failure in " + method, t);
    }
    return ErrorMapping.toStatusException(t);
  }

  /**
   * Catches what a handler throws synchronously from any callback. An Error (OutOfMemoryError,
   * StackOverflowError, a linkage error) still answers the call, INTERNAL, so the client never
   * waits out its deadline; other VM errors are rethrown after that.
   */
  private static final class GuardedListener<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final MappingCall<Q, R> call;

    GuardedListener(ServerCall.Listener<Q> delegate, MappingCall<Q, R> call) {
      super(delegate);
      this.call = call;
    }

    private void failAndRethrowIfFatal(Error e) {
      call.fail(e);
      if (e instanceof VirtualMachineError
          && !(e instanceof OutOfMemoryError || e instanceof StackOverflowError)) {
        throw e;
      }
    }

    @Override
    public void onMessage(Q message) {
      try {
        super.onMessage(message);
      } catch (RuntimeException e) {
        call.fail(e);
      } catch (Error e) {
        failAndRethrowIfFatal(e);
      }
    }

    @Override
    public void onHalfClose() {
      try {
        super.onHalfClose();
      } catch (RuntimeException e) {
        call.fail(e);
      } catch (Error e) {
        failAndRethrowIfFatal(e);
      }
    }

    @Override
    public void onReady() {
      try {
        super.onReady();
      } catch (RuntimeException e) {
        call.fail(e);
      } catch (Error e) {
        failAndRethrowIfFatal(e);
      }
    }
  }
}

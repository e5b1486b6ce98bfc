package io.canopy.serving.grpc;

import io.canopy.common.error.ErrorMappingInterceptor;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Moves a service's call handling off the transport thread. Serving's gRPC server runs calls on its
 * Netty event loops (no executor hop for the cheap single-row Predict); services whose calls may
 * block or compute for long (feature store I/O, KServe batches) are wrapped with this, so their
 * callbacks run on the work pool instead, in order, inside the call's context.
 */
public final class Offload implements ServerInterceptor {

  private final Executor pool;
  private final Set<String> inline;

  private Offload(Executor pool, Set<String> inline) {
    this.pool = pool;
    this.inline = inline;
  }

  /**
   * {@code service} with every callback on {@code pool}. Domain errors are mapped on the pool
   * thread, where the handler throws them (the server's own error mapping stays outermost).
   */
  public static BindableService onto(Executor pool, BindableService service) {
    return onto(pool, service, Set.of());
  }

  /**
   * As above, but the methods named in {@code inline} (full method names) stay on the transport
   * thread: their handlers decide themselves what is light enough to answer there and hand the rest
   * to the pool (KServe's ModelInfer, as Predict does).
   */
  public static BindableService onto(Executor pool, BindableService service, Set<String> inline) {
    return () ->
        ServerInterceptors.intercept(
            service, new ErrorMappingInterceptor(), new Offload(pool, Set.copyOf(inline)));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (inline.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    // startCall only sets the handler up (unary handlers compute in onHalfClose), so it stays here.
    return new OffloadedListener<>(next.startCall(call, headers), new SerialExecutor(pool));
  }

  private static final class OffloadedListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final Executor serial;

    OffloadedListener(ServerCall.Listener<Q> delegate, Executor serial) {
      super(delegate);
      this.serial = serial;
    }

    private void run(Runnable callback) {
      serial.execute(Context.current().wrap(callback));
    }

    @Override
    public void onMessage(Q message) {
      run(() -> delegate().onMessage(message));
    }

    @Override
    public void onHalfClose() {
      run(() -> delegate().onHalfClose());
    }

    @Override
    public void onCancel() {
      run(() -> delegate().onCancel());
    }

    @Override
    public void onComplete() {
      run(() -> delegate().onComplete());
    }

    @Override
    public void onReady() {
      run(() -> delegate().onReady());
    }
  }
}

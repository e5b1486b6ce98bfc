package io.canopy.registry.watch;

import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Caps the open WatchModels streams, in total and per peer address: a watch is an open read (no
 * token needed) that holds a connection, a stream and its buffers for as long as the client likes.
 * Over a cap the call ends RESOURCE_EXHAUSTED naming the limit; serving and the gateway retry their
 * watch with backoff. A slot is freed when its stream ends, however it ends.
 */
public final class WatchAdmission implements ServerInterceptor {

  /** Which cap refused a watch (a metric label). */
  public enum Refusal {
    TOTAL,
    PER_PEER
  }

  private final String method;
  private final WatchLimits limits;
  private final Consumer<Refusal> refused;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, AtomicInteger> perPeer = new ConcurrentHashMap<>();

  /**
   * @param method the full name of the watch method ("pkg.Service/Method")
   * @param refused told of each refusal (metrics)
   */
  public WatchAdmission(String method, WatchLimits limits, Consumer<Refusal> refused) {
    this.method = method;
    this.limits = limits;
    this.refused = refused;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(method)) {
      return next.startCall(call, headers);
    }
    String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Refusal refusal = admit(peer);
    if (refusal != null) {
      refused.accept(refusal);
      StatusRuntimeException e =
          ErrorMapping.toStatusException(new CanopyException.ResourceExhausted(message(refusal)));
      call.close(e.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            release(peer);
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        release.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        release.run();
        super.onComplete();
      }
    };
  }

  /** Open watch streams now. */
  public int open() {
    return total.get();
  }

  private Refusal admit(String peer) {
    if (total.incrementAndGet() > limits.maxStreams()) {
      total.decrementAndGet();
      return Refusal.TOTAL;
    }
    AtomicInteger count = perPeer.computeIfAbsent(peer, p -> new AtomicInteger());
    if (count.incrementAndGet() > limits.maxStreamsPerPeer()) {
      release(peer);
      return Refusal.PER_PEER;
    }
    return null;
  }

  private void release(String peer) {
    total.decrementAndGet();
    perPeer.computeIfPresent(peer, (p, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  private String message(Refusal refusal) {
    return switch (refusal) {
      case TOTAL ->
          "too many open watch streams (registry.watch.max-streams: "
              + limits.maxStreams()
              + "); retry later";
      case PER_PEER ->
          "too many open watch streams from this address (registry.watch.max-streams-per-peer: "
              + limits.maxStreamsPerPeer()
              + "); close one or retry later";
    };
  }

  private static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }
}

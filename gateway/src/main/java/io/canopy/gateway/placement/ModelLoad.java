package io.canopy.gateway.placement;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight per model, counted by a stream tracer from the moment a call's stream is
 * created to its close: what widens a hot model's set of replicas.
 */
final class ModelLoad {

  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  int inFlight(String model) {
    AtomicInteger n = inFlight.get(model);
    return n == null ? 0 : n.get();
  }

  /** A tracer factory that counts one stream of {@code model}'s while it is open. */
  ClientStreamTracer.Factory tracer(String model) {
    return new ClientStreamTracer.Factory() {
      @Override
      public ClientStreamTracer newClientStreamTracer(
          ClientStreamTracer.StreamInfo info, Metadata headers) {
        AtomicInteger n = inFlight.computeIfAbsent(model, m -> new AtomicInteger());
        n.incrementAndGet();
        return new ClientStreamTracer() {
          @Override
          public void streamClosed(Status status) {
            n.decrementAndGet();
          }
        };
      }
    };
  }
}

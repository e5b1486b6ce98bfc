package io.canopy.gateway;

import io.canopy.common.grpc.GrpcServer;
import io.canopy.gateway.http.HttpFront;
import io.canopy.gateway.upstream.Upstream;
import io.canopy.gateway.routing.RegistryWatch;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running gateway: its gRPC and HTTP fronts and the upstream channels behind them. Closing it
 * stops taking requests, lets those in flight finish, then closes the upstream channels.
 *
 * <p>Threads. The gRPC front and the channel to serving run on grpc-netty's event loops ({@code
 * directExecutor}), one loop group shared by the server and the channels: a gRPC call is routed,
 * admitted, batched and sent upstream on the loop that read it, and serving's answer completes the
 * pipeline's futures and is relayed to the caller on the loop that read the answer. So nothing on
 * that path may block or wait for another thread: the fronts only forward asynchronously, the
 * locks (batch queues, retry budget, hedging race, registry watch) guard a few fields and never
 * wait, the bulkhead never queues, and futures are chained without blocking. Every blocking wait
 * is in the HTTP front, whose handlers run on virtual threads (blocking stubs, {@code
 * future.get}). Retry backoffs, hedges and batch delays fire on the {@code gateway-scheduler}
 * thread; the registry channel (the watch stream, the HTTP front's reads) keeps grpc-java's
 * default executor.
 */
public final class GatewayServer implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Upstream upstream;
  private final RegistryWatch watch;
  private final ScheduledExecutorService scheduler;
  private final GrpcServer grpc;
  private final HttpFront http;
  private final AtomicBoolean ready;
  private final AtomicBoolean closed = new AtomicBoolean();

  GatewayServer(
      Upstream upstream,
      RegistryWatch watch,
      ScheduledExecutorService scheduler,
      GrpcServer grpc,
      HttpFront http,
      AtomicBoolean ready) {
    this.upstream = upstream;
    this.watch = watch;
    this.scheduler = scheduler;
    this.grpc = grpc;
    this.http = http;
    this.ready = ready;
  }

  /** The HTTP port (the real one when configured with port 0). */
  public int httpPort() {
    return http.port();
  }

  /** The gRPC port (the real one when configured with port 0). */
  public int grpcPort() {
    return grpc.port();
  }

  /** Graceful and idempotent: fronts first (in-flight calls finish), then the upstream. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    grpc.setServing(false);
    try {
      http.close();
    } finally {
      try {
        grpc.stop(GRACE);
      } finally {
        watch.close();
        upstream.close();
        scheduler.shutdownNow();
      }
    }
  }
}

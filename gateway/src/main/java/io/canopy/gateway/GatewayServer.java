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

package io.canopy.gateway;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.gateway.grpc.InferenceFront;
import io.canopy.gateway.grpc.KServeFront;
import io.canopy.gateway.http.HttpFront;
import io.canopy.gateway.upstream.Upstream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs the gateway: loads {@code gateway.*} settings, starts both fronts, stops on SIGTERM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    GatewayConfig config = GatewayConfig.create(ConfigLoader.load("gateway.yaml"));
    GatewayServer server = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "gateway-shutdown"));
    System.out.printf(
        "gateway: HTTP on %s:%d, gRPC on %s:%d, serving-service at %s, registry at %s%n",
        config.http().host(),
        server.httpPort(),
        config.grpc().host(),
        server.grpcPort(),
        config.servingTarget(),
        config.registryTarget());
    stopped.await();
  }

  /** The real wiring: upstream channels, the gRPC front, the HTTP front; all started. */
  public static GatewayServer start(GatewayConfig config) {
    Upstream upstream =
        Upstream.connect(
            config.servingTarget(), config.registryTarget(), config.upstreamTimeout());
    AtomicBoolean ready = new AtomicBoolean();
    GrpcServer grpc = null;
    try {
      grpc =
          new GrpcServer(
                  GrpcTransports.server(
                      config.grpc().host(),
                      config.grpc().port(),
                      GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
                  List.of(
                      new InferenceFront(upstream, config.maxRows()),
                      new KServeFront(upstream, config.maxRows())),
                  List.of())
              .start();
      HttpFront http =
          HttpFront.start(
              config.http(), config.maxBodyBytes(), config.maxRows(), upstream, ready::get);
      GatewayServer server = new GatewayServer(upstream, grpc, http, ready);
      ready.set(true);
      grpc.setServing(true);
      return server;
    } catch (RuntimeException e) {
      if (grpc != null) {
        grpc.close();
      }
      upstream.close();
      throw e;
    }
  }
}

package io.canopy.gateway;

import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.log.Logging;
import java.util.concurrent.CountDownLatch;

/** Runs the gateway: loads {@code gateway.*} settings, starts both fronts, stops on SIGTERM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Logging.configure();
    GatewayConfig config = GatewayConfig.create(ConfigLoader.load("gateway.yaml"));
    GatewayServer server = GatewayServer.start(config);
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
    System.out.println(
        SecurityBanner.line(
            "gateway", config.tokens(), "predictions, features and registry reads", config.tls()));
    stopped.await();
  }
}

package io.canopy.gateway;

import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.process.ServiceMain;
import java.util.List;

/** Runs the gateway: loads {@code gateway.*} settings, starts both fronts, stops on SIGTERM. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(
        "gateway", "gateway.yaml", GatewayConfig::create, GatewayServer::start, Main::banner);
  }

  static List<String> banner(GatewayConfig config, GatewayServer server) {
    return List.of(
        String.format(
            "gateway: HTTP on %s:%d, gRPC on %s:%d, serving-service at %s, registry at %s",
            config.http().host(),
            server.httpPort(),
            config.grpc().host(),
            server.grpcPort(),
            config.servingTarget(),
            config.registryTarget()),
        SecurityBanner.line(
            "gateway",
            config.tokens(),
            "predictions, features, registry reads and writes",
            config.tls()));
  }
}

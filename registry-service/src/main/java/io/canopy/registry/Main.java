package io.canopy.registry;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.log.Logging;

/** Runs the registry as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Logging.configure();
    RegistryConfig config = RegistryConfig.create(ConfigLoader.load("registry.yaml"));
    RegistryServer server = RegistryServer.start(config);
    System.out.printf(
        "registry: gRPC on %s:%d, admin on %s://%s:%d/observe/health, data in %s%s%n",
        config.grpc().host(),
        server.grpcPort(),
        config.tls().enabled() ? "https" : "http",
        config.admin().listen().host(),
        server.adminPort(),
        config.dataDir().toAbsolutePath(),
        config.tls().enabled() ? ", TLS on both" : "");
    System.out.println(
        SecurityBanner.line(
            "registry",
            new BearerTokens(config.adminTokens()),
            "mutations (reads stay open)",
            config.tls()));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
    server.awaitTermination();
  }
}

package io.canopy.registry;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.process.ServiceMain;
import java.util.List;

/** Runs the registry as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(
        "registry", "registry.yaml", RegistryConfig::create, RegistryServer::start, Main::banner);
  }

  static List<String> banner(RegistryConfig config, RegistryServer server) {
    return List.of(
        String.format(
            "registry: gRPC on %s:%d, admin on %s://%s:%d/observe/health, data in %s%s",
            config.grpc().host(),
            server.grpcPort(),
            config.tls().enabled() ? "https" : "http",
            config.admin().listen().host(),
            server.adminPort(),
            config.dataDir().toAbsolutePath(),
            config.tls().enabled() ? ", TLS on both" : ""),
        SecurityBanner.line(
            "registry",
            new BearerTokens(config.adminTokens()),
            "mutations (reads stay open)",
            config.tls()));
  }
}

package io.canopy.monitor;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.process.ServiceMain;
import java.util.List;

/** Runs the monitor as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(
        "monitor", "monitor.yaml", MonitorConfig::create, MonitorServer::start, Main::banner);
  }

  static List<String> banner(MonitorConfig config, MonitorServer server) {
    return List.of(
        String.format(
            "monitor: gRPC on %s:%d, admin on %s://%s:%d/observe/health, records in %s",
            config.grpc().host(),
            server.grpcPort(),
            config.tls().enabled() ? "https" : "http",
            config.admin().listen().host(),
            server.adminPort(),
            config.store()),
        SecurityBanner.line(
            "monitor", new BearerTokens(config.tokens()), "quality reads", config.tls()));
  }
}

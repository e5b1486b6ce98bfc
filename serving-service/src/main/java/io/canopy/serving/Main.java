package io.canopy.serving;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.process.ServiceMain;
import io.canopy.serving.features.FeatureSettings;
import java.util.List;

/** Runs serving-service as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(
        "serving", "serving.yaml", ServingConfig::create, ServingServer::start, Main::banner);
  }

  static List<String> banner(ServingConfig config, ServingServer server) {
    return List.of(
        String.format(
            "serving-service: gRPC on %s:%d, admin on %s://%s:%d/observe/health, registry %s%s,"
                + " features in %s, XGBoost nthread %d",
            config.grpc().host(),
            server.grpcPort(),
            config.tls().enabled() ? "https" : "http",
            config.admin().listen().host(),
            server.adminPort(),
            config.registryTarget(),
            config.registryTls().enabled() ? " (TLS)" : "",
            config.features().backend() == FeatureSettings.Backend.REDIS
                ? withoutPassword(config.features().redisUri())
                : config.features().rocksdbPath(),
            config.managerSettings().nthread()),
        SecurityBanner.line(
            "serving-service",
            new BearerTokens(config.tokens()),
            "Predict, KServe and FeatureStore calls",
            config.tls()));
  }

  /** A Redis URI for the banner: a password in it ("redis://:secret@host") never reaches stdout. */
  static String withoutPassword(String uri) {
    return uri.replaceFirst("^(rediss?://)[^@/]*@", "$1<redacted>@");
  }
}

package io.canopy.serving;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.log.Logging;
import io.canopy.serving.features.FeatureSettings;
import java.util.concurrent.CountDownLatch;

/** Runs serving-service as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Logging.configure();
    ServingConfig config = ServingConfig.create(ConfigLoader.load("serving.yaml"));
    ServingServer server = ServingServer.start(config);
    System.out.printf(
        "serving-service: gRPC on %s:%d, admin on %s://%s:%d/observe/health, registry %s%s,"
            + " features in %s%n",
        config.grpc().host(),
        server.grpcPort(),
        config.tls().enabled() ? "https" : "http",
        config.admin().listen().host(),
        server.adminPort(),
        config.registryTarget(),
        config.registryTls().enabled() ? " (TLS)" : "",
        config.features().backend() == FeatureSettings.Backend.REDIS
            ? withoutPassword(config.features().redisUri())
            : config.features().rocksdbPath());
    System.out.println(
        SecurityBanner.line(
            "serving-service",
            new BearerTokens(config.tokens()),
            "Predict, KServe and FeatureStore calls",
            config.tls()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "serving-shutdown"));
    stopped.await();
  }

  /** A Redis URI for the banner: a password in it ("redis://:secret@host") never reaches stdout. */
  static String withoutPassword(String uri) {
    return uri.replaceFirst("^(rediss?://)[^@/]*@", "$1<redacted>@");
  }
}

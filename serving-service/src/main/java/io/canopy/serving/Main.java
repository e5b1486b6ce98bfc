package io.canopy.serving;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.SecurityBanner;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.serving.features.FeatureSettings;
import io.canopy.serving.metrics.HelidonServingMetrics;
import io.helidon.metrics.api.Metrics;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs serving-service as its own process. */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    ServingConfig config = ServingConfig.create(ConfigLoader.load("serving.yaml"));
    ServingServer server = start(config);
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

  /** The real wiring: Netty transports on the configured addresses (port 0 picks free ones). */
  public static ServingServer start(ServingConfig config) {
    return ServingServer.start(
        config,
        GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls()),
        GrpcTransports.channel(
            config.registryTarget(),
            GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
            config.registryTls()),
        Clock.systemUTC(),
        new HelidonServingMetrics(Metrics.globalRegistry()));
  }
}

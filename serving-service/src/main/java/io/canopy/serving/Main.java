package io.canopy.serving;

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
        "serving-service: gRPC on %s:%d, admin on http://%s:%d/observe/health, registry %s,"
            + " features in %s%n",
        config.grpc().host(),
        server.grpcPort(),
        config.admin().host(),
        server.adminPort(),
        config.registryTarget(),
        config.features().backend() == FeatureSettings.Backend.REDIS
            ? config.features().redisUri()
            : config.features().rocksdbPath());
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

  /** The real wiring: Netty transports on the configured addresses (port 0 picks free ones). */
  public static ServingServer start(ServingConfig config) {
    return ServingServer.start(
        config,
        GrpcTransports.server(
            config.grpc().host(),
            config.grpc().port(),
            GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
        GrpcTransports.channel(
            config.registryTarget(), GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
        Clock.systemUTC(),
        new HelidonServingMetrics(Metrics.globalRegistry()));
  }
}

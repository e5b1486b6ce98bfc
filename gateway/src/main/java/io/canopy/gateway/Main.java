package io.canopy.gateway;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.gateway.grpc.FeatureStoreFront;
import io.canopy.gateway.grpc.InferenceFront;
import io.canopy.gateway.grpc.KServeFront;
import io.canopy.gateway.grpc.RoutingKeyInterceptor;
import io.canopy.gateway.http.HttpFront;
import io.canopy.gateway.upstream.Upstream;
import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.InferenceRoles;
import io.canopy.common.auth.SecurityBanner;
import io.canopy.gateway.batching.Batchers;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.metrics.HelidonGatewayMetrics;
import io.canopy.common.metrics.MetricLabels;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.routing.RegistryWatch;
import io.canopy.gateway.routing.Router;
import io.canopy.gateway.routing.RoutingTable;
import io.helidon.metrics.api.Metrics;
import io.grpc.ServerBuilder;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
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
    System.out.println(
        SecurityBanner.line(
            "gateway", config.tokens(), "predictions, features and registry reads", config.tls()));
    stopped.await();
  }

  /** The real wiring: upstream channels, the gRPC front, the HTTP front; all started. */
  public static GatewayServer start(GatewayConfig config) {
    return start(config, new HelidonGatewayMetrics(Metrics.globalRegistry()));
  }

  /** The real wiring, measuring into {@code metrics}. */
  public static GatewayServer start(GatewayConfig config, GatewayMetrics metrics) {
    return start(config, metrics, Clock.systemUTC());
  }

  /** The real wiring, measuring into {@code metrics}, timing alias moves with {@code clock}. */
  public static GatewayServer start(GatewayConfig config, GatewayMetrics metrics, Clock clock) {
    // Model and version labels only for names that exist; a deleted model's series go with it.
    RoutingTable table = new RoutingTable(config.aliasFallbackWindow(), clock);
    metrics.restrictLabels(new MetricLabels(table, config.maxSeriesPerMetric()));
    table.onRemoved(metrics::forget);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gateway-scheduler");
              t.setDaemon(true);
              return t;
            });
    Upstream upstream =
        Upstream.connect(
            config.servingTarget(),
            config.registryTarget(),
            config.upstreamTls(),
            config.servingToken(),
            config.upstreamTimeout(),
            config.retry(),
            scheduler,
            metrics);
    RegistryWatch watch = new RegistryWatch(upstream.registryWatch(), table, scheduler).start();
    Router router = new Router(table, () -> ThreadLocalRandom.current().nextDouble());
    KServeCalls kserveCalls = new KServeCalls(router, upstream);
    PredictPipeline pipeline =
        new PredictPipeline(
            router,
            new Batchers(upstream.predict(), config.batching(), scheduler, System::nanoTime, metrics),
            upstream.predict(),
            config.maxConcurrentPerModel(),
            config.upstreamTimeout(),
            metrics,
            System::nanoTime);
    BearerTokens tokens = config.tokens();
    AtomicBoolean ready = new AtomicBoolean();
    GrpcServer grpc = null;
    try {
      ServerBuilder<?> transport =
          GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls());
      // Calls run on Netty's event loops, no hand-off: every handler only forwards
      // asynchronously and never waits (GatewayServer says what that asks of the code).
      transport.directExecutor();
      grpc =
          new GrpcServer(
                  transport,
                  List.of(
                      new InferenceFront(upstream, pipeline, config.maxRows()),
                      new KServeFront(upstream, kserveCalls, config.maxRows()),
                      new FeatureStoreFront(upstream)),
                  // Health and reflection stay open; every Canopy method needs a token whose
                  // role covers it (the same table serving uses).
                  List.of(
                      new AuthInterceptor(tokens, InferenceRoles.table()),
                      new RoutingKeyInterceptor()))
              .start();
      HttpFront http =
          HttpFront.start(
              config.http(),
              config.maxBodyBytes(),
              config.httpLimits(),
              config.maxRows(),
              upstream,
              pipeline,
              kserveCalls,
              tokens,
              config.allowedOrigins(),
              config.tls(),
              ready::get);
      GatewayServer server = new GatewayServer(upstream, watch, scheduler, grpc, http, ready);
      ready.set(true);
      grpc.setServing(true);
      return server;
    } catch (RuntimeException e) {
      if (grpc != null) {
        grpc.close();
      }
      watch.close();
      upstream.close();
      scheduler.shutdownNow();
      throw e;
    }
  }
}

package io.canopy.gateway;

import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.InferenceRoles;
import io.canopy.common.auth.Role;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.process.Resources;
import io.canopy.common.registry.RegistryFollower;
import io.canopy.common.requestid.RequestIdInterceptor;
import io.canopy.common.retry.Backoff;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.batching.Batchers;
import io.canopy.gateway.features.FeatureCalls;
import io.canopy.gateway.grpc.FeatureStoreFront;
import io.canopy.gateway.grpc.InferenceFront;
import io.canopy.gateway.grpc.KServeFront;
import io.canopy.gateway.grpc.OutcomeFront;
import io.canopy.gateway.grpc.RoutingKeyInterceptor;
import io.canopy.gateway.http.HttpFront;
import io.canopy.gateway.metrics.CompositeMetrics;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.metrics.HelidonGatewayMetrics;
import io.canopy.gateway.outcomes.OutcomeIntake;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.routing.Router;
import io.canopy.gateway.routing.RoutingTable;
import io.canopy.gateway.traffic.TrafficHistory;
import io.canopy.gateway.upstream.MonitorClient;
import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.monitor.log.RecordLog;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.grpc.ServerBuilder;
import io.helidon.metrics.api.Metrics;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running gateway: its gRPC and HTTP fronts, the routing table following the registry, and the
 * clients of the services behind it. {@link #start} is the whole wiring; closing stops taking
 * requests, lets those in flight finish, then closes the upstream channels.
 *
 * <p>Where a predict goes: a front ({@link InferenceFront}, {@link HttpFront}) hands it to the
 * {@link PredictPipeline}, which routes it ({@link Router} over the {@link RoutingTable}), admits
 * it (a per-model in-flight limit), batches it ({@link Batchers}) and sends it through {@link
 * ServingClient}, the one place upstream calls are retried and hedged.
 *
 * <p>Threads. The gRPC front and the channel to serving run on grpc-netty's event loops ({@code
 * directExecutor}), one loop group shared by the server and the channels: a gRPC call is routed,
 * admitted, batched and sent upstream on the loop that read it, and serving's answer completes the
 * pipeline's futures and is relayed to the caller on the loop that read the answer. So nothing on
 * that path may block or wait for another thread: the fronts only forward asynchronously, the locks
 * (batch queues, retry budget, hedging race) guard a few fields and never wait, admission never
 * queues, and futures are chained without blocking. Every blocking wait is in the HTTP front, whose
 * handlers run on virtual threads (registry reads, {@code future.get}). Retry backoffs, hedges,
 * batch delays and the registry watch's events run on the {@code gateway-scheduler} thread; the
 * registry channel keeps grpc-java's default executor.
 */
public final class GatewayServer implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(5);

  /** Reconnect pace of the registry watch: 100 ms doubling to 5 s, jittered. */
  private static final Duration WATCH_BACKOFF_MIN = Duration.ofMillis(100);

  private static final Duration WATCH_BACKOFF_MAX = Duration.ofSeconds(5);

  /**
   * What a test may swap in the gateway's wiring; everything left {@code null} is the real thing:
   * the JVM-wide Helidon metrics and the system clock. (The gateway's transports are always Netty:
   * its tests run it on port 0.)
   *
   * @param metrics where the gateway reports (the console's traffic history is fed beside it)
   * @param clock times alias moves for the alias fallback, and the traffic history's steps
   * @param spans where finished spans go when {@code gateway.tracing.enabled}; null: OTLP
   */
  public record Seams(GatewayMetrics metrics, Clock clock, SpanProcessor spans) {

    /** Everything real. */
    public static Seams real() {
      return new Seams(null, null, null);
    }

    public Seams withMetrics(GatewayMetrics gatewayMetrics) {
      return new Seams(gatewayMetrics, clock, spans);
    }

    public Seams withClock(Clock gatewayClock) {
      return new Seams(metrics, gatewayClock, spans);
    }

    public Seams withSpans(SpanProcessor spanProcessor) {
      return new Seams(metrics, clock, spanProcessor);
    }
  }

  private final AtomicBoolean ready;
  private final Resources resources;
  private final GrpcServer grpc;
  private final HttpFront http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayServer(AtomicBoolean ready, Resources resources, GrpcServer grpc, HttpFront http) {
    this.ready = ready;
    this.resources = resources;
    this.grpc = grpc;
    this.http = http;
  }

  /** Wires and starts the gateway for real: what {@code Main}, tests and {@code canopy up} run. */
  public static GatewayServer start(GatewayConfig config) {
    return start(config, Seams.real());
  }

  /** Wires and starts everything, with the given parts swapped in (see {@link Seams}). */
  public static GatewayServer start(GatewayConfig config, Seams seams) {
    Clock clock = seams.clock() != null ? seams.clock() : Clock.systemUTC();
    // Every measurement goes to the meters and to the console's ten-minute traffic history.
    TrafficHistory traffic = new TrafficHistory(clock, TrafficHistory.MAX_SERIES);
    GatewayMetrics metrics =
        new CompositeMetrics(
            seams.metrics() != null
                ? seams.metrics()
                : new HelidonGatewayMetrics(Metrics.globalRegistry()),
            traffic);
    Resources opened = new Resources("gateway");
    try {
      // Closed last: the spans of the calls drained on shutdown are still exported.
      Tracing tracing = opened.push(Tracing.open(config.tracing(), seams.spans()));
      // Model and version labels only for names that exist; a deleted model's series go with it.
      RoutingTable table = new RoutingTable(config.aliasFallbackWindow(), clock);
      metrics.restrictLabels(new MetricLabels(table, config.maxSeriesPerMetric()));
      table.onRemoved(metrics::forget);
      ScheduledExecutorService scheduler =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("gateway-scheduler").daemon(true).factory());
      opened.push(scheduler::shutdownNow);
      ServingClient serving =
          opened.push(
              ServingClient.connect(
                  config.servingTarget(),
                  config.upstreamTls(),
                  config.servingToken(),
                  config.upstreamTimeout(),
                  config.retry(),
                  config.placement(),
                  scheduler,
                  metrics,
                  tracing));
      RegistryClient registry =
          opened.push(
              RegistryClient.connect(
                  config.registryTarget(),
                  config.upstreamTls(),
                  config.upstreamTimeout(),
                  tracing));
      opened.push(
          new RegistryFollower(
                  "gateway",
                  registry.watchStub(),
                  scheduler,
                  Backoff.jittered(WATCH_BACKOFF_MIN, WATCH_BACKOFF_MAX),
                  table::revision,
                  table::apply)
              .start());
      Router router = new Router(table, () -> ThreadLocalRandom.current().nextDouble());
      FeatureCalls features = new FeatureCalls(serving);
      PredictPipeline pipeline =
          new PredictPipeline(
              router,
              new Batchers(
                  serving.predict(),
                  config.batching(),
                  scheduler,
                  System::nanoTime,
                  metrics,
                  tracing),
              serving.predict(),
              config.maxConcurrentPerModel(),
              config.upstreamTimeout(),
              metrics,
              System::nanoTime,
              tracing);
      KServeCalls kserve = new KServeCalls(router, serving, pipeline, config.batching());
      OutcomeIntake outcomes = null;
      if (config.outcomes().enabled()) {
        RecordLog log = opened.push(config.outcomes().log().open("canopy-gateway"));
        outcomes = OutcomeIntake.open(config.outcomes(), table, registry, log, clock);
      }
      MonitorClient monitor =
          config.monitorTarget().isEmpty()
              ? null
              : opened.push(
                  MonitorClient.connect(
                      config.monitorTarget(),
                      config.upstreamTls(),
                      config.servingToken(),
                      config.upstreamTimeout()));
      ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
      opened.push(blocking::shutdown);
      ServerBuilder<?> transport =
          GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls());
      // Calls run on Netty's event loops, no hand-off: every handler only forwards asynchronously
      // and never waits (the class comment says what that asks of the code).
      transport.directExecutor();
      GrpcServer grpc =
          new GrpcServer(
              transport,
              List.of(
                  new InferenceFront(serving, pipeline, config.maxRows()),
                  new KServeFront(serving, kserve, config.maxRows()),
                  new FeatureStoreFront(features),
                  new OutcomeFront(outcomes, blocking)),
              // Health and reflection stay open; every Canopy method needs a token whose role
              // covers it (the same table serving uses).
              List.of(
                  new AuthInterceptor(
                      config.tokens(),
                      InferenceRoles.table()
                          .require(OutcomeServiceGrpc.getServiceDescriptor(), Role.PREDICT)),
                  new RequestIdInterceptor(),
                  new RoutingKeyInterceptor()),
              tracing);
      grpc.start();
      opened.push(() -> grpc.stop(GRACE));
      AtomicBoolean ready = new AtomicBoolean();
      HttpFront http =
          opened.push(
              HttpFront.start(
                  config.http(),
                  config.maxBodyBytes(),
                  config.maxUploadBytes(),
                  config.httpLimits(),
                  config.maxRows(),
                  new HttpFront.Calls(
                      serving, pipeline, kserve, features, registry, outcomes, monitor, traffic),
                  config.tokens(),
                  config.allowedOrigins(),
                  config.tls(),
                  ready::get,
                  tracing));
      ready.set(true);
      grpc.setServing(true);
      return new GatewayServer(ready, opened, grpc, http);
    } catch (RuntimeException | Error e) {
      opened.close();
      throw e;
    }
  }

  /** The HTTP port (the real one when configured with port 0). */
  public int httpPort() {
    return http.port();
  }

  /** The gRPC port (the real one when configured with port 0). */
  public int grpcPort() {
    return grpc.port();
  }

  /**
   * Graceful and idempotent, newest first: the HTTP front and the gRPC front (in-flight calls
   * finish), then the registry watch, the upstream clients and the scheduler.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    grpc.setServing(false);
    resources.close();
  }
}

package io.canopy.monitor;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.monitor.drift.ReferenceSource;
import io.canopy.monitor.drift.RegistryReferences;
import io.canopy.monitor.grpc.MonitorGrpcService;
import io.canopy.monitor.kafka.KafkaIngest;
import io.canopy.monitor.metrics.HelidonMonitorMetrics;
import io.canopy.monitor.metrics.MonitorMetrics;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.helidon.metrics.api.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running monitor: the record store, MonitorService on gRPC, the admin server, and the pruner
 * that keeps the store within its age and size bounds.
 */
public final class MonitorServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(MonitorServer.class.getName());
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final MonitorStore store;
  private final GrpcServer grpc;
  private final AdminServer admin;
  private final ScheduledExecutorService scheduler;
  private final boolean tls;
  private final ManagedChannel registry;
  private volatile KafkaIngest ingest;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MonitorServer(
      MonitorStore store,
      GrpcServer grpc,
      AdminServer admin,
      ScheduledExecutorService scheduler,
      boolean tls,
      ManagedChannel registry) {
    this.store = store;
    this.registry = registry;
    this.tls = tls;
    this.grpc = grpc;
    this.admin = admin;
    this.scheduler = scheduler;
  }

  /**
   * What a test may swap; {@code null} is the real thing.
   *
   * @param grpcTransport the gRPC transport (in-process in tests)
   * @param clock "now" for windows and retention
   * @param metrics where the canopy_monitor_* figures go (the JVM's Helidon registry)
   */
  public record Seams(ServerBuilder<?> grpcTransport, Clock clock, MonitorMetrics metrics) {
    public static Seams real() {
      return new Seams(null, null, null);
    }
  }

  public static MonitorServer start(MonitorConfig config) {
    return start(config, Seams.real());
  }

  public static MonitorServer start(MonitorConfig config, Seams seams) {
    Clock clock = seams.clock() != null ? seams.clock() : Clock.systemUTC();
    ServerBuilder<?> transport =
        seams.grpcTransport() != null
            ? seams.grpcTransport()
            : GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls());
    MonitorStore store = MonitorStore.open(config.store());
    ManagedChannel registry =
        config.registryTarget().isEmpty()
            ? null
            : GrpcTransports.channel(
                config.registryTarget(),
                GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
                config.registryTls());
    ReferenceSource references =
        registry == null
            ? ReferenceSource.NONE
            : new RegistryReferences(
                ModelRegistryServiceGrpc.newBlockingStub(registry),
                Duration.ofSeconds(60),
                64L << 20,
                clock);
    GrpcServer grpc =
        new GrpcServer(
            transport,
            List.of(new MonitorGrpcService(store, config, references, clock)),
            List.of(
                new AuthInterceptor(
                    new BearerTokens(config.tokens()), MonitorGrpcService.roles())));
    AdminServer admin = new AdminServer(config.admin(), "monitor", () -> true);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("canopy-monitor-prune").daemon(true).factory());
    MonitorServer server =
        new MonitorServer(store, grpc, admin, scheduler, config.tls().enabled(), registry);
    try {
      grpc.start();
      admin.start();
      config
          .ingest()
          .ifPresent(kafka -> server.ingest = new KafkaIngest(kafka, config.ingestGroup(), store));
      long every = config.pruneInterval().toMillis();
      scheduler.scheduleWithFixedDelay(
          () -> prune(store, config, clock), every, every, TimeUnit.MILLISECONDS);
      MonitorMetrics metrics =
          seams.metrics() != null
              ? seams.metrics()
              : new HelidonMonitorMetrics(Metrics.globalRegistry());
      long refresh = config.metricsInterval().toMillis();
      scheduler.scheduleWithFixedDelay(
          new MetricsRefresh(store, config, references, metrics, clock),
          Math.min(refresh, 5_000),
          refresh,
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static void prune(MonitorStore store, MonitorConfig config, Clock clock) {
    try {
      long now = clock.millis();
      Map<String, Long> modelsBefore = new HashMap<>();
      config.retentions().forEach((model, d) -> modelsBefore.put(model, now - d.toMillis()));
      long deleted =
          store.prune(now - config.retention().toMillis(), modelsBefore, config.maxPredictions());
      if (deleted > 0) {
        LOG.fine("pruned " + deleted + " prediction records");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pruning the record store failed; trying again later", e);
    }
  }

  /** Whether both listeners serve TLS. */
  public boolean tlsEnabled() {
    return tls;
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int adminPort() {
    return admin.port();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close();
    } finally {
      if (ingest != null) {
        ingest.close(); // before the store: what it polled is written or read again later
      }
      grpc.stop(GRACE);
      scheduler.shutdownNow();
      if (registry != null) {
        registry.shutdownNow();
      }
      store.close();
    }
  }
}

package io.canopy.serving;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.InferenceRoles;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.requestid.RequestIdInterceptor;
import io.canopy.common.tracing.Tracing;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.serving.features.FeatureStore;
import io.canopy.serving.grpc.FeatureStoreGrpcService;
import io.canopy.serving.grpc.InferenceGrpcService;
import io.canopy.serving.grpc.KServeGrpcService;
import io.canopy.serving.grpc.Offload;
import io.canopy.serving.grpc.PredictSpans;
import io.canopy.serving.metrics.HelidonServingMetrics;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.recording.PredictionRecorder;
import io.canopy.serving.recording.RecordingSettings;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.helidon.metrics.api.Metrics;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running serving-service: the model manager following the registry, the feature store, the gRPC
 * server (InferenceService, KServe v2, FeatureStoreService, health, reflection) and the admin HTTP
 * server. Health on both follows the manager's readiness.
 */
public final class ServingServer implements AutoCloseable {

  private static final Duration GRACE = Duration.ofSeconds(10);

  private final ModelManager models;
  private final FeatureStore features;
  private final GrpcServer grpc;
  private final AdminServer admin;
  private final ManagedChannel registry;
  private final ExecutorService work;
  private final PredictionRecorder recorder;
  private final Tracing tracing;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServingServer(
      ModelManager models,
      FeatureStore features,
      GrpcServer grpc,
      AdminServer admin,
      ManagedChannel registry,
      ExecutorService work,
      PredictionRecorder recorder,
      Tracing tracing) {
    this.models = models;
    this.features = features;
    this.grpc = grpc;
    this.admin = admin;
    this.registry = registry;
    this.work = work;
    this.recorder = recorder;
    this.tracing = tracing;
  }

  /**
   * What a test may swap in serving's wiring; everything left {@code null} is the real thing: Netty
   * on the configured address, a channel to the configured registry, the system clock, the JVM-wide
   * Helidon metrics.
   *
   * @param grpcTransport the gRPC transport (in-process in tests)
   * @param registry the channel to the registry; the server owns it and shuts it down on close
   * @param clock the time of feature values and caches
   * @param metrics where serving reports
   * @param spans where finished spans go when {@code serving.tracing.enabled}; null: OTLP
   */
  public record Seams(
      ServerBuilder<?> grpcTransport,
      ManagedChannel registry,
      Clock clock,
      ServingMetrics metrics,
      SpanProcessor spans) {

    /** Everything real. */
    public static Seams real() {
      return new Seams(null, null, null, null, null);
    }

    public Seams withTransport(ServerBuilder<?> transport) {
      return new Seams(transport, registry, clock, metrics, spans);
    }

    public Seams withRegistry(ManagedChannel registryChannel) {
      return new Seams(grpcTransport, registryChannel, clock, metrics, spans);
    }

    public Seams withClock(Clock servingClock) {
      return new Seams(grpcTransport, registry, servingClock, metrics, spans);
    }

    public Seams withMetrics(ServingMetrics servingMetrics) {
      return new Seams(grpcTransport, registry, clock, servingMetrics, spans);
    }

    public Seams withSpans(SpanProcessor spanProcessor) {
      return new Seams(grpcTransport, registry, clock, metrics, spanProcessor);
    }
  }

  /** Wires and starts serving for real: what {@code Main} and end-to-end tests run. */
  public static ServingServer start(ServingConfig config) {
    return start(config, Seams.real());
  }

  /** Wires and starts everything, with the given parts swapped in (see {@link Seams}). */
  public static ServingServer start(ServingConfig config, Seams seams) {
    ServerBuilder<?> grpcBuilder =
        seams.grpcTransport() != null
            ? seams.grpcTransport()
            : GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls());
    ManagedChannel registry =
        seams.registry() != null
            ? seams.registry()
            : GrpcTransports.channel(
                config.registryTarget(),
                GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
                config.registryTls());
    Clock clock = seams.clock() != null ? seams.clock() : Clock.systemUTC();
    ServingMetrics metrics =
        seams.metrics() != null
            ? seams.metrics()
            : new HelidonServingMetrics(Metrics.globalRegistry());
    FeatureStore features;
    try {
      features = FeatureStore.open(config.features(), clock);
    } catch (RuntimeException e) {
      registry.shutdownNow();
      throw e;
    }
    PredictionRecorder recorder;
    try {
      recorder = recorder(config.recording(), metrics);
    } catch (RuntimeException e) {
      features.close();
      registry.shutdownNow();
      throw e;
    }
    Tracing tracing = Tracing.open(config.tracing(), seams.spans());
    // The watch and each download get client spans; a download a request waits for is in its trace.
    ModelManager models =
        new ModelManager(config.managerSettings(), tracing.intercept(registry), clock, metrics);
    // Model and version labels only for names the registry lists, and a cap per metric.
    metrics.restrictLabels(new MetricLabels(models, config.maxSeriesPerMetric()));
    // Calls start on the transport's event loops (no hand-off for a light Predict, health or
    // status); whatever may block or compute for long moves to the work pool.
    ExecutorService work =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().name("canopy-serving-work-", 0).daemon(true).factory());
    grpcBuilder.directExecutor();
    List<ServerBuilder<?>> transports = new ArrayList<>(List.of(grpcBuilder));
    if (!config.inProcessName().isEmpty()) {
      // A gateway in this JVM calls on its own thread: a light Predict costs no socket, no copy.
      transports.add(
          InProcessServerBuilder.forName(config.inProcessName())
              .directExecutor()
              .maxInboundMetadataSize(config.grpcLimits().maxInboundMetadataBytes()));
    }
    GrpcServer grpc =
        new GrpcServer(
            transports,
            List.of(
                new InferenceGrpcService(
                    models,
                    features,
                    metrics,
                    work,
                    // Above the fast path's crossover a Predict would call XGBoost4J: not inline.
                    Math.min(config.inlineMaxRows(), config.managerSettings().fastPath().maxRows()),
                    config.maxRows(),
                    recorder,
                    new PredictSpans(tracing, config.features().backend())),
                // ModelInfer decides itself what it answers on the event loop (light calls, as
                // Predict does); KServe's other calls may wait for a load and stay on the pool.
                Offload.onto(
                    work,
                    new KServeGrpcService(
                        models,
                        metrics,
                        config.maxRows(),
                        recorder,
                        work,
                        Math.min(
                            config.inlineMaxRows(), config.managerSettings().fastPath().maxRows())),
                    Set.of(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())),
                Offload.onto(
                    work, new FeatureStoreGrpcService(features, metrics, config.maxRows()))),
            // With tokens configured, every call needs one whose role covers it: the same table
            // as the gateway's front (health and reflection stay open).
            List.of(
                new AuthInterceptor(new BearerTokens(config.tokens()), InferenceRoles.table()),
                new RequestIdInterceptor()),
            tracing);
    models.onReadinessChange(grpc::setServing);
    AdminServer admin = new AdminServer(config.admin(), "serving", models::isReady);
    ServingServer server =
        new ServingServer(models, features, grpc, admin, registry, work, recorder, tracing);
    try {
      models.start();
      grpc.start();
      admin.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static PredictionRecorder recorder(RecordingSettings settings, ServingMetrics metrics) {
    if (!settings.enabled()) {
      return PredictionRecorder.OFF;
    }
    return new PredictionRecorder(
        settings,
        settings.log().open("canopy-serving"),
        new PredictionRecorder.Counts() {
          @Override
          public void written(long records) {
            metrics.recordsWritten(records);
          }

          @Override
          public void dropped(String reason, long records) {
            metrics.recordsDropped(reason, records);
          }
        });
  }

  /** Waits until the predictions recorded so far reached the record store (tests, the demo). */
  public boolean awaitRecorded(java.time.Duration timeout) throws InterruptedException {
    return recorder.awaitWritten(timeout);
  }

  /** The bound gRPC port (-1 for an in-process transport). */
  public int grpcPort() {
    return grpc.port();
  }

  /** The bound admin HTTP port. */
  public int adminPort() {
    return admin.port();
  }

  /** True when every version that serves traffic is loaded. */
  public boolean isReady() {
    return models.isReady();
  }

  /**
   * Graceful: stops taking calls, lets in-flight calls finish, then frees every model, closes the
   * feature store and the registry channel. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close();
    } finally {
      grpc.stop(GRACE);
      work.shutdown(); // In-flight calls finished with the server; nothing new arrives.
      recorder.close(); // after the last call: what they recorded is flushed
      models.close();
      features.close();
      registry.shutdownNow();
      try {
        registry.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      tracing.close(); // last: the spans of the calls that finished above are exported
    }
  }
}

package io.canopy.registry;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.process.Resources;
import io.canopy.common.tracing.Tracing;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.registry.grpc.RegistryGrpcService;
import io.canopy.registry.metrics.HelidonRegistryMetrics;
import io.canopy.registry.metrics.RegistryMetrics;
import io.canopy.registry.store.ArtifactStore;
import io.canopy.registry.store.FileArtifactStore;
import io.canopy.registry.store.JdbcMetadataStore;
import io.canopy.registry.store.MetadataStore;
import io.canopy.registry.store.MeteredArtifactStore;
import io.canopy.registry.store.S3ArtifactStore;
import io.canopy.registry.upload.VersionUploads;
import io.canopy.registry.validation.ProbeCommand;
import io.canopy.registry.validation.ValidatorPool;
import io.canopy.registry.watch.ChangeNotifier;
import io.canopy.registry.watch.WatchAdmission;
import io.canopy.registry.watch.WatchHub;
import io.grpc.ServerBuilder;
import io.helidon.metrics.api.Metrics;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A running registry: metadata store, artifact store, validator pool, watch hub, the gRPC server
 * and the admin server. {@link #close()} stops them in dependency order: watchers are told to
 * reconnect, in-flight calls get a grace period, validations still running are recorded as FAILED,
 * and the database closes last.
 */
public final class RegistryServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RegistryServer.class.getName());
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final int WATCH_THREADS = 2;

  private final GrpcServer grpc;
  private final AdminServer admin;
  private final Resources resources;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RegistryServer(GrpcServer grpc, AdminServer admin, Resources resources) {
    this.grpc = grpc;
    this.admin = admin;
    this.resources = resources;
  }

  /**
   * What a test may swap in the registry's wiring; everything left {@code null} is the real thing:
   * Netty on the configured address, the JVM-wide Helidon metrics, the system clock.
   *
   * @param grpcTransport the gRPC transport (in-process in tests)
   * @param metrics where the registry reports
   * @param clock the time recorded on versions, aliases and audit entries
   * @param spans where finished spans go when {@code registry.tracing.enabled}; null: OTLP
   */
  public record Seams(
      ServerBuilder<?> grpcTransport, RegistryMetrics metrics, Clock clock, SpanProcessor spans) {

    /** Everything real. */
    public static Seams real() {
      return new Seams(null, null, null, null);
    }

    public Seams withTransport(ServerBuilder<?> transport) {
      return new Seams(transport, metrics, clock, spans);
    }

    public Seams withMetrics(RegistryMetrics registryMetrics) {
      return new Seams(grpcTransport, registryMetrics, clock, spans);
    }

    public Seams withClock(Clock registryClock) {
      return new Seams(grpcTransport, metrics, registryClock, spans);
    }

    public Seams withSpans(SpanProcessor spanProcessor) {
      return new Seams(grpcTransport, metrics, clock, spanProcessor);
    }
  }

  /** Wires and starts the registry for real: what {@code Main} and end-to-end tests run. */
  public static RegistryServer start(RegistryConfig config) {
    return start(config, Seams.real());
  }

  /** Wires and starts the registry with the given parts swapped in (see {@link Seams}). */
  public static RegistryServer start(RegistryConfig config, Seams seams) {
    ServerBuilder<?> transport =
        seams.grpcTransport() != null
            ? seams.grpcTransport()
            : GrpcTransports.server(config.grpc(), config.grpcLimits(), config.tls());
    RegistryMetrics metrics =
        seams.metrics() != null
            ? seams.metrics()
            : new HelidonRegistryMetrics(Metrics.globalRegistry());
    Clock clock = seams.clock() != null ? seams.clock() : Clock.systemUTC();
    Resources opened = new Resources("registry");
    try {
      // Closed last: spans of the calls drained on shutdown are still exported.
      Tracing tracing = opened.push(Tracing.open(config.tracing(), seams.spans()));
      Files.createDirectories(config.dataDir());
      clearStaging(config.stagingDir());
      clearStaging(config.validationDir());
      ChangeNotifier notifier = new ChangeNotifier();
      MetadataStore store = opened.push(openStore(config, clock, notifier));
      int stuck = store.failUnfinishedValidations("the registry restarted during validation");
      if (stuck > 0) {
        LOG.warning(stuck + " validations were interrupted by a restart; marked FAILED");
      }
      ArtifactStore artifacts =
          new MeteredArtifactStore(
              openArtifacts(config, store, opened),
              config.artifactBackend().name().toLowerCase(Locale.ROOT),
              metrics,
              System::nanoTime);
      int memoryCapMb = config.validationMaxMemoryMb();
      if (memoryCapMb > 0 && !ProbeCommand.prlimitAvailable()) {
        // A laptop without util-linux (macOS) still runs; the heap cap and the time cap remain.
        LOG.warning(
            "registry.validation.max-memory-mb: prlimit (util-linux) is not on the PATH;"
                + " validation children run without an address-space cap");
        memoryCapMb = 0;
      }
      ValidatorPool validator =
          new ValidatorPool(
              ProbeCommand.currentJvm(config.validationMaxHeapMb(), memoryCapMb),
              config.validationDir(),
              config.validationTimeout(),
              config.validationProcesses(),
              config.validationIdleTimeout());
      VersionUploads uploads =
          opened.push(
              new VersionUploads(
                  store,
                  artifacts,
                  validator,
                  config.stagingDir(),
                  config.uploadMaxBytes(),
                  config.validationProcesses(),
                  metrics));
      WatchHub watches = new WatchHub(store, notifier, WATCH_THREADS);
      opened.push(metrics.gauges(watches::activeStreams, store::currentRevision));
      GrpcServer grpc;
      try {
        grpc =
            new GrpcServer(
                transport,
                List.of(new RegistryGrpcService(store, artifacts, uploads, watches)),
                List.of(
                    new WatchAdmission(
                        ModelRegistryServiceGrpc.getWatchModelsMethod().getFullMethodName(),
                        config.watchLimits(),
                        refusal -> metrics.watchRefused(refusal.name().toLowerCase(Locale.ROOT))),
                    new AuthInterceptor(
                        new BearerTokens(config.adminTokens()), RegistryGrpcService.roles())),
                tracing);
      } catch (RuntimeException e) {
        watches.close();
        throw e;
      }
      // Closed in reverse: watchers told to reconnect, then calls drained, then uploads.
      opened.push(() -> grpc.stop(GRACE));
      opened.push(watches);
      grpc.start();
      grpc.setServing(true);
      AdminServer admin =
          opened.push(
              new AdminServer(
                  config.admin(), "registry", () -> store.isWritable() && artifacts.isReachable()));
      admin.start();
      return new RegistryServer(grpc, admin, opened);
    } catch (IOException e) {
      opened.close();
      throw new UncheckedIOException("registry failed to start: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      opened.close();
      throw e;
    }
  }

  private static MetadataStore openStore(
      RegistryConfig config, Clock clock, ChangeNotifier notifier) {
    return switch (config.storeBackend()) {
      case SQLITE -> JdbcMetadataStore.sqlite(config.databaseFile(), clock, notifier::changed);
      case POSTGRESQL ->
          JdbcMetadataStore.postgres(config.postgres().orElseThrow(), clock, notifier::changed);
    };
  }

  private static ArtifactStore openArtifacts(
      RegistryConfig config, MetadataStore store, Resources opened) throws IOException {
    return switch (config.artifactBackend()) {
      case DIRECTORY -> new FileArtifactStore(config.artifactDir());
      case POSTGRESQL -> ((JdbcMetadataStore) store).artifactsInDatabase();
      case S3 -> opened.push(S3ArtifactStore.open(config.s3().orElseThrow()));
    };
  }

  /** Removes files a crash may have left behind in a scratch area; nothing there is referenced. */
  private static void clearStaging(Path staging) throws IOException {
    if (Files.isDirectory(staging)) {
      try (Stream<Path> files = Files.walk(staging)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(staging)) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    Files.createDirectories(staging);
  }

  /** The bound gRPC port (-1 with the in-process transport). */
  public int grpcPort() {
    return grpc.port();
  }

  /** The bound admin HTTP port. */
  public int adminPort() {
    return admin.port();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    grpc.setServing(false);
    resources.close();
  }
}

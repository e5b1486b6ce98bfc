package io.canopy.registry.metrics;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * {@link RegistryMetrics} on Helidon's meter registry (what {@code /observe/metrics} serves). Every
 * meter is tagged {@code service=registry} so the services can share one process.
 */
public final class HelidonRegistryMetrics implements RegistryMetrics {

  private static final Tag SERVICE = Tag.create("service", "registry");

  private final MeterRegistry registry;
  private final Map<UploadOutcome, Counter> uploads = new EnumMap<>(UploadOutcome.class);
  private final Counter uploadBytes;
  private final Timer validation;

  public HelidonRegistryMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (UploadOutcome outcome : UploadOutcome.values()) {
      uploads.put(
          outcome,
          registry.getOrCreate(
              Counter.builder("canopy.registry.uploads")
                  .description("model uploads by outcome")
                  .addTag(SERVICE)
                  .addTag(Tag.create("outcome", outcome.name().toLowerCase(Locale.ROOT)))));
    }
    uploadBytes =
        registry.getOrCreate(
            Counter.builder("canopy.registry.upload.bytes")
                .description("bytes received by uploads, whatever their outcome")
                .addTag(SERVICE));
    validation =
        registry.getOrCreate(
            Timer.builder("canopy.registry.validation")
                .description("time to validate one model in a child process")
                .addTag(SERVICE)
                .buckets(
                    Duration.ofMillis(100),
                    Duration.ofMillis(250),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(60)));
  }

  @Override
  public void uploadFinished(UploadOutcome outcome, long bytes) {
    uploads.get(outcome).increment();
    uploadBytes.increment(bytes);
  }

  @Override
  public void validated(Duration elapsed) {
    validation.record(elapsed);
  }

  @Override
  public void artifactStoreCall(
      String backend, String operation, String outcome, Duration elapsed) {
    registry
        .getOrCreate(
            Timer.builder("canopy.registry.artifact.store")
                .description(
                    "artifact store calls by backend, operation (put, open, delete) and outcome"
                        + " (ok, unavailable, error)")
                .addTag(SERVICE)
                .addTag(Tag.create("backend", backend))
                .addTag(Tag.create("operation", operation))
                .addTag(Tag.create("outcome", outcome))
                .buckets(
                    Duration.ofMillis(5),
                    Duration.ofMillis(25),
                    Duration.ofMillis(100),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60)))
        .record(elapsed);
  }

  @Override
  public void watchRefused(String limit) {
    registry
        .getOrCreate(
            Counter.builder("canopy.registry.watch.refused")
                .description("WatchModels streams refused by a cap (limit: total or per_peer)")
                .addTag(SERVICE)
                .addTag(Tag.create("limit", limit)))
        .increment();
  }

  @Override
  public AutoCloseable gauges(IntSupplier watchers, LongSupplier revision) {
    Meter open =
        registry.getOrCreate(
            Gauge.builder("canopy.registry.watchers", () -> (Integer) watchers.getAsInt())
                .description("open WatchModels streams")
                .addTag(SERVICE));
    Meter current =
        registry.getOrCreate(
            Gauge.builder("canopy.registry.revision", () -> (Long) revision.getAsLong())
                .description("the newest committed revision")
                .addTag(SERVICE));
    return () -> {
      registry.remove(open);
      registry.remove(current);
    };
  }
}

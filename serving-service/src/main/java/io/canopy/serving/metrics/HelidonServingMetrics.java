package io.canopy.serving.metrics;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.metrics.TaggedMeters;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * {@link ServingMetrics} on Helidon's metrics API: the registry served at {@code /observe/metrics}.
 * Every meter carries {@code service="serving"}, so the three services can share one process.
 */
public final class HelidonServingMetrics implements ServingMetrics {

  private static final Tag SERVICE = Tag.create("service", "serving");
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofSeconds(1)
  };

  private final MeterRegistry registry;
  private final ConcurrentHashMap<VersionKey, VersionMeters> perVersion = new ConcurrentHashMap<>();
  private volatile MetricLabels labels;

  public HelidonServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private static List<Tag> tags(String... kv) {
    Tag[] tags = new Tag[kv.length / 2 + 1];
    tags[0] = SERVICE;
    for (int i = 0; i < kv.length; i += 2) {
      tags[i / 2 + 1] = Tag.create(kv[i], kv[i + 1]);
    }
    return List.of(tags);
  }

  private Counter counter(String name, String description, List<Tag> tags) {
    return registry.getOrCreate(Counter.builder(name).description(description).tags(tags));
  }

  private Timer timer(String name, String description, List<Tag> tags) {
    return registry.getOrCreate(
        Timer.builder(name).description(description).tags(tags).buckets(LATENCY_BUCKETS));
  }

  /** The meters of one served version, looked up once: the Predict path only records. */
  private record VersionMeters(Counter ok, Timer queue, Timer compute, DistributionSummary rows) {}

  private VersionMeters versionMeters(String model, long version) {
    return perVersion.computeIfAbsent(
        new VersionKey(model, version),
        key -> {
          String v = Long.toString(version);
          List<Tag> mv = tags("model", model, "version", v);
          return new VersionMeters(
              counter(
                  "canopy_serving_requests",
                  "Predict calls by model, version and status code",
                  tags("model", model, "version", v, "code", "OK")),
              timer(
                  "canopy_serving_queue",
                  "Time from a call's arrival to the start of computing",
                  mv),
              timer("canopy_serving_compute", "Time computing predictions in XGBoost", mv),
              registry.getOrCreate(
                  DistributionSummary.builder("canopy_serving_rows")
                      .description("Rows per Predict call")
                      .tags(mv)));
        });
  }

  private record VersionKey(String model, long version) {}

  @Override
  public void predicted(String model, long version, int rows, long queueNanos, long computeNanos) {
    VersionMeters meters = versionMeters(model, version);
    meters.ok().increment();
    meters.queue().record(queueNanos, TimeUnit.NANOSECONDS);
    meters.compute().record(computeNanos, TimeUnit.NANOSECONDS);
    meters.rows().record(rows);
  }

  @Override
  public void predictFailed(String model, String version, String code) {
    MetricLabels restrict = labels;
    if (restrict != null) {
      MetricLabels.Labels l = restrict.of("canopy_serving_requests", model, version);
      model = l.model();
      version = l.version();
    }
    List<Tag> tags = tags("model", model, "version", version, "code", code);
    counter("canopy_serving_requests", "Predict calls by model, version and status code", tags)
        .increment();
    counter("canopy_serving_errors", "Failed Predict calls by model, version and code", tags)
        .increment();
  }

  @Override
  public void featureLookups(String view, GetOnlineFeaturesResponse found) {
    long values = 0;
    long missing = 0;
    long expired = 0;
    // One of the two layouts is filled: statuses per row, or per column.
    List<List<Integer>> statuses = new ArrayList<>();
    found.getRowsList().forEach(row -> statuses.add(row.getStatusesValueList()));
    found.getColumnsList().forEach(column -> statuses.add(column.getStatusesValueList()));
    for (List<Integer> some : statuses) {
      for (int i = 0; i < some.size(); i++) {
        int status = some.get(i);
        values++;
        if (status == FeatureStatus.FEATURE_STATUS_NOT_FOUND_VALUE) {
          missing++;
        } else if (status == FeatureStatus.FEATURE_STATUS_EXPIRED_VALUE) {
          expired++;
        }
      }
    }
    List<Tag> tags = tags("view", view);
    counter("canopy_serving_feature_lookups", "Feature values looked up", tags).increment(values);
    counter("canopy_serving_feature_misses", "Feature values not found", tags).increment(missing);
    counter("canopy_serving_feature_expired", "Feature values older than the TTL", tags)
        .increment(expired);
  }

  @Override
  public void restrictLabels(MetricLabels labels) {
    this.labels = labels;
  }

  @Override
  public void versionEvent(String model, long version, String event) {
    if (event.equals("retired")) {
      // It serves no more: its series go (they would otherwise stay until the process ends).
      String v = Long.toString(version);
      perVersion.remove(new VersionKey(model, version));
      TaggedMeters.remove(
          registry, java.util.Map.of("service", "serving", "model", model, "version", v));
      MetricLabels restrict = labels;
      if (restrict != null) {
        restrict.forget(model, v);
      }
    }
    counter(
            "canopy_serving_version_events",
            "Model manager events: loaded, failed, retired, evicted (for the memory budget)",
            tags("model", model, "version", Long.toString(version), "event", event))
        .increment();
  }

  @Override
  public void engineSelected(String model, long version, String engine, String reason) {
    counter(
            "canopy_serving_engine_versions",
            "Versions loaded, by the engine their small batches use and the reason",
            tags("model", model, "engine", engine, "reason", reason))
        .increment();
  }

  @Override
  public void loadedVersions(IntSupplier count) {
    // A gauge reads one source: a server started later in this process takes it over.
    registry.remove("canopy_serving_loaded_versions", tags());
    registry.getOrCreate(
        Gauge.builder("canopy_serving_loaded_versions", count::getAsInt)
            .description("Versions loaded and serving")
            .tags(tags()));
  }

  @Override
  public void memory(
      java.util.function.LongSupplier budget, java.util.function.LongSupplier charged) {
    registry.remove("canopy_serving_memory_budget_bytes", tags());
    registry.remove("canopy_serving_memory_charged_bytes", tags());
    registry.getOrCreate(
        Gauge.builder("canopy_serving_memory_budget_bytes", budget::getAsLong)
            .description(
                "The replica's memory budget for loaded versions (serving.models.memory-budget)")
            .tags(tags()));
    registry.getOrCreate(
        Gauge.builder("canopy_serving_memory_charged_bytes", charged::getAsLong)
            .description("What loaded and loading versions are charged against the memory budget")
            .tags(tags()));
  }

  @Override
  public void coldLoaded(String model, long version, long nanos) {
    timer(
            "canopy_serving_cold_load",
            "Time from the first request for a version not in memory to its load",
            tags("model", model, "version", Long.toString(version)))
        .record(java.time.Duration.ofNanos(nanos));
  }

  @Override
  public void recordsWritten(long records) {
    counter("canopy_prediction_records", "Prediction records appended to the record log", tags())
        .increment(records);
  }

  @Override
  public void recordsDropped(String reason, long records) {
    counter(
            "canopy_prediction_records_dropped",
            "Prediction records dropped (buffer_full, sink_error, shutdown); predictions never wait",
            tags("reason", reason))
        .increment(records);
  }
}

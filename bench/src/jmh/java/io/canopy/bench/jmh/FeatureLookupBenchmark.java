package io.canopy.bench.jmh;

import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.serving.features.FeatureSettings;
import io.canopy.serving.features.FeatureStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Online feature lookups through serving-service's {@link FeatureStore}, per backend: RocksDB
 * embedded in a temporary directory, and Redis at 127.0.0.1:6379 under a unique key prefix that
 * tear-down deletes (the view delete removes every value under it). 32 float features; 1 or 64
 * entity keys per read, drawn from 1000 written entities; answered in rows ({@link #read}, the
 * baseline) and in columns ({@link #readColumns}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FeatureLookupBenchmark {

  static final String VIEW = "bench32";
  static final int FEATURES = 32;
  static final int ENTITIES = 1000;

  @Param({"rocksdb", "redis"})
  public String backend;

  @Param({"1", "64"})
  public int keys;

  private Path dir;
  private FeatureStore store;
  private List<List<String>> batches;
  private int next;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("canopy-jmh-features");
    FeatureSettings settings =
        new FeatureSettings(
            FeatureSettings.Backend.valueOf(backend.toUpperCase(java.util.Locale.ROOT)),
            dir,
            "redis://127.0.0.1:6379",
            "canopy-jmh:" + UUID.randomUUID() + ":",
            Duration.ofSeconds(2),
            Duration.ofMinutes(5),
            io.canopy.serving.features.FeatureLimits.DEFAULTS);
    store = FeatureStore.open(settings, Clock.systemUTC());
    FeatureView.Builder view = FeatureView.newBuilder().setName(VIEW).setEntity("id");
    for (int f = 0; f < FEATURES; f++) {
      view.addFeatures(Feature.newBuilder().setName("f" + f).setType(ValueType.VALUE_TYPE_FLOAT));
    }
    store.create(view.build(), true);
    List<FeatureRow> rows = new ArrayList<>();
    for (int e = 0; e < ENTITIES; e++) {
      FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey("e" + e);
      for (int f = 0; f < FEATURES; f++) {
        row.putValues("f" + f, FeatureValue.newBuilder().setFloatValue(e + f / 32f).build());
      }
      rows.add(row.build());
    }
    store.write(VIEW, rows);
    batches = new ArrayList<>();
    for (int start = 0; start + keys <= ENTITIES; start += keys) {
      List<String> batch = new ArrayList<>(keys);
      for (int k = 0; k < keys; k++) {
        batch.add("e" + ((start * 7 + k * 13) % ENTITIES));
      }
      batches.add(batch);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    try {
      store.delete(VIEW);
    } finally {
      store.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** All 32 features of {@code keys} entities, as rows (the default layout): the baseline. */
  @Benchmark
  public GetOnlineFeaturesResponse read() {
    return store.read(VIEW, nextBatch(), List.of(), FeatureLayout.FEATURE_LAYOUT_ROWS);
  }

  /** The same lookup answered in columns (FEATURE_LAYOUT_COLUMNS). */
  @Benchmark
  public GetOnlineFeaturesResponse readColumns() {
    return store.read(VIEW, nextBatch(), List.of(), FeatureLayout.FEATURE_LAYOUT_COLUMNS);
  }

  private List<String> nextBatch() {
    List<String> batch = batches.get(next);
    next = (next + 1) % batches.size();
    return batch;
  }
}

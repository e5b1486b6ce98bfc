package io.canopy.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
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
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The floor under {@link FeatureLookupBenchmark}'s RocksDB reads: RocksDB's own {@code
 * multiGetAsList} of 1 or 64 records (keys and record sizes as the store writes them for 32 float
 * features, 1000 entities), with nothing decoded and no answer built. Run it in the same JMH run as
 * the lookup benchmark: a read of 64 entities can cost no less than this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RocksDbFloorBenchmark {

  /** A stored record of 32 float features: header, 32 names of 2–3 bytes, 32 cells of 24 bytes. */
  static final int RECORD_BYTES = 9 + 32 * (2 + 3) + 32 * (4 + 19 + 5);

  @Param({"1", "64"})
  public int keys;

  private Path dir;
  private Options options;
  private RocksDB db;
  private List<List<byte[]>> batches;
  private int next;

  @Setup
  public void setUp() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("canopy-jmh-rocksdb-floor");
    options = new Options().setCreateIfMissing(true);
    db = RocksDB.open(options, dir.toString());
    Random random = new Random(42);
    for (int e = 0; e < FeatureLookupBenchmark.ENTITIES; e++) {
      byte[] record = new byte[RECORD_BYTES];
      random.nextBytes(record);
      db.put(key(e), record);
    }
    batches = new ArrayList<>();
    for (int start = 0; start + keys <= FeatureLookupBenchmark.ENTITIES; start += keys) {
      List<byte[]> batch = new ArrayList<>(keys);
      for (int k = 0; k < keys; k++) {
        batch.add(key((start * 7 + k * 13) % FeatureLookupBenchmark.ENTITIES));
      }
      batches.add(batch);
    }
  }

  private static byte[] key(int entity) {
    return ("r/" + FeatureLookupBenchmark.VIEW + "/e" + entity).getBytes(StandardCharsets.UTF_8);
  }

  @TearDown
  public void tearDown() throws IOException {
    db.close();
    options.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The native lookup of {@code keys} records, as the store's read makes it. */
  @Benchmark
  public List<byte[]> multiGet() throws RocksDBException {
    List<byte[]> batch = batches.get(next);
    next = (next + 1) % batches.size();
    return db.multiGetAsList(batch);
  }
}

package io.canopy.bench.jmh;

import io.canopy.common.digest.Sha256;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
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
 * serving's two prediction engines through {@link Predictor#predict} (VALUE, as a request computes
 * it, output arrays included): the verified pure-Java flat forest against XGBoost4J's {@code
 * inplace_predict}, at batch 1/8/64/512, for a small model (100 trees, depth 6) and a large one
 * (1,000 trees, depth 8), binary:logistic over 30 features, trained with XGBoost4J on synthetic
 * data (fixed seeds), on a pool of distinct random batches (5 % NaN). Per-row cost is the score
 * divided by {@code batch}; the crossover is the largest batch where {@code flat} is still faster,
 * the default of {@code serving.predict.fast-path.max-rows}.
 *
 * <p>Training the large model takes a while, so the model bytes are cached in the temp directory
 * (same seed, same model) and reused by the other forks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FlatForestBenchmark {

  static final int FEATURES = 30;
  static final int TRAIN_ROWS = 5_000;

  /** trees x depth. */
  @Param({"100x6", "1000x8"})
  public String model;

  /** 128 and 256 pin the crossover between 64 and 512 down. */
  @Param({"1", "8", "64", "128", "256", "512"})
  public int batch;

  @Param({"flat", "xgboost"})
  public String engine;

  /**
   * XGBoost threads per call ({@code serving.predict.nthread}); the flat forest is always one
   * thread. With more than one, XGBoost4J splits a large batch over threads: re-measure the
   * crossover for that setting ({@code -p nthread=2}).
   */
  @Param({"1"})
  public int nthread;

  /** Distinct batches, cycled: one batch over and over would train the branch predictor. */
  private static final int POOL_ROWS = 4096;

  private Predictor predictor;
  private float[][] pool;
  private int next;

  @Setup
  public void load() throws Exception {
    String[] size = model.split("x");
    byte[] bytes = trained(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
    FastPathSettings fastPath =
        engine.equals("flat") ? new FastPathSettings(true, batch) : FastPathSettings.DISABLED;
    predictor = Predictor.load(bytes, Sha256.hex(bytes), nthread, fastPath);
    Engine expected = engine.equals("flat") ? Engine.FLAT : Engine.XGBOOST;
    if (predictor.engine().engine() != expected) {
      throw new IllegalStateException("engine " + predictor.engine() + ", wanted " + expected);
    }
    SplittableRandom random = new SplittableRandom(7);
    pool = new float[Math.max(4, POOL_ROWS / batch)][batch * FEATURES];
    for (float[] rows : pool) {
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.nextDouble() < 0.05 ? Float.NaN : (float) random.nextGaussian();
      }
    }
  }

  @TearDown
  public void dispose() {
    predictor.close();
  }

  @Benchmark
  public Prediction predict() {
    float[] rows = pool[next];
    next = next + 1 == pool.length ? 0 : next + 1;
    return predictor.predict(rows, batch, PredictionKind.VALUE);
  }

  /** The model's UBJ bytes, from the temp-dir cache or trained now. */
  static byte[] trained(int trees, int depth) throws Exception {
    Path cache =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "canopy-jmh-flat-" + trees + "x" + depth + "-seed42.ubj");
    if (Files.isReadable(cache)) {
      return Files.readAllBytes(cache);
    }
    DMatrix train = SyntheticTraining.generate(TRAIN_ROWS, FEATURES, 42).matrix();
    try {
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", depth);
      params.put("eta", 0.05);
      params.put("seed", 1);
      params.put("nthread", 2);
      Booster booster = XGBoost.train(train, params, trees, new HashMap<>(), null, null);
      byte[] bytes = booster.toByteArray("ubj");
      booster.dispose();
      write(cache, bytes);
      return bytes;
    } finally {
      train.dispose();
    }
  }

  private static void write(Path cache, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(cache.getParent(), "canopy-jmh-flat", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}

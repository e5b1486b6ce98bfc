package io.canopy.bench.jmh;

import io.canopy.common.digest.Sha256;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.predict.Predictor;
import io.canopy.serving.predict.VerifiedModels;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one cold load of a version costs a serving replica once its bytes are local (a version
 * evicted under the memory budget and asked for again): {@link Predictor#load} and close, with the
 * fast path (XGBoost parses the model, its JSON dump is compiled to a flat forest, and the forest
 * is verified against XGBoost on sample rows) and without it (XGBoost's parse and warm-up only).
 * Models as {@link FlatForestBenchmark} trains them; {@code 10x3} is the size of {@code
 * ManyModelsTest}'s tenants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ColdLoadBenchmark {

  /** trees x depth. */
  @Param({"10x3", "100x6"})
  public String model;

  @Param({"flat", "xgboost"})
  public String engine;

  /**
   * {@code verify}: every load verifies the flat forest (a first load); {@code kept}: the verdict
   * of an earlier load of the same bytes is kept ({@link VerifiedModels}, a load after an
   * eviction).
   */
  @Param({"verify", "kept"})
  public String verdict;

  private byte[] bytes;
  private String sha256;
  private FastPathSettings fastPath;
  private VerifiedModels verified;

  @Setup
  public void train() throws Exception {
    String[] size = model.split("x");
    bytes = FlatForestBenchmark.trained(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
    sha256 = Sha256.hex(bytes);
    fastPath = engine.equals("flat") ? FastPathSettings.DEFAULT : FastPathSettings.DISABLED;
    verified = verdict.equals("kept") ? new VerifiedModels(16) : VerifiedModels.none();
    try (Predictor p = Predictor.load(bytes, sha256, 1, fastPath, verified)) {
      Engine expected = engine.equals("flat") ? Engine.FLAT : Engine.XGBOOST;
      if (p.engine().engine() != expected) {
        throw new IllegalStateException("engine " + p.engine() + ", wanted " + expected);
      }
    }
  }

  @Benchmark
  public int load() throws Exception {
    try (Predictor p = Predictor.load(bytes, sha256, 1, fastPath, verified)) {
      return p.numFeatures();
    }
  }
}

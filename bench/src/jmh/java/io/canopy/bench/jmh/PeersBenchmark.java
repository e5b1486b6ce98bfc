package io.canopy.bench.jmh;

import biz.k11i.xgboost.util.FVec;
import io.canopy.common.digest.Sha256;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.predict.Predictor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Canopy's flat forest beside the evaluators a user would pick instead, on the same rows: XGBoost4J
 * ({@code inplace_predict}, the engine of record) and the pure-Java {@code
 * ai.h2o:xgboost-predictor} (which reads only XGBoost's legacy binary format: the fixtures' {@code
 * .legacy.bin} copies, written by Python xgboost 1.7.4 from the same models as the {@code .ubj}
 * files). Before anything is timed, each engine's predictions for the fixtures' 64 rows (NaNs
 * included) are checked against Python's: the comparison is of engines that agree. Per-row cost =
 * score / batch. Benchmark-only: no product code depends on the peer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PeersBenchmark {

  /**
   * breast_cancer: binary:logistic, 30 features, 120 trees depth 6; diabetes: regression, 10
   * features, 200 trees depth 4.
   */
  @Param({"breast_cancer", "diabetes"})
  public String model;

  @Param({"1", "8", "64", "512"})
  public int batch;

  @Param({"flat", "xgboost4j", "h2o"})
  public String engine;

  private Predictor canopy;
  private biz.k11i.xgboost.Predictor h2o;
  private int features;
  private float[][] pool;
  private FVec[][] vectors;
  private int next;

  @Setup
  public void load() throws Exception {
    String prefix = model.equals("breast_cancer") ? "breast_cancer_binary" : "diabetes_regression";
    byte[] ubj = resource(prefix + ".ubj");
    float[][] rows = rows(model + "_rows.csv");
    features = rows[0].length;
    double[] expected =
        column(
            model.equals("breast_cancer")
                ? "breast_cancer_expected_probability.csv"
                : "diabetes_expected_prediction.csv");
    switch (engine) {
      case "flat", "xgboost4j" -> {
        FastPathSettings fast =
            engine.equals("flat") ? new FastPathSettings(true, 512) : FastPathSettings.DISABLED;
        canopy = Predictor.load(ubj, Sha256.hex(ubj), 1, fast);
        Engine wanted = engine.equals("flat") ? Engine.FLAT : Engine.XGBOOST;
        if (canopy.engine().engine() != wanted) {
          throw new IllegalStateException("engine " + canopy.engine() + ", wanted " + wanted);
        }
      }
      case "h2o" -> {
        try (InputStream in = new ByteArrayInputStream(resource(prefix + ".legacy.bin"))) {
          h2o = new biz.k11i.xgboost.Predictor(in);
        }
      }
      default -> throw new IllegalArgumentException(engine);
    }
    // Agreement first: every engine answers Python's values on the fixture rows.
    for (int r = 0; r < rows.length; r++) {
      float got = predictOne(rows[r]);
      double want = expected[r];
      if (Math.abs(got - want) > 1e-5 * Math.max(1, Math.abs(want))) {
        throw new IllegalStateException(
            engine + " on " + model + " row " + r + ": " + got + ", Python says " + want);
      }
    }
    // Batches cycled from the fixture rows, so every engine sees the same values.
    int batches = Math.max(4, 4096 / batch);
    pool = new float[batches][batch * features];
    vectors = new FVec[batches][batch];
    int row = 0;
    for (int b = 0; b < batches; b++) {
      for (int i = 0; i < batch; i++, row++) {
        float[] x = rows[row % rows.length];
        System.arraycopy(x, 0, pool[b], i * features, features);
        vectors[b][i] = FVec.Transformer.fromArray(x, false);
      }
    }
  }

  private float predictOne(float[] row) {
    if (h2o != null) {
      return h2o.predictSingle(FVec.Transformer.fromArray(row, false));
    }
    return canopy.predict(row, 1, PredictionKind.VALUE).values()[0];
  }

  @TearDown
  public void close() {
    if (canopy != null) {
      canopy.close();
    }
  }

  @Benchmark
  public Object predict() {
    int b = next;
    next = next + 1 == pool.length ? 0 : next + 1;
    if (h2o != null) {
      float[] out = new float[batch];
      FVec[] rows = vectors[b];
      for (int i = 0; i < batch; i++) {
        out[i] = h2o.predictSingle(rows[i]);
      }
      return out;
    }
    Prediction p = canopy.predict(pool[b], batch, PredictionKind.VALUE);
    return p;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PeersBenchmark.class.getResourceAsStream("/peers/" + name)) {
      if (in == null) {
        throw new IOException("no resource peers/" + name);
      }
      return in.readAllBytes();
    }
  }

  /** A CSV with a header; empty cells are NaN (missing). */
  private static float[][] rows(String name) throws IOException {
    List<float[]> out = new ArrayList<>();
    String[] lines = new String(resource(name), StandardCharsets.UTF_8).split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] cells = lines[i].trim().split(",", -1);
      float[] row = new float[cells.length];
      for (int c = 0; c < cells.length; c++) {
        row[c] =
            cells[c].isEmpty() || cells[c].equalsIgnoreCase("nan")
                ? Float.NaN
                : Float.parseFloat(cells[c]);
      }
      out.add(row);
    }
    return out.toArray(float[][]::new);
  }

  private static double[] column(String name) throws IOException {
    String[] lines = new String(resource(name), StandardCharsets.UTF_8).trim().split("\n");
    List<Double> out = new ArrayList<>();
    for (String line : lines) {
      try {
        out.add(Double.parseDouble(line.trim().split(",")[0]));
      } catch (NumberFormatException e) {
        // a header line
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}

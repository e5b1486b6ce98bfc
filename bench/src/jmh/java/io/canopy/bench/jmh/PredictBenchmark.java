package io.canopy.bench.jmh;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * XGBoost4J {@code inplace_predict} (no DMatrix, no lock) against {@code DMatrix} + {@code predict}
 * (a per-Booster lock in 3.0.x) at batch 1/8/64/512, on a binary:logistic model of 100 trees of
 * depth 6 over 30 features trained here in the setup (nthread 1, as serving predicts). The
 * two-thread variants show what the DMatrix path's lock costs under concurrency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PredictBenchmark {

  static final int FEATURES = 30;
  static final int TRAIN_ROWS = 5_000;

  @Param({"1", "8", "64", "512"})
  public int batch;

  private Booster booster;
  private float[] rows;

  @Setup
  public void train() throws XGBoostError {
    SyntheticTraining training = SyntheticTraining.generate(TRAIN_ROWS, FEATURES, 42);
    float[] data = training.data();
    DMatrix train = training.matrix();
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 6);
    params.put("eta", 0.1);
    params.put("nthread", 2);
    booster = XGBoost.train(train, params, 100, new HashMap<>(), null, null);
    booster.setParam("nthread", "1");
    train.dispose();
    rows = new float[batch * FEATURES];
    System.arraycopy(data, 0, rows, 0, rows.length);
  }

  @TearDown
  public void dispose() {
    booster.dispose();
  }

  @Benchmark
  public float[][] inplacePredict() throws XGBoostError {
    return booster.inplace_predict(rows, batch, FEATURES, Float.NaN);
  }

  @Benchmark
  public float[][] dmatrixPredict() throws XGBoostError {
    DMatrix matrix = new DMatrix(rows, batch, FEATURES, Float.NaN);
    try {
      return booster.predict(matrix);
    } finally {
      matrix.dispose();
    }
  }

  @Benchmark
  @Threads(2)
  public float[][] inplacePredictTwoThreads() throws XGBoostError {
    return inplacePredict();
  }

  @Benchmark
  @Threads(2)
  public float[][] dmatrixPredictTwoThreads() throws XGBoostError {
    return dmatrixPredict();
  }
}

package io.canopy.bench.jmh;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import io.canopy.common.digest.Sha256;
import io.canopy.lightgbm.LightGbmNative;
import io.canopy.lightgbm.Training;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.predict.Predictor;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * LightGBM models: serving's verified pure-Java walk ({@code flat}, through {@link
 * Predictor#predict}, VALUE, output arrays included) against LightGBM's own library called as a
 * Java user would at its fastest — its fast single-row API ({@code
 * LGBM_BoosterPredictForMatSingleRowFast}, critical JNI array, no copy) row by row, and its batch
 * API ({@code LGBM_BoosterPredictForMat}) on input already in native memory (the copy is not timed,
 * which favours LightGBM) — at batch 1/8/64/512, one thread, for a 100-tree and a 1,000-tree binary
 * model (31 leaves, 30 features, trained by LightGBM on synthetic data, 5 % NaN inputs), cycling
 * through 16,384 generated rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LightGbmBenchmark {

  static final int FEATURES = 30;
  static final int TRAIN_ROWS = 5_000;

  /**
   * Rows cycled through, whatever the batch: enough that no branch predictor learns the paths (with
   * 64 single rows, a walk's branches are learned and LightGBM's single-row time halves).
   */
  private static final int POOL_ROWS = 16_384;

  @Param({"100", "1000"})
  public int trees;

  @Param({"1", "8", "64", "512"})
  public int batch;

  @Param({"flat", "lightgbm-single-row", "lightgbm-batch"})
  public String engine;

  private Predictor predictor;
  private float[][] pool;
  private double[][] doublePool;
  private SWIGTYPE_p_void booster;
  private SWIGTYPE_p_void fastConfig;
  private SWIGTYPE_p_float[] nativePool;
  private SWIGTYPE_p_long_long outLength;
  private SWIGTYPE_p_double out;
  private int pools;
  private int next;

  @Setup
  public void load() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    String text = train(random);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    pools = Math.max(16, POOL_ROWS / batch);
    pool = new float[pools][batch * FEATURES];
    doublePool = new double[pools][batch * FEATURES];
    for (int p = 0; p < pools; p++) {
      for (int i = 0; i < batch * FEATURES; i++) {
        pool[p][i] = random.nextDouble() < 0.05 ? Float.NaN : (float) random.nextGaussian();
        doublePool[p][i] = pool[p][i];
      }
    }
    if (engine.equals("flat")) {
      predictor = Predictor.load(bytes, Sha256.hex(bytes), 1, new FastPathSettings(true, batch));
      if (predictor.engine().engine() != Engine.FLAT) {
        throw new IllegalStateException("engine " + predictor.engine());
      }
      return;
    }
    LightGbmNative.load();
    SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
    SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
    check(lightgbmlib.LGBM_BoosterLoadModelFromString(text, iterations, handle));
    booster = lightgbmlib.voidpp_value(handle);
    outLength = lightgbmlib.new_int64_tp();
    out = lightgbmlib.new_doubleArray(batch);
    if (engine.equals("lightgbm-single-row")) {
      SWIGTYPE_p_p_void config = lightgbmlib.new_voidpp();
      check(
          lightgbmlib.LGBM_BoosterPredictForMatSingleRowFastInit(
              booster,
              0,
              0,
              -1,
              lightgbmlib.C_API_DTYPE_FLOAT64,
              FEATURES,
              "num_threads=1",
              config));
      fastConfig = lightgbmlib.voidpp_value(config);
    } else {
      nativePool = new SWIGTYPE_p_float[pools];
      for (int p = 0; p < pools; p++) {
        nativePool[p] = lightgbmlib.new_floatArray(batch * FEATURES);
        for (int i = 0; i < batch * FEATURES; i++) {
          lightgbmlib.floatArray_setitem(nativePool[p], i, pool[p][i]);
        }
      }
    }
  }

  private String train(SplittableRandom random) throws Exception {
    float[] x = new float[TRAIN_ROWS * FEATURES];
    float[] y = new float[TRAIN_ROWS];
    for (int r = 0; r < TRAIN_ROWS; r++) {
      double logit = 0;
      for (int f = 0; f < FEATURES; f++) {
        float v = (float) random.nextGaussian();
        x[r * FEATURES + f] = random.nextDouble() < 0.05 ? Float.NaN : v;
        logit += (f % 3 == 0 ? 0.4 : -0.2) * v;
      }
      y[r] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    String[] names = new String[FEATURES];
    for (int f = 0; f < FEATURES; f++) {
      names[f] = "f" + f;
    }
    return Training.train(
        x,
        y,
        FEATURES,
        names,
        null,
        "objective=binary num_leaves=31 learning_rate=0.05 verbosity=-1 num_threads=1 seed=42",
        trees);
  }

  @TearDown
  public void dispose() {
    if (predictor != null) {
      predictor.close();
    }
    if (booster != null) {
      if (fastConfig != null) {
        lightgbmlib.LGBM_FastConfigFree(fastConfig);
      }
      if (nativePool != null) {
        for (SWIGTYPE_p_float p : nativePool) {
          lightgbmlib.delete_floatArray(p);
        }
      }
      lightgbmlib.delete_doubleArray(out);
      lightgbmlib.LGBM_BoosterFree(booster);
    }
  }

  @Benchmark
  public void predict(Blackhole sink) {
    int p = next;
    next = next + 1 == pools ? 0 : next + 1;
    switch (engine) {
      case "flat" -> sink.consume(predictor.predict(pool[p], batch, PredictionKind.VALUE));
      case "lightgbm-single-row" -> {
        double[] rows = doublePool[p];
        double[] row = new double[FEATURES];
        for (int r = 0; r < batch; r++) {
          System.arraycopy(rows, r * FEATURES, row, 0, FEATURES);
          check(
              lightgbmlib.LGBM_BoosterPredictForMatSingleRowFastCriticalSWIG(
                  row, fastConfig, outLength, out));
          sink.consume(lightgbmlib.doubleArray_getitem(out, 0));
        }
      }
      default -> {
        check(
            lightgbmlib.LGBM_BoosterPredictForMat(
                booster,
                lightgbmlib.float_to_voidp_ptr(nativePool[p]),
                lightgbmlib.C_API_DTYPE_FLOAT32,
                batch,
                FEATURES,
                1,
                0,
                0,
                -1,
                "num_threads=1",
                outLength,
                out));
        sink.consume(lightgbmlib.doubleArray_getitem(out, batch - 1));
      }
    }
  }

  private static void check(int rc) {
    if (rc != 0) {
      throw new IllegalStateException("LightGBM: " + lightgbmlib.LGBM_GetLastError());
    }
  }
}

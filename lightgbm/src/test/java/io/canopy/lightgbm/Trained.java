package io.canopy.lightgbm;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A model trained by LightGBM's own library (lightgbm4j) on generated rows, with its text and
 * LightGBM's predictions, for the tests. Rows have missing values (NaN), zeros, negatives, and for
 * categorical models small non-negative integers in the categorical columns.
 */
public final class Trained implements AutoCloseable {

  public final String text;
  final NativeBooster booster;
  public final int features;

  private Trained(String text, NativeBooster booster, int features) {
    this.text = text;
    this.booster = booster;
    this.features = features;
  }

  public byte[] bytes() {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Trains on {@code rows} generated rows.
   *
   * @param labels "binary", "multiclass3", "regression", "count", "positive", "rank"
   * @param parameters LightGBM parameters, e.g. "objective=binary num_leaves=15"
   */
  public static Trained train(String labels, String parameters, int rows, int iterations, long seed)
      throws Exception {
    int features = 6;
    Random random = new Random(seed);
    float[] x = rows(rows, features, random);
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      float a = Float.isNaN(x[r * features]) ? 0 : x[r * features];
      float b = x[r * features + 1];
      float c = x[r * features + 2];
      float d = x[r * features + 3];
      double signal =
          a + 0.5 * b - 0.3 * (c % 3) + (d % 5 == 0 ? 0.9 : 0) + random.nextGaussian() * 0.3;
      y[r] =
          switch (labels) {
            case "binary" -> signal > 0.2 ? 1 : 0;
            case "multiclass3" -> signal < -0.5 ? 0 : signal < 0.8 ? 1 : 2;
            case "regression" -> (float) signal;
            case "count" -> (float) Math.floor(Math.exp(Math.min(3, signal)));
            case "positive" -> (float) Math.exp(Math.min(3, signal));
            case "rank" -> (float) Math.max(0, Math.min(3, Math.round(signal + 1)));
            default -> throw new IllegalArgumentException(labels);
          };
    }
    String params = parameters + " verbosity=-1 num_threads=1 deterministic=true seed=1";
    String[] names = new String[features];
    for (int f = 0; f < features; f++) {
      names[f] = "f" + f;
    }
    int[] groups = null;
    if (labels.equals("rank")) {
      groups = new int[rows / 20];
      java.util.Arrays.fill(groups, 20);
    }
    String text = trainedText(x, y, rows, features, names, groups, params, iterations);
    return new Trained(text, new NativeBooster(text, features), features);
  }

  /**
   * Trains through LightGBM's C API (SWIG), with the libraries {@link LightGbmNative} loaded:
   * lightgbm4j's own classes would extract them to a fixed path in /tmp, shared with every other
   * process doing the same (which crashed test JVMs here while a validation child rewrote it).
   */
  private static String trainedText(
      float[] x,
      float[] y,
      int rows,
      int features,
      String[] names,
      int[] groups,
      String params,
      int iterations)
      throws java.io.IOException {
    LightGbmNative.load();
    SWIGTYPE_p_float data = lightgbmlib.new_floatArray(x.length);
    SWIGTYPE_p_float label = lightgbmlib.new_floatArray(rows);
    SWIGTYPE_p_p_void datasetOut = lightgbmlib.new_voidpp();
    SWIGTYPE_p_p_void boosterOut = lightgbmlib.new_voidpp();
    SWIGTYPE_p_int finished = lightgbmlib.new_intp();
    SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
    try {
      for (int i = 0; i < x.length; i++) {
        lightgbmlib.floatArray_setitem(data, i, x[i]);
      }
      for (int i = 0; i < rows; i++) {
        lightgbmlib.floatArray_setitem(label, i, y[i]);
      }
      check(
          lightgbmlib.LGBM_DatasetCreateFromMat(
              lightgbmlib.float_to_voidp_ptr(data),
              lightgbmlib.C_API_DTYPE_FLOAT32,
              rows,
              features,
              1,
              params,
              null,
              datasetOut));
      SWIGTYPE_p_void dataset = lightgbmlib.voidpp_value(datasetOut);
      try {
        check(
            lightgbmlib.LGBM_DatasetSetField(
                dataset,
                "label",
                lightgbmlib.float_to_voidp_ptr(label),
                rows,
                lightgbmlib.C_API_DTYPE_FLOAT32));
        if (groups != null) {
          SWIGTYPE_p_int group = lightgbmlib.new_intArray(groups.length);
          for (int i = 0; i < groups.length; i++) {
            lightgbmlib.intArray_setitem(group, i, groups[i]);
          }
          check(
              lightgbmlib.LGBM_DatasetSetField(
                  dataset,
                  "group",
                  lightgbmlib.int_to_voidp_ptr(group),
                  groups.length,
                  lightgbmlib.C_API_DTYPE_INT32));
          lightgbmlib.delete_intArray(group);
        }
        check(lightgbmlib.LGBM_DatasetSetFeatureNames(dataset, names, names.length));
        check(lightgbmlib.LGBM_BoosterCreate(dataset, params, boosterOut));
        SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(boosterOut);
        try {
          for (int i = 0; i < iterations; i++) {
            check(lightgbmlib.LGBM_BoosterUpdateOneIter(booster, finished));
          }
          return lightgbmlib.LGBM_BoosterSaveModelToStringSWIG(booster, 0, -1, 0, 1 << 20, length);
        } finally {
          lightgbmlib.LGBM_BoosterFree(booster);
        }
      } finally {
        lightgbmlib.LGBM_DatasetFree(dataset);
      }
    } finally {
      lightgbmlib.delete_floatArray(data);
      lightgbmlib.delete_floatArray(label);
      lightgbmlib.delete_voidpp(datasetOut);
      lightgbmlib.delete_voidpp(boosterOut);
      lightgbmlib.delete_intp(finished);
      lightgbmlib.delete_int64_tp(length);
    }
  }

  private static void check(int rc) {
    if (rc != 0) {
      throw new IllegalStateException("LightGBM: " + lightgbmlib.LGBM_GetLastError());
    }
  }

  /** Generated rows: column 0 with NaNs, 1 with zeros, 2 and 3 small integers, 4-5 uniform. */
  public static float[] rows(int rows, int features, Random random) {
    float[] x = new float[rows * features];
    for (int r = 0; r < rows; r++) {
      int o = r * features;
      x[o] = random.nextFloat() < 0.15 ? Float.NaN : (float) random.nextGaussian();
      x[o + 1] = random.nextFloat() < 0.2 ? 0f : (float) (random.nextGaussian() * 2);
      x[o + 2] = random.nextInt(12);
      x[o + 3] = random.nextInt(40);
      x[o + 4] = random.nextFloat() * 10 - 5;
      x[o + 5] = random.nextFloat();
    }
    return x;
  }

  /** LightGBM's predictions ({@link NativeBooster#RAW} ...), row-major. */
  public double[] predict(float[] rows, int count, int type) {
    return booster.predict(rows, count, type);
  }

  @Override
  public void close() {
    booster.close();
  }
}

package io.canopy.lightgbm;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;

/**
 * A model loaded by LightGBM's own native library (its C API through lightgbm4j's SWIG bindings),
 * with output buffers sized by LightGBM itself ({@code LGBM_BoosterCalcNumPredict}). lightgbm4j's
 * own {@code predictForMat} sizes its buffer as two values per row (times the iterations for leaf
 * indices): a model with three or more classes writes past it and corrupts the heap (found in this
 * module's tests: "double free or corruption"), so it is never used. Only for bytes that {@link
 * LightGbmText} has accepted; in a serving process only for files the registry validated.
 * Predictions may run from many threads at once; {@link #close} only when none is running.
 */
public final class NativeBooster implements AutoCloseable {

  /** LightGBM's C_API_PREDICT_NORMAL: the objective's outputs. */
  public static final int NORMAL = 0;

  /** C_API_PREDICT_RAW_SCORE: the raw scores (margins). */
  public static final int RAW = 1;

  /** C_API_PREDICT_LEAF_INDEX: one leaf index per tree. */
  public static final int LEAF = 2;

  /** C_API_PREDICT_CONTRIB: SHAP contributions, features + 1 (the bias) per class. */
  public static final int CONTRIB = 3;

  /** Every prediction on one thread: the caller's pool decides the parallelism. */
  private static final String PREDICT_PARAMETERS = "num_threads=1";

  private final SWIGTYPE_p_void handle;
  private final int features;

  /**
   * Loads {@code text} with LightGBM's parser.
   *
   * @throws IllegalStateException when LightGBM refuses it (with LightGBM's message)
   */
  public NativeBooster(String text, int features) throws java.io.IOException {
    LightGbmNative.load();
    SWIGTYPE_p_p_void out = lightgbmlib.new_voidpp();
    SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
    try {
      check(lightgbmlib.LGBM_BoosterLoadModelFromString(text, iterations, out));
      this.handle = lightgbmlib.voidpp_value(out);
    } finally {
      lightgbmlib.delete_intp(iterations);
      lightgbmlib.delete_voidpp(out);
    }
    this.features = features;
  }

  /** LightGBM's predictions of {@code count} row-major rows, {@code type} one of NORMAL ... */
  public double[] predict(float[] rows, int count, int type) {
    SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
    check(lightgbmlib.LGBM_BoosterCalcNumPredict(handle, count, type, 0, -1, length));
    long size = lightgbmlib.int64_tp_value(length);
    SWIGTYPE_p_double out = lightgbmlib.new_doubleArray(size);
    SWIGTYPE_p_float data = lightgbmlib.new_floatArray(rows.length);
    try {
      for (int i = 0; i < rows.length; i++) {
        lightgbmlib.floatArray_setitem(data, i, rows[i]);
      }
      check(
          lightgbmlib.LGBM_BoosterPredictForMat(
              handle,
              lightgbmlib.float_to_voidp_ptr(data),
              lightgbmlib.C_API_DTYPE_FLOAT32,
              count,
              features,
              1,
              type,
              0,
              -1,
              PREDICT_PARAMETERS,
              length,
              out));
      double[] values = new double[(int) lightgbmlib.int64_tp_value(length)];
      for (int i = 0; i < values.length; i++) {
        values[i] = lightgbmlib.doubleArray_getitem(out, i);
      }
      return values;
    } finally {
      lightgbmlib.delete_floatArray(data);
      lightgbmlib.delete_doubleArray(out);
      lightgbmlib.delete_int64_tp(length);
    }
  }

  /** LightGBM's C API returns non-zero on failure, with the reason in its last error. */
  static void check(int rc) {
    if (rc != 0) {
      throw new IllegalStateException("LightGBM: " + lightgbmlib.LGBM_GetLastError());
    }
  }

  @Override
  public void close() {
    lightgbmlib.LGBM_BoosterFree(handle);
  }
}

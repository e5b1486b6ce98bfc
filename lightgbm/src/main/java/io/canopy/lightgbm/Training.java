package io.canopy.lightgbm;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import java.io.IOException;

/**
 * Trains a model with LightGBM's library through its C API, with the libraries {@link
 * LightGbmNative} loaded (lightgbm4j's own classes would extract them to a shared path in /tmp):
 * the demo's {@code churn-lgbm} model, and the tests' models.
 */
public final class Training {

  private Training() {}

  /**
   * Trains on row-major {@code x} and returns the model in LightGBM's text format.
   *
   * @param groups query sizes for ranking objectives, else null
   * @param parameters LightGBM parameters, e.g. {@code "objective=binary num_leaves=15"}
   */
  public static String train(
      float[] x,
      float[] y,
      int features,
      String[] names,
      int[] groups,
      String parameters,
      int iterations)
      throws IOException {
    LightGbmNative.load();
    int rows = y.length;
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
      NativeBooster.check(
          lightgbmlib.LGBM_DatasetCreateFromMat(
              lightgbmlib.float_to_voidp_ptr(data),
              lightgbmlib.C_API_DTYPE_FLOAT32,
              rows,
              features,
              1,
              parameters,
              null,
              datasetOut));
      SWIGTYPE_p_void dataset = lightgbmlib.voidpp_value(datasetOut);
      try {
        NativeBooster.check(
            lightgbmlib.LGBM_DatasetSetField(
                dataset,
                "label",
                lightgbmlib.float_to_voidp_ptr(label),
                rows,
                lightgbmlib.C_API_DTYPE_FLOAT32));
        if (groups != null) {
          setGroups(dataset, groups);
        }
        NativeBooster.check(lightgbmlib.LGBM_DatasetSetFeatureNames(dataset, names, names.length));
        NativeBooster.check(lightgbmlib.LGBM_BoosterCreate(dataset, parameters, boosterOut));
        SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(boosterOut);
        try {
          for (int i = 0; i < iterations; i++) {
            NativeBooster.check(lightgbmlib.LGBM_BoosterUpdateOneIter(booster, finished));
          }
          String text =
              lightgbmlib.LGBM_BoosterSaveModelToStringSWIG(booster, 0, -1, 0, 1 << 20, length);
          if (text == null) {
            throw new IllegalStateException("LightGBM: " + lightgbmlib.LGBM_GetLastError());
          }
          return text;
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

  private static void setGroups(SWIGTYPE_p_void dataset, int[] groups) {
    SWIGTYPE_p_int group = lightgbmlib.new_intArray(groups.length);
    try {
      for (int i = 0; i < groups.length; i++) {
        lightgbmlib.intArray_setitem(group, i, groups[i]);
      }
      NativeBooster.check(
          lightgbmlib.LGBM_DatasetSetField(
              dataset,
              "group",
              lightgbmlib.int_to_voidp_ptr(group),
              groups.length,
              lightgbmlib.C_API_DTYPE_INT32));
    } finally {
      lightgbmlib.delete_intArray(group);
    }
  }
}

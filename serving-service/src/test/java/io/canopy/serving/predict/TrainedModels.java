package io.canopy.serving.predict;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Small models trained in the test with XGBoost4J on synthetic data with fixed seeds, for the
 * objectives the Python fixtures do not cover (multi-class, ranking).
 */
final class TrainedModels {

  static final int FEATURES = 5;

  /** A trained booster and the rows it can be checked on (row-major, some NaN). */
  record Trained(Booster booster, float[] rows, int numRows) {}

  private TrainedModels() {}

  /** Rows of uniform features in [0, 1), about 5 % of them missing. */
  static float[] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] rows = new float[n * FEATURES];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextDouble() < 0.05 ? Float.NaN : (float) random.nextDouble();
    }
    return rows;
  }

  private static float at(float[] rows, int r, int f) {
    float v = rows[r * FEATURES + f];
    return Float.isNaN(v) ? 0.5f : v;
  }

  /** 3 classes, by which of three feature sums is largest. */
  static Trained multiClass(String objective) throws XGBoostError {
    int n = 300;
    float[] rows = rows(n, 42);
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      float a = at(rows, r, 0) + at(rows, r, 1);
      float b = at(rows, r, 2) + at(rows, r, 3) * 0.5f;
      float c = at(rows, r, 4) * 1.5f;
      labels[r] = a >= b && a >= c ? 0 : b >= c ? 1 : 2;
    }
    Map<String, Object> params = params(objective);
    params.put("num_class", 3);
    return train(rows, n, labels, null, params);
  }

  /** Query groups of 10 with graded relevance 0-3 driven by two features. */
  static Trained ranking(String objective) throws XGBoostError {
    int n = 200;
    float[] rows = rows(n, 7);
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      labels[r] = Math.min(3, (int) ((at(rows, r, 0) * 2 + at(rows, r, 3)) * 4 / 3));
    }
    int[] groups = new int[n / 10];
    java.util.Arrays.fill(groups, 10);
    return train(rows, n, labels, groups, params(objective));
  }

  private static Map<String, Object> params(String objective) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 3);
    params.put("eta", 0.3);
    params.put("seed", 1);
    params.put("nthread", 1);
    return params;
  }

  private static Trained train(
      float[] rows, int n, float[] labels, int[] groups, Map<String, Object> params)
      throws XGBoostError {
    DMatrix train = new DMatrix(rows, n, FEATURES, Float.NaN);
    try {
      train.setLabel(labels);
      if (groups != null) {
        train.setGroup(groups);
      }
      Booster booster = XGBoost.train(train, params, 10, new HashMap<>(), null, null);
      return new Trained(booster, rows, n);
    } finally {
      train.dispose();
    }
  }
}

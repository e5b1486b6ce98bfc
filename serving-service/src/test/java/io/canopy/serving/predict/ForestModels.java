package io.canopy.serving.predict;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Models trained in the test with XGBoost4J on synthetic data (fixed seeds) for the flat forest's
 * parity and fallback tests: one per objective, plus deep and many-tree models.
 */
final class ForestModels {

  static final int FEATURES = 8;

  private ForestModels() {}

  /** Rows of Gaussian features, about {@code missing} of them NaN. */
  static float[] rows(int n, long seed, double missing) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] rows = new float[n * FEATURES];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextDouble() < missing ? Float.NaN : (float) random.nextGaussian();
    }
    return rows;
  }

  /** A signal of the first features (NaN counts as 0) that the labels follow. */
  private static double signal(float[] rows, int r) {
    double s = 0;
    for (int f = 0; f < 4; f++) {
      float v = rows[r * FEATURES + f];
      s += Float.isNaN(v) ? 0 : v * (f % 2 == 0 ? 1 : -0.7);
    }
    return s;
  }

  /** Trains {@code rounds} rounds of {@code objective} with the given extra parameters. */
  static Booster train(String objective, int rounds, int maxDepth, Map<String, Object> extra)
      throws XGBoostError {
    int n = 600;
    float[] rows = rows(n, 11, 0.05);
    SplittableRandom noise = new SplittableRandom(5);
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      double s = signal(rows, r) + 0.3 * noise.nextGaussian();
      labels[r] =
          switch (objective) {
            case "multi:softprob", "multi:softmax" -> s < -0.5 ? 0 : s < 0.5 ? 1 : 2;
            case "rank:pairwise", "rank:ndcg" ->
                (float) Math.max(0, Math.min(3, Math.round(s + 1)));
            case "reg:logistic" -> (float) (1 / (1 + Math.exp(-s)));
            case "count:poisson" -> (float) Math.floor(Math.exp(0.5 * s) * 2);
            case "reg:gamma", "reg:tweedie" -> (float) Math.exp(0.3 * s) + 0.01f;
            case "binary:logistic", "binary:logitraw", "binary:hinge" -> s > 0 ? 1 : 0;
            default -> (float) s;
          };
    }
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", maxDepth);
    params.put("eta", 0.1);
    params.put("seed", 1);
    params.put("nthread", 1);
    if (objective.startsWith("multi:")) {
      params.put("num_class", 3);
    }
    params.putAll(extra);
    DMatrix train = new DMatrix(rows, n, FEATURES, Float.NaN);
    try {
      train.setLabel(labels);
      if (objective.startsWith("rank:")) {
        int[] groups = new int[n / 20];
        java.util.Arrays.fill(groups, 20);
        train.setGroup(groups);
      }
      return XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
    } finally {
      train.dispose();
    }
  }

  /** A model whose feature 0 is categorical (6 categories) and decides the label. */
  static Booster categorical() throws XGBoostError {
    int n = 600;
    float[] rows = rows(n, 3, 0.0);
    float[] labels = new float[n];
    SplittableRandom random = new SplittableRandom(9);
    for (int r = 0; r < n; r++) {
      int category = random.nextInt(6);
      rows[r * FEATURES] = category;
      labels[r] = (category == 1 || category == 3 || category == 4) ? 1 : 0;
    }
    String[] types = new String[FEATURES];
    java.util.Arrays.fill(types, "q");
    types[0] = "c";
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("tree_method", "hist");
    params.put("max_cat_to_onehot", 1);
    params.put("max_depth", 3);
    params.put("seed", 1);
    params.put("nthread", 1);
    DMatrix train = new DMatrix(rows, n, FEATURES, Float.NaN);
    try {
      train.setLabel(labels);
      train.setFeatureTypes(types);
      return XGBoost.train(train, params, 10, new HashMap<>(), null, null);
    } finally {
      train.dispose();
    }
  }
}

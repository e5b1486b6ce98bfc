package io.canopy.cli.up;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the demo model with XGBoost4J: a churn classifier on generated customers, four named
 * features, binary:logistic. Deterministic (fixed seed), so the demo prints the same numbers.
 */
public final class DemoModel {

  public static final String[] FEATURES = {
    "tenure_months", "monthly_spend", "support_calls", "age"
  };

  /** A customer the demo's curl line predicts for: short tenure, many support calls. */
  public static final float[] EXAMPLE_ROW = {2f, 80f, 6f, 31f};

  private static final int ROWS = 2000;

  private DemoModel() {}

  /** A generated customer: tenure_months, monthly_spend, support_calls, age. */
  static float[] customer(SplittableRandom random) {
    return new float[] {
      (float) random.nextDouble(0, 72),
      (float) random.nextDouble(20, 120),
      random.nextInt(0, 10),
      (float) random.nextDouble(18, 80)
    };
  }

  /** Whether {@code c} churns: drawn from the generator's true churn probability. */
  static boolean churns(float[] c, SplittableRandom random) {
    double logit = -1.0 - 0.06 * c[0] + 0.02 * c[1] + 0.45 * c[2] - 0.01 * c[3];
    return random.nextDouble() < 1 / (1 + Math.exp(-logit));
  }

  /** The generated customers (row-major) and whether each churned, the same for both models. */
  private record Customers(float[] data, float[] labels) {}

  private static Customers customers() {
    SplittableRandom random = new SplittableRandom(42);
    float[] data = new float[ROWS * FEATURES.length];
    float[] labels = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      float[] c = customer(random);
      System.arraycopy(c, 0, data, r * FEATURES.length, FEATURES.length);
      labels[r] = churns(c, random) ? 1f : 0f;
    }
    return new Customers(data, labels);
  }

  /**
   * The same churn classifier trained by LightGBM on the same customers (the demo's {@code
   * churn-lgbm}), as LightGBM's text model.
   */
  public static byte[] trainLightGbm() throws java.io.IOException {
    Customers customers = customers();
    String text =
        io.canopy.lightgbm.Training.train(
            customers.data(),
            customers.labels(),
            FEATURES.length,
            FEATURES,
            null,
            "objective=binary num_leaves=15 learning_rate=0.1 verbosity=-1 num_threads=1"
                + " deterministic=true seed=42",
            40);
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Returns the trained model as UBJ bytes. */
  public static byte[] train() throws XGBoostError {
    Customers customers = customers();
    float[] data = customers.data();
    float[] labels = customers.labels();
    DMatrix train = new DMatrix(data, ROWS, FEATURES.length, Float.NaN);
    try {
      train.setLabel(labels);
      train.setFeatureNames(FEATURES);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", 4);
      params.put("eta", 0.3);
      params.put("nthread", 1);
      params.put("seed", 42);
      Booster booster = XGBoost.train(train, params, 30, Map.of(), null, null);
      try {
        return booster.toByteArray("ubj");
      } finally {
        booster.dispose();
      }
    } finally {
      train.dispose();
    }
  }
}

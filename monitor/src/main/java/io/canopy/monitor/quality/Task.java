package io.canopy.monitor.quality;

/**
 * What a model predicts, as its objective (XGBoost's or LightGBM's) says; decides which quality
 * metrics apply.
 */
public enum Task {
  /** binary:logistic: one probability per row. */
  BINARY,
  /** multi:softprob: one probability per class; multi:softmax: the class itself. */
  MULTICLASS,
  /** reg:*, count:*, survival:*: one value per row. */
  REGRESSION,
  /** Objectives whose outputs no metric here fits (rank:*, binary:hinge, binary:logitraw, ""). */
  UNSCORED;

  /** LightGBM's objective names (they never hold a ':', XGBoost's always do) by task. */
  private static final java.util.Map<String, Task> LIGHTGBM =
      java.util.Map.ofEntries(
          java.util.Map.entry("binary", BINARY),
          java.util.Map.entry("cross_entropy", BINARY),
          java.util.Map.entry("multiclass", MULTICLASS),
          java.util.Map.entry("multiclassova", MULTICLASS),
          java.util.Map.entry("regression", REGRESSION),
          java.util.Map.entry("regression_l1", REGRESSION),
          java.util.Map.entry("huber", REGRESSION),
          java.util.Map.entry("fair", REGRESSION),
          java.util.Map.entry("quantile", REGRESSION),
          java.util.Map.entry("mape", REGRESSION),
          java.util.Map.entry("poisson", REGRESSION),
          java.util.Map.entry("gamma", REGRESSION),
          java.util.Map.entry("tweedie", REGRESSION));

  public static Task of(String objective) {
    if (objective.equals("binary:logistic")) {
      return BINARY;
    }
    if (objective.startsWith("multi:")) {
      return MULTICLASS;
    }
    if (objective.startsWith("reg:")
        || objective.startsWith("count:")
        || objective.startsWith("survival:")) {
      return REGRESSION;
    }
    return LIGHTGBM.getOrDefault(objective, UNSCORED);
  }

  /** Whether outcomes of this task carry a class label (else an observed value). */
  public boolean takesLabels() {
    return this == BINARY || this == MULTICLASS;
  }
}

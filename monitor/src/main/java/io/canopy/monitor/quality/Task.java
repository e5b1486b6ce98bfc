package io.canopy.monitor.quality;

/** What a model predicts, as its XGBoost objective says; decides which quality metrics apply. */
public enum Task {
  /** binary:logistic: one probability per row. */
  BINARY,
  /** multi:softprob: one probability per class; multi:softmax: the class itself. */
  MULTICLASS,
  /** reg:*, count:*, survival:*: one value per row. */
  REGRESSION,
  /** Objectives whose outputs no metric here fits (rank:*, binary:hinge, binary:logitraw, ""). */
  UNSCORED;

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
    return UNSCORED;
  }

  /** Whether outcomes of this task carry a class label (else an observed value). */
  public boolean takesLabels() {
    return this == BINARY || this == MULTICLASS;
  }
}

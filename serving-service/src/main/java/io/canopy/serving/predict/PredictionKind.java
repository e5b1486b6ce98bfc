package io.canopy.serving.predict;

/** What a prediction returns per row. */
public enum PredictionKind {
  /** The transformed prediction: probabilities for classifiers, the value for regression. */
  VALUE,
  /** The untransformed margin (raw score). */
  MARGIN,
  /** The predicted class index: argmax over classes, or probability above 0.5 for binary. */
  CLASS,
  /** The leaf index reached in every tree. */
  LEAF,
  /** SHAP contributions per feature plus a bias column. */
  CONTRIBUTIONS;

  private final String label = name().toLowerCase(java.util.Locale.ROOT);

  /** The lower-case name ("value", "margin", ...), as prediction records and metrics say it. */
  public String label() {
    return label;
  }
}

package io.canopy.serving.predict.flat;

/**
 * The model uses something the flat forest does not evaluate; the version stays on XGBoost4J.
 * {@link #reason()} is a short, fixed code for metrics; the message says what exactly.
 */
public final class UnsupportedModelException extends Exception {

  private final String reason;

  UnsupportedModelException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * One of: dart, gblinear, booster, categorical, multi-target, objective, malformed, linear
   * (LightGBM linear trees), size (more nodes or features than int arrays can index).
   */
  public String reason() {
    return reason;
  }
}

package io.canopy.lightgbm;

import java.util.Map;

/**
 * A model's objective as LightGBM writes it on the {@code objective=} line: a name and its output
 * parameters, e.g. {@code binary sigmoid:1}, {@code multiclass num_class:3}, {@code regression
 * sqrt}.
 *
 * @param name LightGBM's objective name ({@code binary}, {@code regression}, {@code lambdarank},
 *     ...)
 * @param parameters the {@code key:value} words after it, and bare words (such as {@code sqrt})
 *     with an empty value
 */
public record Objective(String name, Map<String, String> parameters) {

  public Objective {
    parameters = Map.copyOf(parameters);
  }

  /** The {@code sigmoid:} parameter (binary, multiclassova, cross_entropy), 1 when absent. */
  public double sigmoid() {
    String v = parameters.get("sigmoid");
    return v == null ? 1.0 : Double.parseDouble(v);
  }

  /** Whether the regression model was trained on the square root of the label. */
  public boolean sqrt() {
    return parameters.containsKey("sqrt");
  }
}

package io.canopy.lightgbm;

import java.util.Set;

/**
 * How each LightGBM objective turns a row's raw scores into its outputs, in LightGBM's own double
 * arithmetic and order (the objectives' {@code ConvertOutput}, after {@code average_output}'s
 * division for random forests), so that outputs equal LightGBM's normal prediction.
 */
public final class Outputs {

  /** Objectives whose outputs are the raw scores (or their signed square, with {@code sqrt}). */
  private static final Set<String> REGRESSION =
      Set.of("regression", "regression_l1", "huber", "fair", "quantile", "mape");

  private static final Set<String> RANKING = Set.of("lambdarank", "rank_xendcg");

  private Outputs() {}

  /** Whether {@code objective}'s outputs are known here. */
  public static boolean supports(Objective objective) {
    return switch (objective.name()) {
      case "binary",
          "multiclass",
          "multiclassova",
          "poisson",
          "gamma",
          "tweedie",
          "cross_entropy",
          "cross_entropy_lambda" ->
          true;
      default -> REGRESSION.contains(objective.name()) || RANKING.contains(objective.name());
    };
  }

  /**
   * Turns {@code raw} (one row's raw scores, {@code treesPerIteration} of them) into its outputs,
   * in place; an averaged model's scores are first divided by its iterations.
   */
  public static void apply(LightGbmModel model, double[] raw) {
    if (model.averageOutput()) {
      int iterations = model.trees().size() / model.treesPerIteration();
      for (int k = 0; k < raw.length; k++) {
        raw[k] /= iterations;
      }
    }
    Objective objective = model.objective();
    switch (objective.name()) {
      case "binary", "multiclassova" -> {
        double sigmoid = objective.sigmoid();
        for (int k = 0; k < raw.length; k++) {
          raw[k] = 1.0 / (1.0 + Math.exp(-sigmoid * raw[k]));
        }
      }
      case "cross_entropy" -> raw[0] = 1.0 / (1.0 + Math.exp(-raw[0]));
      case "cross_entropy_lambda" -> raw[0] = Math.log1p(Math.exp(raw[0]));
      case "multiclass" -> softmax(raw);
      case "poisson", "gamma", "tweedie" -> raw[0] = Math.exp(raw[0]);
      default -> {
        if (REGRESSION.contains(objective.name())) {
          if (objective.sqrt()) {
            raw[0] = Math.signum(raw[0]) * raw[0] * raw[0];
          }
        } else if (!RANKING.contains(objective.name())) {
          throw new IllegalArgumentException("objective '" + objective.name() + "' is not known");
        }
      }
    }
  }

  /** LightGBM's {@code Common::Softmax}: shifted by the largest score, summed in order. */
  private static void softmax(double[] scores) {
    double max = scores[0];
    for (double s : scores) {
      max = Math.max(s, max);
    }
    double sum = 0;
    for (int k = 0; k < scores.length; k++) {
      scores[k] = Math.exp(scores[k] - max);
      sum += scores[k];
    }
    for (int k = 0; k < scores.length; k++) {
      scores[k] /= sum;
    }
  }
}

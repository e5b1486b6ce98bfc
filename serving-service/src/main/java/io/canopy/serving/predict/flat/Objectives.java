package io.canopy.serving.predict.flat;

/**
 * The objectives whose output transform and base-score handling were checked against XGBoost 3.0's
 * sources ({@code regression_loss.h}, {@code regression_obj.cu}, {@code multiclass_obj.cu}) and are
 * verified per model at load time. Any other objective keeps the model on XGBoost4J.
 */
final class Objectives {

  private Objectives() {}

  /** The transform of an objective, or null when it is not supported here. */
  static OutputTransform transform(String objective) {
    return switch (objective) {
      case "binary:logistic", "reg:logistic" -> OutputTransform.SIGMOID;
      case "binary:logitraw",
          "reg:squarederror",
          "reg:linear",
          "reg:squaredlogerror",
          "reg:pseudohubererror",
          "reg:absoluteerror",
          "rank:pairwise",
          "rank:ndcg",
          "rank:map" ->
          OutputTransform.IDENTITY;
      case "count:poisson", "reg:gamma", "reg:tweedie" -> OutputTransform.EXP;
      case "multi:softprob" -> OutputTransform.SOFTMAX;
      case "multi:softmax" -> OutputTransform.ARGMAX;
      default -> null;
    };
  }

  /**
   * The margin every row starts from: the objective's {@code ProbToMargin} of {@code base_score}
   * (which the model stores in output space), in float as XGBoost computes it.
   */
  static float baseMargin(String objective, float baseScore) {
    return switch (objective) {
      // LogisticRegression::ProbToMargin: -logf(1.0f / base_score - 1.0f).
      case "binary:logistic", "reg:logistic" -> -logf(1.0f / baseScore - 1.0f);
      // Poisson, gamma and tweedie: std::log(float).
      case "count:poisson", "reg:gamma", "reg:tweedie" -> logf(baseScore);
      // Identity for the rest, binary:logitraw included.
      default -> baseScore;
    };
  }

  private static float logf(float x) {
    return (float) Math.log(x);
  }
}

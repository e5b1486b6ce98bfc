package io.canopy.serving.predict.flat;

/**
 * How an objective turns margins into values, in XGBoost 3.0's float arithmetic (its {@code
 * PredTransform}): the same operations in the same order, so values match XGBoost4J's.
 */
public enum OutputTransform {
  /** Values are the margins (squared error, ranking, logitraw). */
  IDENTITY,
  /** {@code 1 / (exp(min(-x, 88.7)) + 1 + 1e-16)} per margin (logistic objectives). */
  SIGMOID,
  /** {@code exp(x)} per margin (poisson, gamma, tweedie). */
  EXP,
  /** Softmax over the groups of a row, summed in double as XGBoost does (multi:softprob). */
  SOFTMAX,
  /** The index of the first largest margin of a row, one value per row (multi:softmax). */
  ARGMAX;

  /** Columns per row of the values, given the margin columns per row. */
  public int width(int groups) {
    return this == ARGMAX ? 1 : groups;
  }

  /**
   * Writes the values of {@code numRows} rows of {@code groups} margins into {@code values} (sized
   * {@code numRows * width(groups)}).
   */
  public void apply(float[] margins, int numRows, int groups, float[] values) {
    switch (this) {
      case IDENTITY -> System.arraycopy(margins, 0, values, 0, numRows * groups);
      case SIGMOID -> {
        for (int i = 0; i < numRows * groups; i++) {
          values[i] = sigmoid(margins[i]);
        }
      }
      case EXP -> {
        for (int i = 0; i < numRows * groups; i++) {
          values[i] = expf(margins[i]);
        }
      }
      case SOFTMAX -> {
        for (int r = 0; r < numRows; r++) {
          softmax(margins, r * groups, groups, values);
        }
      }
      case ARGMAX -> {
        for (int r = 0; r < numRows; r++) {
          values[r] = argmax(margins, r * groups, groups);
        }
      }
    }
  }

  /** XGBoost's {@code common::Sigmoid(float)}; the epsilon only matters when exp underflows. */
  static float sigmoid(float x) {
    float e = Math.min(-x, 88.7f);
    float denom = expf(e) + 1.0f + 1e-16f;
    return 1.0f / denom;
  }

  /** {@code expf}: exp in double rounded once to float, which is what glibc's expf returns. */
  static float expf(float x) {
    return (float) Math.exp(x);
  }

  private static void softmax(float[] margins, int from, int groups, float[] values) {
    float max = margins[from];
    for (int g = 1; g < groups; g++) {
      max = Math.max(margins[from + g], max);
    }
    double sum = 0;
    for (int g = 0; g < groups; g++) {
      float e = expf(margins[from + g] - max);
      values[from + g] = e;
      sum += e;
    }
    float total = (float) sum;
    for (int g = 0; g < groups; g++) {
      values[from + g] /= total;
    }
  }

  /** First index of the largest value; XGBoost's {@code FindMaxIndex}. */
  static int argmax(float[] margins, int from, int groups) {
    int best = 0;
    for (int g = 1; g < groups; g++) {
      if (margins[from + g] > margins[from + best]) {
        best = g;
      }
    }
    return best;
  }
}

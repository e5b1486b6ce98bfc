package io.canopy.serving.predict.flat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Rows that exercise every decision a forest makes: per feature, values just below, at and just
 * above its split thresholds (where {@code <} versus {@code <=} or a float rounding would show),
 * missing values (NaN, the default child) and random values across the thresholds' finite range.
 * The first two rows are all missing and all zero. For LightGBM ({@code zerosAndCategoryCodes})
 * also zeros of both signs (its zero-as-missing rule) and category codes with the edges a cast to
 * int meets (negative, fractional).
 */
final class SampleRows {

  /** A node's split threshold as a float. */
  interface NodeThreshold {
    float of(int node);
  }

  private SampleRows() {}

  /**
   * Per feature, the thresholds of the nodes that split on it (in node order; may repeat), for
   * {@link #generate}: one pass over the nodes.
   *
   * @param feature per node, the feature it reads
   * @param splits which nodes split on a number (leaves and categorical nodes do not)
   */
  static float[][] thresholdsByFeature(
      int numFeatures, int[] feature, IntPredicate splits, NodeThreshold threshold) {
    int[] counts = new int[numFeatures];
    for (int n = 0; n < feature.length; n++) {
      if (splits.test(n)) {
        counts[feature[n]]++;
      }
    }
    float[][] out = new float[numFeatures][];
    for (int f = 0; f < numFeatures; f++) {
      out[f] = new float[counts[f]];
    }
    int[] filled = new int[numFeatures];
    for (int n = 0; n < feature.length; n++) {
      if (splits.test(n)) {
        out[feature[n]][filled[feature[n]]++] = threshold.of(n);
      }
    }
    return out;
  }

  /**
   * @param thresholds per feature, its numerical split thresholds
   */
  static float[] generate(
      float[][] thresholds, int numRows, SplittableRandom random, boolean zerosAndCategoryCodes) {
    int numFeatures = thresholds.length;
    float[] rows = new float[numRows * numFeatures];
    Arrays.fill(rows, 0, Math.min(numRows, 1) * numFeatures, Float.NaN);
    for (int r = 2; r < numRows; r++) {
      for (int f = 0; f < numFeatures; f++) {
        rows[r * numFeatures + f] = value(thresholds[f], random, zerosAndCategoryCodes);
      }
    }
    return rows;
  }

  private static float value(float[] thresholds, SplittableRandom random, boolean codes) {
    double dice = random.nextDouble();
    if (dice < 0.1) {
      return Float.NaN;
    }
    if (codes && dice < 0.15) {
      return random.nextBoolean() ? 0f : -0f;
    }
    if (codes && dice < 0.35) {
      return switch (random.nextInt(4)) {
        case 0 -> random.nextInt(64);
        case 1 -> -random.nextInt(1, 5);
        case 2 -> random.nextInt(40) + 0.5f;
        default -> -0.5f;
      };
    }
    if (thresholds.length == 0) {
      return (float) random.nextGaussian();
    }
    if (dice < (codes ? 0.7 : 0.6)) {
      float t = thresholds[random.nextInt(thresholds.length)];
      return switch (random.nextInt(3)) {
        case 0 -> Math.nextDown(t);
        case 1 -> t;
        default -> Math.nextUp(t);
      };
    }
    // A categorical split with an empty set is a test against -inf: the range is the finite ones.
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float t : thresholds) {
      if (Float.isFinite(t)) {
        min = Math.min(min, t);
        max = Math.max(max, t);
      }
    }
    if (min > max) {
      return (float) random.nextGaussian();
    }
    double margin = (max - min) * 0.1 + 1e-3;
    return (float) (min - margin + random.nextDouble() * (max - min + 2 * margin));
  }
}

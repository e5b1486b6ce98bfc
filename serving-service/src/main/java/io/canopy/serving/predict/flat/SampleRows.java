package io.canopy.serving.predict.flat;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Rows that exercise every decision a forest makes: per feature, values just below, at and just
 * above its split thresholds (where {@code <} versus {@code <=} or a float rounding would show),
 * missing values (NaN, the default child) and random values across the thresholds' range. The first
 * two rows are all missing and all zero.
 */
final class SampleRows {

  private SampleRows() {}

  static float[] generate(FlatForest forest, int numRows, SplittableRandom random) {
    int numFeatures = forest.numFeatures();
    float[][] thresholds = new float[numFeatures][];
    for (int f = 0; f < numFeatures; f++) {
      thresholds[f] = forest.thresholds(f);
    }
    float[] rows = new float[numRows * numFeatures];
    Arrays.fill(rows, 0, Math.min(numRows, 1) * numFeatures, Float.NaN);
    for (int r = 2; r < numRows; r++) {
      for (int f = 0; f < numFeatures; f++) {
        rows[r * numFeatures + f] = value(thresholds[f], random);
      }
    }
    return rows;
  }

  private static float value(float[] thresholds, SplittableRandom random) {
    double dice = random.nextDouble();
    if (dice < 0.1) {
      return Float.NaN;
    }
    if (thresholds.length == 0) {
      return (float) random.nextGaussian();
    }
    if (dice < 0.6) {
      float t = thresholds[random.nextInt(thresholds.length)];
      return switch (random.nextInt(3)) {
        case 0 -> Math.nextDown(t);
        case 1 -> t;
        default -> Math.nextUp(t);
      };
    }
    float min = thresholds[0];
    float max = thresholds[0];
    for (float t : thresholds) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    double margin = (max - min) * 0.1 + 1e-3;
    return (float) (min - margin + random.nextDouble() * (max - min + 2 * margin));
  }
}

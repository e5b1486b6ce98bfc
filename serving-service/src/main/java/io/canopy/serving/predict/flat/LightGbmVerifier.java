package io.canopy.serving.predict.flat;

import java.util.SplittableRandom;

/**
 * Checks a {@link LightGbmForest} against LightGBM's library on sample rows before it serves: every
 * raw score must equal LightGBM's exactly (both sum the same doubles in the same order) and every
 * value, cast to float as served, must be within 1 ulp (the transforms' {@code exp} may differ from
 * C's in the last bit). The rows: all missing, all zero, then per feature values just below, at and
 * above its thresholds, missing values, zeros, small category codes (also negative and fractional)
 * and random values across the thresholds' range.
 */
public final class LightGbmVerifier {

  /** LightGBM's answers for row-major rows: raw scores or values. */
  public interface Native {
    double[] predict(float[] rows, int numRows, boolean raw);
  }

  private LightGbmVerifier() {}

  public static ForestVerifier.Verdict verify(
      LightGbmForest forest, Native reference, int numRows, long seed) {
    float[] rows = rows(forest, numRows, new SplittableRandom(seed));
    int width = forest.width();
    double[] raw = new double[numRows * width];
    forest.rawScores(rows, numRows, raw);
    double[] expectedRaw = reference.predict(rows, numRows, true);
    if (expectedRaw.length != raw.length) {
      return new ForestVerifier.Verdict(
          false,
          numRows,
          "LightGBM answered " + expectedRaw.length + " raw scores, not " + raw.length);
    }
    for (int i = 0; i < raw.length; i++) {
      if (Double.doubleToLongBits(raw[i]) != Double.doubleToLongBits(expectedRaw[i])) {
        return new ForestVerifier.Verdict(
            false,
            numRows,
            "row " + i / width + ": raw score " + raw[i] + ", LightGBM " + expectedRaw[i]);
      }
    }
    double[] values = new double[raw.length];
    forest.values(raw, numRows, values);
    double[] expected = reference.predict(rows, numRows, false);
    for (int i = 0; i < values.length; i++) {
      if (ForestVerifier.ulpDistance((float) values[i], (float) expected[i]) > 1) {
        return new ForestVerifier.Verdict(
            false,
            numRows,
            "row " + i / width + ": value " + values[i] + ", LightGBM " + expected[i]);
      }
    }
    return new ForestVerifier.Verdict(
        true, numRows, "matched LightGBM on " + numRows + " sample rows (raw scores bit for bit)");
  }

  static float[] rows(LightGbmForest forest, int numRows, SplittableRandom random) {
    int n = forest.numFeatures();
    float[][] thresholds = new float[n][];
    for (int f = 0; f < n; f++) {
      thresholds[f] = forest.thresholds(f);
    }
    float[] rows = new float[numRows * n];
    java.util.Arrays.fill(rows, 0, Math.min(numRows, 1) * n, Float.NaN);
    for (int r = 2; r < numRows; r++) {
      for (int f = 0; f < n; f++) {
        rows[r * n + f] = value(thresholds[f], random);
      }
    }
    return rows;
  }

  private static float value(float[] thresholds, SplittableRandom random) {
    double dice = random.nextDouble();
    if (dice < 0.1) {
      return Float.NaN;
    }
    if (dice < 0.15) {
      return random.nextBoolean() ? 0f : -0f;
    }
    if (dice < 0.35) {
      // category codes, with the edges a cast to int meets
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
    if (dice < 0.7) {
      float t = thresholds[random.nextInt(thresholds.length)];
      return switch (random.nextInt(3)) {
        case 0 -> Math.nextDown(t);
        case 1 -> t;
        default -> Math.nextUp(t);
      };
    }
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

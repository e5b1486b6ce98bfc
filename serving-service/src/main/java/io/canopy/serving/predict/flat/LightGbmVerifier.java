package io.canopy.serving.predict.flat;

import java.util.SplittableRandom;

/**
 * Checks a {@link LightGbmForest} against LightGBM's library on sample rows before it serves: every
 * raw score must equal LightGBM's exactly (both sum the same doubles in the same order) and every
 * value, cast to float as served, must be within 1 ulp (the transforms' {@code exp} may differ from
 * C's in the last bit). The rows: {@link SampleRows} with zeros and category codes.
 */
public final class LightGbmVerifier {

  /** LightGBM's answers for row-major rows: raw scores or values. */
  public interface Native {
    double[] predict(float[] rows, int numRows, boolean raw);
  }

  private LightGbmVerifier() {}

  public static ForestVerifier.Verdict verify(
      LightGbmForest forest, Native reference, int numRows, long seed) {
    float[] rows =
        SampleRows.generate(forest.thresholds(), numRows, new SplittableRandom(seed), true);
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
        true,
        numRows,
        "matched LightGBM on "
            + numRows
            + " sample rows (raw scores bit for bit); "
            + forest.method());
  }
}

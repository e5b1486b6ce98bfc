package io.canopy.serving.predict.flat;

import java.util.SplittableRandom;

/**
 * Checks a {@link FlatForest} against the engine of record on {@link SampleRows}: every margin
 * within 1 ulp of float32, every value within {@link #VALUE_ULPS}, and the same output widths. A
 * forest that fails is not used. Values get a few ulps because XGBoost's native {@code expf} is not
 * always correctly rounded (Java's exp rounded to float is): about 1 value in 500 of the exp-based
 * transforms (sigmoid, softmax, exp) differs by 1 ulp, softmax by up to 2.
 */
public final class ForestVerifier {

  /** Largest distance, in float32 ulps, between a flat and a reference margin. */
  public static final int MARGIN_ULPS = 1;

  /** Largest distance, in float32 ulps, between a flat and a reference value. */
  public static final int VALUE_ULPS = 4;

  /** Sample rows also evaluated one at a time, through the single-row path. */
  static final int SINGLE_ROWS = 64;

  private ForestVerifier() {}

  /** What verification found. */
  public record Verdict(boolean passed, int rows, String detail) {}

  /** Verifies on {@code numRows} sample rows drawn with a generator seeded by {@code seed}. */
  public static Verdict verify(FlatForest forest, ReferenceEngine reference, int numRows, long seed)
      throws Exception {
    float[] rows =
        SampleRows.generate(forest.thresholds(), numRows, new SplittableRandom(seed), false);
    return verify(forest, reference, rows, numRows);
  }

  /** Verifies on the given row-major rows. */
  public static Verdict verify(
      FlatForest forest, ReferenceEngine reference, float[] rows, int numRows) throws Exception {
    int groups = forest.groups();
    float[] margins = new float[numRows * groups];
    forest.margins(rows, numRows, margins);
    float[] expectedMargins = reference.margins(rows, numRows);
    String bad = compare("margin", margins, expectedMargins, groups, MARGIN_ULPS);
    if (bad != null) {
      return new Verdict(false, numRows, bad);
    }
    bad = compareSingleRows(forest, rows, numRows, expectedMargins);
    if (bad != null) {
      return new Verdict(false, numRows, bad);
    }
    float[] values = forest.values(margins, numRows);
    float[] expectedValues = reference.values(rows, numRows);
    bad = compare("value", values, expectedValues, forest.valueWidth(), VALUE_ULPS);
    if (bad != null) {
      return new Verdict(false, numRows, bad);
    }
    return new Verdict(true, numRows, "matched XGBoost4J on " + numRows + " sample rows");
  }

  /** The one-row path (trees walked in lockstep) on the first rows, one call per row. */
  private static String compareSingleRows(
      FlatForest forest, float[] rows, int numRows, float[] expectedMargins) {
    int groups = forest.groups();
    int numFeatures = forest.numFeatures();
    float[] row = new float[numFeatures];
    float[] margins = new float[groups];
    for (int r = 0; r < Math.min(numRows, SINGLE_ROWS); r++) {
      System.arraycopy(rows, r * numFeatures, row, 0, numFeatures);
      forest.margins(row, 1, margins);
      for (int g = 0; g < groups; g++) {
        float expected = expectedMargins[r * groups + g];
        if (ulpDistance(margins[g], expected) > MARGIN_ULPS) {
          return "single-row margin of row "
              + r
              + " column "
              + g
              + ": flat "
              + margins[g]
              + " vs XGBoost4J "
              + expected;
        }
      }
    }
    return null;
  }

  private static String compare(
      String what, float[] actual, float[] expected, int width, int ulps) {
    if (actual.length != expected.length) {
      return what + "s: " + actual.length + " flat vs " + expected.length + " from XGBoost4J";
    }
    for (int i = 0; i < actual.length; i++) {
      if (ulpDistance(actual[i], expected[i]) > ulps) {
        return what
            + " of row "
            + (i / width)
            + " column "
            + (i % width)
            + ": flat "
            + actual[i]
            + " vs XGBoost4J "
            + expected[i];
      }
    }
    return null;
  }

  /** Floats between a and b (0 when equal, or both NaN); Long.MAX_VALUE when only one is NaN. */
  public static long ulpDistance(float a, float b) {
    if (Float.isNaN(a) || Float.isNaN(b)) {
      return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
    }
    return Math.abs(ordered(a) - ordered(b));
  }

  /** Float bits mapped to a line where adjacent floats differ by one (−0 and +0 coincide). */
  private static long ordered(float f) {
    int bits = Float.floatToIntBits(f);
    return bits >= 0 ? bits : (long) Integer.MIN_VALUE - bits;
  }
}

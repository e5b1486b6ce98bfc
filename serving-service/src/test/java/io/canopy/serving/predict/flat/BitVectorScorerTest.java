package io.canopy.serving.predict.flat;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.lightgbm.LightGbmText;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Trained;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bit-vector scorer finds the walk's leaves: raw scores equal the tree walk's and LightGBM's
 * bit for bit on rows at, just below and just above every threshold, zeros of both signs and
 * near-zeros, NaN, infinities and category codes — for every missing type, categorical splits,
 * several classes, and trees of exactly 64 leaves (the most it takes); bigger trees are walked.
 */
class BitVectorScorerTest {

  private static final float[] EDGES = {
    0f,
    -0f,
    1e-36f,
    -1e-36f,
    1e-35f,
    -1e-35f,
    1.1e-35f,
    1e-34f,
    -1e-34f,
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MAX_VALUE,
    -1f,
    0.5f,
    31f
  };

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "binary; objective=binary num_leaves=31",
        "binary; objective=binary num_leaves=31 zero_as_missing=true",
        "binary; objective=binary num_leaves=15 use_missing=false",
        "binary; objective=binary num_leaves=31 categorical_feature=2,3 min_data_per_group=5",
        "multiclass3; objective=multiclass num_class=3 num_leaves=64 min_data_in_leaf=2",
        "regression; objective=regression num_leaves=64 min_data_in_leaf=2",
      })
  void rawScores_equalTheWalkAndLightGbm_bitForBit(String labels, String params) throws Exception {
    try (Trained trained = Trained.train(labels, params, 3000, 20, 5)) {
      LightGbmForest forest = LightGbmForest.compile(LightGbmText.parse(trained.bytes()));
      assertThat(forest.method()).isEqualTo("bit-vector scoring");
      int n = 600;
      float[] rows = SampleRows.generate(forest.thresholds(), n, new SplittableRandom(3), true);
      SplittableRandom random = new SplittableRandom(4);
      for (int r = n / 2; r < n; r++) {
        for (int f = 0; f < trained.features; f++) {
          if (random.nextInt(3) == 0) {
            rows[r * trained.features + f] = EDGES[random.nextInt(EDGES.length)];
          }
        }
      }
      int width = forest.width();
      double[] scored = new double[n * width];
      double[] walked = new double[n * width];
      forest.rawScores(rows, n, scored);
      forest.walk(rows, n, walked);
      double[] lightgbm = trained.predict(rows, n, NativeBooster.RAW);
      for (int i = 0; i < scored.length; i++) {
        assertThat(scored[i]).as("row %d: the walk", i / width).isEqualTo(walked[i]);
        assertThat(scored[i]).as("row %d: LightGBM", i / width).isEqualTo(lightgbm[i]);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"65", "100"})
  void compile_treesOfMoreThan64Leaves_areWalked(int leaves) throws Exception {
    String params = "objective=regression min_data_in_leaf=2 num_leaves=" + leaves;
    try (Trained trained = Trained.train("regression", params, 3000, 3, 5)) {
      LightGbmForest forest = LightGbmForest.compile(LightGbmText.parse(trained.bytes()));
      assertThat(forest.method()).startsWith("tree walk");
      float[] rows = SampleRows.generate(forest.thresholds(), 50, new SplittableRandom(3), true);
      double[] raw = new double[50];
      forest.rawScores(rows, 50, raw);
      assertThat(raw).containsExactly(trained.predict(rows, 50, NativeBooster.RAW));
    }
  }

  @ParameterizedTest
  @CsvSource({"0.1", "-0.1", "1e300", "-1e300", "3.4028234663852886E38", "0.30000001192092896"})
  void floorFloat_isTheLargestFloatNotAbove(double t) {
    float f = BitVectorScorer.floorFloat(t);
    assertThat((double) f).isLessThanOrEqualTo(t);
    assertThat((double) Math.nextUp(f)).isGreaterThan(t);
  }
}

package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.canopy.common.digest.Sha256;
import io.canopy.serving.predict.TrainedModels.Trained;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of every output kind with XGBoost's own DMatrix predict, on models trained here for the
 * multi-class (softprob, softmax) and ranking (pairwise, ndcg) objectives. The model goes through
 * UBJ bytes and {@link Predictor#load}, as in serving.
 */
class PredictorObjectivesTest {

  private static final float TOLERANCE = 1e-5f;

  private record Reference(float[][] value, float[][] margin, float[][] contrib, float[][] leaf) {}

  private static Reference reference(Booster booster, float[] rows, int n) throws XGBoostError {
    DMatrix matrix = new DMatrix(rows, n, TrainedModels.FEATURES, Float.NaN);
    try {
      return new Reference(
          booster.predict(matrix),
          booster.predict(matrix, true),
          booster.predictContrib(matrix, 0),
          booster.predictLeaf(matrix, 0));
    } finally {
      matrix.dispose();
    }
  }

  private static Predictor load(Booster booster) throws Exception {
    byte[] bytes = booster.toByteArray("ubj");
    return Predictor.load(bytes, Sha256.hex(bytes), 1);
  }

  private static void assertMatches(Prediction actual, float[][] expected, int... shape) {
    assertThat(actual.shape()).containsExactly(shape);
    int width = expected[0].length;
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < width; c++) {
        assertThat(actual.values()[r * width + c])
            .as("row %d column %d", r, c)
            .isCloseTo(expected[r][c], within(TOLERANCE));
      }
    }
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  @ParameterizedTest
  @ValueSource(strings = {"multi:softprob", "multi:softmax"})
  void multiClass_everyOutputKind_matchesDMatrixPredict(String objective) throws Exception {
    Trained trained = TrainedModels.multiClass(objective);
    int n = trained.numRows();
    Reference ref = reference(trained.booster(), trained.rows(), n);
    try (Predictor predictor = load(trained.booster())) {
      Prediction value = predictor.predict(trained.rows(), n, PredictionKind.VALUE);
      if (objective.equals("multi:softprob")) {
        assertMatches(value, ref.value(), n, 3);
      } else {
        // softmax's transformed output is the class itself, as in XGBoost.
        assertMatches(value, ref.value(), n);
      }
      assertMatches(
          predictor.predict(trained.rows(), n, PredictionKind.MARGIN), ref.margin(), n, 3);
      Prediction classes = predictor.predict(trained.rows(), n, PredictionKind.CLASS);
      assertThat(classes.shape()).containsExactly(n);
      for (int r = 0; r < n; r++) {
        assertThat(classes.values()[r]).as("class of row %d", r).isEqualTo(argmax(ref.margin()[r]));
      }
      assertMatches(
          predictor.predict(trained.rows(), n, PredictionKind.CONTRIBUTIONS),
          ref.contrib(),
          n,
          3,
          TrainedModels.FEATURES + 1);
      assertMatches(
          predictor.predict(trained.rows(), n, PredictionKind.LEAF),
          ref.leaf(),
          n,
          ref.leaf()[0].length);
    } finally {
      trained.booster().dispose();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rank:pairwise", "rank:ndcg"})
  void ranking_scoresAndContributions_matchDMatrixPredict(String objective) throws Exception {
    Trained trained = TrainedModels.ranking(objective);
    int n = trained.numRows();
    Reference ref = reference(trained.booster(), trained.rows(), n);
    try (Predictor predictor = load(trained.booster())) {
      assertThat(predictor.valueWidth()).isEqualTo(1);
      assertMatches(predictor.predict(trained.rows(), n, PredictionKind.VALUE), ref.value(), n);
      assertMatches(predictor.predict(trained.rows(), n, PredictionKind.MARGIN), ref.margin(), n);
      assertMatches(
          predictor.predict(trained.rows(), n, PredictionKind.CONTRIBUTIONS),
          ref.contrib(),
          n,
          TrainedModels.FEATURES + 1);
      // Scores differ between rows: a constant model would pass the comparisons above trivially.
      float[] scores = predictor.predict(trained.rows(), n, PredictionKind.VALUE).values();
      assertThat(scores[0]).isNotEqualTo(scores[1]);
    } finally {
      trained.booster().dispose();
    }
  }
}

package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Trained;
import io.canopy.serving.predict.flat.ForestVerifier;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LightGBM models on the pure-Java walk: verified at load, then every small VALUE, MARGIN and CLASS
 * answer equal to LightGBM's library (values within 1 float ulp, margins exactly), for every
 * objective and split kind the tests can train.
 */
class LightGbmFastPathTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("binary", "objective=binary num_leaves=31"),
        Arguments.of("binary", "objective=binary num_leaves=15 zero_as_missing=true"),
        Arguments.of("binary", "objective=binary num_leaves=15 use_missing=false"),
        Arguments.of("binary", "objective=binary num_leaves=15 categorical_feature=2,3"),
        Arguments.of("multiclass3", "objective=multiclass num_class=3 num_leaves=7"),
        Arguments.of("multiclass3", "objective=multiclassova num_class=3 num_leaves=7"),
        Arguments.of("regression", "objective=regression num_leaves=31"),
        Arguments.of("regression", "objective=quantile alpha=0.7 num_leaves=15"),
        Arguments.of("count", "objective=poisson num_leaves=15"),
        Arguments.of("count", "objective=regression reg_sqrt=true num_leaves=15"),
        Arguments.of("binary", "objective=cross_entropy_lambda num_leaves=15"),
        Arguments.of("rank", "objective=lambdarank num_leaves=15"),
        Arguments.of("binary", "objective=binary boosting=rf bagging_freq=1 bagging_fraction=0.7"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("models")
  void load_trainedModel_verifiedOnTheWalk_andAnswersAsLightGbm(String labels, String params)
      throws Exception {
    try (Trained trained = Trained.train(labels, params, 2000, 30, 8)) {
      byte[] bytes = trained.bytes();
      try (Predictor predictor = Predictor.load(bytes, Sha256.hex(bytes), 1)) {
        assertThat(predictor.engine().engine())
            .as(predictor.engine().detail())
            .isEqualTo(Engine.FLAT);
        int rows = 64;
        float[] x = Trained.rows(rows, trained.features, new Random(21));
        float[] values = predictor.predict(x, rows, PredictionKind.VALUE).values();
        float[] margins = predictor.predict(x, rows, PredictionKind.MARGIN).values();
        double[] expected = trained.predict(x, rows, NativeBooster.NORMAL);
        double[] raw = trained.predict(x, rows, NativeBooster.RAW);
        for (int i = 0; i < expected.length; i++) {
          assertThat(ForestVerifier.ulpDistance(values[i], (float) expected[i]))
              .as("value %d: %s against LightGBM's %s", i, values[i], expected[i])
              .isLessThanOrEqualTo(1);
          assertThat(margins[i]).as("margin %d", i).isEqualTo((float) raw[i]);
        }
      }
    }
  }

  @Test
  void load_linearTrees_stayOnLightGbmsLibrary_withTheReason() throws Exception {
    String params = "objective=regression linear_tree=true num_leaves=7";
    try (Trained trained = Trained.train("regression", params, 1000, 5, 8)) {
      byte[] bytes = trained.bytes();
      try (Predictor predictor = Predictor.load(bytes, Sha256.hex(bytes), 1)) {
        assertThat(predictor.engine().engine()).isEqualTo(Engine.LIGHTGBM);
        assertThat(predictor.engine().reason()).isEqualTo("linear");
        int rows = 32;
        float[] x = Trained.rows(rows, trained.features, new Random(3));
        float[] values = predictor.predict(x, rows, PredictionKind.VALUE).values();
        double[] expected = trained.predict(x, rows, NativeBooster.NORMAL);
        for (int i = 0; i < rows; i++) {
          assertThat(values[i]).as("row %d", i).isEqualTo((float) expected[i]);
        }
      }
    }
  }

  @Test
  void load_fastPathOff_staysOnLightGbmsLibrary_withTheReason() throws Exception {
    try (Trained trained = Trained.train("binary", "objective=binary num_leaves=7", 300, 3, 8)) {
      byte[] bytes = trained.bytes();
      try (Predictor predictor =
          Predictor.load(bytes, Sha256.hex(bytes), 1, new FastPathSettings(false, 64))) {
        assertThat(predictor.engine().engine()).isEqualTo(Engine.LIGHTGBM);
        assertThat(predictor.engine().reason()).isEqualTo("disabled");
      }
    }
  }
}

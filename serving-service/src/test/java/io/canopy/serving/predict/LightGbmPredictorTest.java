package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.digest.Sha256;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Trained;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A LightGBM model through serving's Predictor: every kind, shaped as for XGBoost. */
class LightGbmPredictorTest {

  /** On LightGBM's library alone (fast path off): every kind from the engine of record. */
  private static Predictor load(Trained trained) throws Exception {
    byte[] bytes = trained.bytes();
    return Predictor.load(bytes, Sha256.hex(bytes), 1, new FastPathSettings(false, 64));
  }

  @Test
  void predict_multiclass_everyKindEqualsLightGbm_shapedAsForXgboost() throws Exception {
    try (Trained trained =
            Trained.train(
                "multiclass3", "objective=multiclass num_class=3 num_leaves=7", 800, 8, 2);
        Predictor predictor = load(trained)) {
      int rows = 50;
      float[] x = Trained.rows(rows, trained.features, new Random(5));

      Prediction value = predictor.predict(x, rows, PredictionKind.VALUE);
      Prediction margin = predictor.predict(x, rows, PredictionKind.MARGIN);
      Prediction classes = predictor.predict(x, rows, PredictionKind.CLASS);
      Prediction leaves = predictor.predict(x, rows, PredictionKind.LEAF);
      Prediction contributions = predictor.predict(x, rows, PredictionKind.CONTRIBUTIONS);

      assertThat(predictor.engine().engine()).isEqualTo(Engine.LIGHTGBM);
      assertThat(predictor.numFeatures()).isEqualTo(6);
      assertThat(predictor.featureNames()).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
      assertThat(predictor.valueWidth()).isEqualTo(3);
      assertThat(value.shape()).containsExactly(rows, 3);
      assertThat(margin.shape()).containsExactly(rows, 3);
      assertThat(classes.shape()).containsExactly(rows);
      assertThat(leaves.shape()).containsExactly(rows, 24);
      assertThat(contributions.shape()).containsExactly(rows, 3, 7);
      double[] expected = trained.predict(x, rows, NativeBooster.NORMAL);
      double[] raw = trained.predict(x, rows, NativeBooster.RAW);
      double[] contrib = trained.predict(x, rows, NativeBooster.CONTRIB);
      for (int i = 0; i < expected.length; i++) {
        assertThat(value.values()[i]).isEqualTo((float) expected[i]);
        assertThat(margin.values()[i]).isEqualTo((float) raw[i]);
      }
      for (int i = 0; i < contrib.length; i++) {
        assertThat(contributions.values()[i]).isEqualTo((float) contrib[i]);
      }
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int c = 1; c < 3; c++) {
          best = expected[r * 3 + c] > expected[r * 3 + best] ? c : best;
        }
        assertThat(classes.values()[r]).isEqualTo(best);
        // SHAP: per class, the contributions and the bias add up to the raw score.
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          for (int f = 0; f <= 6; f++) {
            sum += contrib[(r * 3 + c) * 7 + f];
          }
          assertThat(sum).isCloseTo(raw[r * 3 + c], org.assertj.core.data.Offset.offset(1e-9));
        }
      }
    }
  }

  @Test
  void predict_binary_valueAndClass() throws Exception {
    try (Trained trained = Trained.train("binary", "objective=binary num_leaves=7", 500, 5, 3);
        Predictor predictor = load(trained)) {
      float[] x = Trained.rows(20, trained.features, new Random(6));
      Prediction value = predictor.predict(x, 20, PredictionKind.VALUE);
      Prediction classes = predictor.predict(x, 20, PredictionKind.CLASS);
      assertThat(value.shape()).containsExactly(20);
      for (int r = 0; r < 20; r++) {
        assertThat(classes.values()[r]).isEqualTo(value.values()[r] > 0.5f ? 1f : 0f);
      }
      assertThatThrownBy(() -> predictor.predict(new float[5], 1, PredictionKind.VALUE))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void load_malformedLightGbm_refusedBeforeLightGbmSeesIt() throws Exception {
    String text;
    try (Trained trained = Trained.train("binary", "objective=binary num_leaves=7", 300, 2, 3)) {
      text = trained.text;
    }
    byte[] bad =
        text.replaceFirst("left_child=[-\\d]+", "left_child=0").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Predictor.load(bad, Sha256.hex(bad), 1))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("LightGBM model is malformed")
        .hasMessageContaining("Tree=0 left_child/right_child");
  }
}

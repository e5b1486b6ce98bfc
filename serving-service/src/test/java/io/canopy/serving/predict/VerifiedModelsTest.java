package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import io.canopy.lightgbm.Trained;
import io.canopy.serving.Fixtures;
import org.junit.jupiter.api.Test;

/** A version loaded again keeps its flat forest's verdict instead of being verified again. */
class VerifiedModelsTest {

  private static Predictor load(byte[] bytes, VerifiedModels verified) throws Exception {
    return Predictor.load(bytes, Sha256.hex(bytes), 1, FastPathSettings.DEFAULT, verified);
  }

  @Test
  void xgboost_theSecondLoadOfTheSameBytes_keepsTheFirstVerdict_otherBytesAreVerified()
      throws Exception {
    VerifiedModels verified = new VerifiedModels(8);
    byte[] model = Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ);
    String first;
    try (Predictor p = load(model, verified)) {
      assertThat(p.engine().engine()).isEqualTo(Engine.FLAT);
      assertThat(p.engine().detail()).doesNotContain("earlier load");
      first = p.engine().detail();
    }
    try (Predictor p = load(model, verified)) {
      assertThat(p.engine().engine()).isEqualTo(Engine.FLAT);
      assertThat(p.engine().reason()).isEqualTo("verified");
      assertThat(p.engine().detail()).startsWith(first).contains("earlier load");
      // The forest compiled again answers as the first one did.
      float[] row = new float[p.numFeatures()];
      assertThat(p.predict(row, 1, PredictionKind.VALUE).values()).hasSize(1);
    }
    byte[] other = Fixtures.bytes(Fixtures.DIABETES_UBJ);
    try (Predictor p = load(other, verified)) {
      assertThat(p.engine().detail()).doesNotContain("earlier load");
    }
    try (Predictor p = load(model, VerifiedModels.none())) {
      assertThat(p.engine().detail()).as("nothing remembered").doesNotContain("earlier load");
    }
  }

  @Test
  void lightgbm_theSecondLoadOfTheSameBytes_keepsTheFirstVerdict() throws Exception {
    VerifiedModels verified = new VerifiedModels(8);
    try (Trained trained = Trained.train("binary", "objective=binary num_leaves=7", 500, 8, 5L)) {
      byte[] bytes = trained.bytes();
      try (Predictor p = load(bytes, verified)) {
        assertThat(p.engine().engine()).isEqualTo(Engine.FLAT);
        assertThat(p.engine().detail()).doesNotContain("earlier load");
      }
      try (Predictor p = load(bytes, verified)) {
        assertThat(p.engine().engine()).isEqualTo(Engine.FLAT);
        assertThat(p.engine().detail()).contains("earlier load");
      }
    }
  }

  @Test
  void pastItsCapacity_theLeastRecentlyUsedVerdictGoes() {
    VerifiedModels verified = new VerifiedModels(2);
    verified.remember("a", "da");
    verified.remember("b", "db");
    assertThat(verified.detail("a")).isEqualTo("da"); // a now most recent
    verified.remember("c", "dc");
    assertThat(verified.detail("b")).isNull();
    assertThat(verified.detail("a")).isEqualTo("da");
    assertThat(verified.detail("c")).isEqualTo("dc");
  }
}

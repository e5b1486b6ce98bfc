package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.canopy.common.digest.Sha256;
import io.canopy.serving.Fixtures;
import io.canopy.serving.predict.flat.FlatForest;
import io.canopy.serving.predict.flat.ForestCompiler;
import io.canopy.serving.predict.flat.ForestVerifier;
import io.canopy.serving.predict.flat.ReferenceEngine;
import io.canopy.serving.predict.flat.UnsupportedModelException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which engine a version gets: models the flat forest does not support stay on XGBoost4J with the
 * reason, and a flat forest that disagrees with XGBoost4J is rejected by verification.
 */
class EngineSelectionTest {

  private Booster breastCancer;

  @BeforeEach
  void loadFixture() throws Exception {
    breastCancer = XGBoost.loadModel(Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ));
  }

  @AfterEach
  void dispose() {
    breastCancer.dispose();
  }

  private static Predictor load(Booster booster, FastPathSettings fastPath) throws Exception {
    byte[] ubj = booster.toByteArray("ubj");
    return Predictor.load(ubj, Sha256.hex(ubj), 1, fastPath);
  }

  /** Loads with the fast path on; asserts the engine and that predictions still work. */
  private static EngineChoice engineOf(Booster booster) throws Exception {
    try (Predictor predictor = load(booster, FastPathSettings.DEFAULT)) {
      float[] rows = ForestModels.rows(3, 1, 0.1);
      Prediction value = predictor.predict(rows, 3, PredictionKind.VALUE);
      assertThat(value.rows()).isEqualTo(3);
      return predictor.engine();
    } finally {
      booster.dispose();
    }
  }

  @Test
  void load_dartModel_verifiedOnTheFlatForest_withItsTreeWeights() throws Exception {
    EngineChoice engine =
        engineOf(
            ForestModels.train(
                "binary:logistic", 30, 3, Map.of("booster", "dart", "rate_drop", 0.2)));

    assertThat(engine.engine()).as(engine.detail()).isEqualTo(Engine.FLAT);
    assertThat(engine.reason()).isEqualTo("verified");
  }

  @Test
  void compile_linearModel_isUnsupported() throws Exception {
    // Serving refuses gblinear models already (XGBoost4J has no inplace_predict for them), so
    // this checks the compiler on its own.
    Booster linear = ForestModels.train("reg:squarederror", 10, 3, Map.of("booster", "gblinear"));
    try {
      byte[] json = linear.toByteArray("json");
      assertThatThrownBy(() -> ForestCompiler.compile(json))
          .isInstanceOfSatisfying(
              UnsupportedModelException.class, e -> assertThat(e.reason()).isEqualTo("gblinear"));
    } finally {
      linear.dispose();
    }
  }

  @Test
  void load_categoricalSplits_verifiedOnTheFlatForest() throws Exception {
    EngineChoice engine = engineOf(ForestModels.categorical());

    assertThat(engine.engine()).as(engine.detail()).isEqualTo(Engine.FLAT);
    assertThat(engine.reason()).isEqualTo("verified");
  }

  @Test
  void load_unknownObjective_staysOnXgboost() throws Exception {
    EngineChoice engine = engineOf(ForestModels.train("binary:hinge", 10, 3, Map.of()));

    assertThat(engine.engine()).isEqualTo(Engine.XGBOOST);
    assertThat(engine.reason()).isEqualTo("objective");
    assertThat(engine.detail()).contains("binary:hinge");
  }

  @Test
  void load_fastPathDisabled_staysOnXgboost() throws Exception {
    try (Predictor predictor = load(breastCancer, FastPathSettings.DISABLED)) {
      assertThat(predictor.engine().engine()).isEqualTo(Engine.XGBOOST);
      assertThat(predictor.engine().reason()).isEqualTo("disabled");
    }
  }

  @Test
  void load_supportedModel_isVerifiedAndFlat() throws Exception {
    try (Predictor predictor = load(breastCancer, FastPathSettings.DEFAULT)) {
      assertThat(predictor.engine().engine()).isEqualTo(Engine.FLAT);
      assertThat(predictor.engine().reason()).isEqualTo("verified");
      assertThat(predictor.engine().detail())
          .contains(Integer.toString(EngineSelection.VERIFY_ROWS));
    }
  }

  /** The fixture's JSON with one edit to tree 0, compiled and verified against the real model. */
  private EngineChoice verifyTampered(Consumer<JsonObject> edit) throws Exception {
    JsonObject model =
        JsonParser.parseString(new String(breastCancer.toByteArray("json"), StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject tree0 =
        model
            .getAsJsonObject("learner")
            .getAsJsonObject("gradient_booster")
            .getAsJsonObject("model")
            .getAsJsonArray("trees")
            .get(0)
            .getAsJsonObject();
    edit.accept(tree0);
    FlatForest forest = ForestCompiler.compile(model.toString().getBytes(StandardCharsets.UTF_8));
    return EngineSelection.verify(forest, breastCancer, 30);
  }

  private static int firstLeaf(JsonObject tree) {
    JsonArray lefts = tree.getAsJsonArray("left_children");
    for (int i = 0; i < lefts.size(); i++) {
      if (lefts.get(i).getAsInt() == -1) {
        return i;
      }
    }
    throw new AssertionError("no leaf");
  }

  @Test
  void verify_untouchedJson_passes() throws Exception {
    assertThat(verifyTampered(tree -> {}).engine()).isEqualTo(Engine.FLAT);
  }

  @Test
  void verify_leafValueOffByAFewUlps_isRejected() throws Exception {
    EngineChoice engine =
        verifyTampered(
            tree -> {
              JsonArray values = tree.getAsJsonArray("split_conditions");
              int leaf = firstLeaf(tree);
              float v = values.get(leaf).getAsFloat();
              values.set(leaf, new JsonPrimitive(v + 8 * Math.ulp(v)));
            });

    assertThat(engine.engine()).isEqualTo(Engine.XGBOOST);
    assertThat(engine.reason()).isEqualTo("mismatch");
    assertThat(engine.detail()).contains("margin");
  }

  @Test
  void verify_rootDefaultDirectionFlipped_isRejected() throws Exception {
    EngineChoice engine =
        verifyTampered(
            tree -> {
              JsonArray defaults = tree.getAsJsonArray("default_left");
              defaults.set(0, new JsonPrimitive(1 - defaults.get(0).getAsInt()));
            });

    assertThat(engine.reason()).isEqualTo("mismatch");
  }

  @Test
  void verify_rootThresholdMoved_isRejected() throws Exception {
    EngineChoice engine =
        verifyTampered(
            tree -> {
              JsonArray conditions = tree.getAsJsonArray("split_conditions");
              conditions.set(0, new JsonPrimitive(conditions.get(0).getAsFloat() * 1.25f));
            });

    assertThat(engine.reason()).isEqualTo("mismatch");
  }

  /** XGBoost4J's margins with one of them moved by {@code ulps}. */
  private ReferenceEngine skewed(int ulps) {
    ReferenceEngine real = EngineSelection.reference(breastCancer, 30);
    return new ReferenceEngine() {
      @Override
      public float[] margins(float[] rows, int numRows) throws Exception {
        float[] margins = real.margins(rows, numRows);
        for (int i = 0; i < ulps; i++) {
          margins[numRows / 2] = Math.nextUp(margins[numRows / 2]);
        }
        return margins;
      }

      @Override
      public float[] values(float[] rows, int numRows) throws Exception {
        return real.values(rows, numRows);
      }
    };
  }

  @Test
  void verify_marginsTwoUlpsApart_fail_oneUlpApart_pass() throws Exception {
    FlatForest forest = ForestCompiler.compile(breastCancer.toByteArray("json"));

    assertThat(ForestVerifier.verify(forest, skewed(1), 64, 7).passed()).isTrue();
    ForestVerifier.Verdict verdict = ForestVerifier.verify(forest, skewed(2), 64, 7);
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.detail()).contains("row 32");
  }
}

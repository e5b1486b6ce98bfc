package io.canopy.serving.predict;

import io.canopy.serving.predict.flat.FlatForest;
import io.canopy.serving.predict.flat.ForestCompiler;
import io.canopy.serving.predict.flat.ForestVerifier;
import io.canopy.serving.predict.flat.ReferenceEngine;
import io.canopy.serving.predict.flat.UnsupportedModelException;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.Booster.PredictionType;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Picks a loaded model's engine for small batches: compiles the booster's own JSON into a {@link
 * FlatForest} and verifies it against XGBoost4J's {@code inplace_predict}. Whatever goes wrong on
 * the way keeps the model on XGBoost4J with the reason; it never fails the load.
 */
final class EngineSelection {

  /** Rows the flat forest is verified on at load time, and their generator's seed. */
  static final int VERIFY_ROWS = 256;

  static final long VERIFY_SEED = 0x5EED;

  /** The chosen engine and, when it is FLAT, the verified forest (else null). */
  record Selected(FlatForest forest, EngineChoice choice) {}

  private EngineSelection() {}

  /**
   * The fast path when its forest compiles and passes verification (or passed it before: {@code
   * sha256} is looked up in and added to {@code verified}), else XGBoost4J with the reason.
   */
  static Selected select(
      Booster booster,
      int numFeatures,
      FastPathSettings fastPath,
      String sha256,
      VerifiedModels verified) {
    if (!fastPath.enabled()) {
      return xgboost("disabled", "serving.predict.fast-path.enabled is false");
    }
    try {
      FlatForest forest = ForestCompiler.compileUbj(booster.toByteArray("ubj"));
      String earlier = verified.detail(sha256);
      if (earlier != null && forest.numFeatures() == numFeatures) {
        return new Selected(forest, VerifiedModels.earlier(earlier));
      }
      EngineChoice choice = verify(forest, booster, numFeatures);
      if (choice.engine() == Engine.FLAT) {
        verified.remember(sha256, choice.detail());
      }
      return new Selected(choice.engine() == Engine.FLAT ? forest : null, choice);
    } catch (UnsupportedModelException e) {
      return xgboost(e.reason(), e.getMessage());
    } catch (Exception e) {
      return xgboost("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static Selected xgboost(String reason, String detail) {
    return new Selected(null, new EngineChoice(Engine.XGBOOST, reason, detail));
  }

  /** Checks a compiled forest against this booster's {@code inplace_predict}. */
  static EngineChoice verify(FlatForest forest, Booster booster, int numFeatures) throws Exception {
    if (forest.numFeatures() != numFeatures) {
      return new EngineChoice(
          Engine.XGBOOST,
          "mismatch",
          "flat forest has " + forest.numFeatures() + " features, XGBoost4J " + numFeatures);
    }
    ForestVerifier.Verdict verdict =
        ForestVerifier.verify(forest, reference(booster, numFeatures), VERIFY_ROWS, VERIFY_SEED);
    return verdict.passed()
        ? new EngineChoice(Engine.FLAT, "verified", verdict.detail())
        : new EngineChoice(Engine.XGBOOST, "mismatch", verdict.detail());
  }

  /** XGBoost4J's {@code inplace_predict} as the reference a flat forest is verified against. */
  static ReferenceEngine reference(Booster booster, int numFeatures) {
    return new ReferenceEngine() {
      @Override
      public float[] margins(float[] rows, int numRows) throws XGBoostError {
        return XGBoostPredictor.flatten(
                XGBoostPredictor.inplace(
                    booster, rows, numRows, numFeatures, PredictionType.kMargin))
            .values();
      }

      @Override
      public float[] values(float[] rows, int numRows) throws XGBoostError {
        return XGBoostPredictor.flatten(
                XGBoostPredictor.inplace(
                    booster, rows, numRows, numFeatures, PredictionType.kValue))
            .values();
      }
    };
  }
}

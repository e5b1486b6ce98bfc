package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import io.canopy.serving.Fixtures;
import io.canopy.serving.predict.flat.FlatForest;
import io.canopy.serving.predict.flat.ForestCompiler;
import io.canopy.serving.predict.flat.ForestVerifier;
import io.canopy.serving.predict.flat.ReferenceEngine;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flat forest against XGBoost4J's {@code inplace_predict}, the engine of record: margins within
 * 1 ulp of float32 (in practice bit-identical), values within {@link ForestVerifier#VALUE_ULPS}
 * (XGBoost's native expf is not always correctly rounded, Java's exp rounded to float is, so about
 * 1 value in 500 of an exp-based transform differs by an ulp or two), classes equal; on every
 * fixture (NaN rows included; the forest read from UBJSON as serving reads it, and from JSON text,
 * bit for bit the same) and on models trained here for each supported objective, deep trees and
 * 1,000 trees, on random rows with NaN.
 */
class FlatForestParityTest {

  /** Rows of a fixture plus copies of them with every third, then every other value missing. */
  private static float[] withMissing(float[] rows, int numFeatures) {
    int n = rows.length / numFeatures;
    float[] out = new float[rows.length * 3];
    System.arraycopy(rows, 0, out, 0, rows.length);
    for (int i = 0; i < rows.length; i++) {
      out[rows.length + i] = i % 3 == 0 ? Float.NaN : rows[i];
      out[2 * rows.length + i] = (i / numFeatures + i) % 2 == 0 ? Float.NaN : rows[i];
    }
    assertThat(out.length).isEqualTo(3 * n * numFeatures);
    return out;
  }

  /** Asserts parity on the rows, directly and through {@link Predictor}. */
  private static void assertParity(Booster booster, float[] rows) throws Exception {
    int numFeatures = Math.toIntExact(booster.getNumFeature());
    int numRows = rows.length / numFeatures;
    FlatForest forest = ForestCompiler.compileUbj(booster.toByteArray("ubj"));
    ReferenceEngine reference = EngineSelection.reference(booster, numFeatures);

    float[] margins = new float[numRows * forest.groups()];
    forest.margins(rows, numRows, margins);
    // The same model from its JSON text compiles to the same forest: the same margins, bit for bit.
    FlatForest fromText = ForestCompiler.compile(booster.toByteArray("json"));
    assertThat(fromText.numNodes()).isEqualTo(forest.numNodes());
    float[] textMargins = new float[margins.length];
    fromText.margins(rows, numRows, textMargins);
    assertThat(textMargins).as("margins of the forest read from JSON text").isEqualTo(margins);
    float[] expectedMargins = reference.margins(rows, numRows);
    assertThat(margins).hasSameSizeAs(expectedMargins);
    for (int i = 0; i < margins.length; i++) {
      assertThat(ForestVerifier.ulpDistance(margins[i], expectedMargins[i]))
          .as("margin %d: flat %s, xgboost %s", i, margins[i], expectedMargins[i])
          .isLessThanOrEqualTo(ForestVerifier.MARGIN_ULPS);
    }
    // One row at a time takes the single-row path (trees in lockstep): the same margins.
    float[] one = new float[forest.groups()];
    for (int r = 0; r < numRows; r++) {
      forest.margins(
          java.util.Arrays.copyOfRange(rows, r * numFeatures, (r + 1) * numFeatures), 1, one);
      for (int g = 0; g < one.length; g++) {
        assertThat(one[g])
            .as("row %d alone, group %d", r, g)
            .isEqualTo(margins[r * one.length + g]);
      }
    }
    float[] values = forest.values(margins, numRows);
    float[] expectedValues = reference.values(rows, numRows);
    assertThat(values).hasSameSizeAs(expectedValues);
    for (int i = 0; i < values.length; i++) {
      assertThat(ForestVerifier.ulpDistance(values[i], expectedValues[i]))
          .as("value %d: flat %s, xgboost %s", i, values[i], expectedValues[i])
          .isLessThanOrEqualTo(ForestVerifier.VALUE_ULPS);
    }
    assertPredictorsAgree(booster, rows, numRows);
  }

  /** The Predictor's own flat path against the same model with the fast path off. */
  private static void assertPredictorsAgree(Booster booster, float[] rows, int numRows)
      throws Exception {
    byte[] ubj = booster.toByteArray("ubj");
    String sha = Sha256.hex(ubj);
    try (Predictor fast = Predictor.load(ubj, sha, 1, new FastPathSettings(true, numRows));
        Predictor native_ = Predictor.load(ubj, sha, 1, FastPathSettings.DISABLED)) {
      assertThat(fast.engine().engine()).as(fast.engine().toString()).isEqualTo(Engine.FLAT);
      assertThat(native_.engine().reason()).isEqualTo("disabled");
      for (PredictionKind kind :
          new PredictionKind[] {
            PredictionKind.VALUE, PredictionKind.MARGIN, PredictionKind.CLASS
          }) {
        Prediction a = fast.predict(rows, numRows, kind);
        Prediction b = native_.predict(rows, numRows, kind);
        assertThat(a.shape()).as(kind.name()).containsExactly(b.shape());
        for (int i = 0; i < a.values().length; i++) {
          assertThat(ForestVerifier.ulpDistance(a.values()[i], b.values()[i]))
              .as("%s %d: %s vs %s", kind, i, a.values()[i], b.values()[i])
              .isLessThanOrEqualTo(tolerance(kind));
        }
      }
    }
  }

  private static long tolerance(PredictionKind kind) {
    return switch (kind) {
      case MARGIN -> ForestVerifier.MARGIN_ULPS;
      case VALUE -> ForestVerifier.VALUE_ULPS;
      default -> 0;
    };
  }

  @Test
  void breastCancerFixture_matchesXgboost_includingMissingValues() throws Exception {
    Booster booster = XGBoost.loadModel(Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ));
    try {
      assertParity(booster, withMissing(Fixtures.breastCancerRows(), 30));
    } finally {
      booster.dispose();
    }
  }

  @Test
  void diabetesFixture_matchesXgboost_includingMissingValues() throws Exception {
    Booster booster = XGBoost.loadModel(Fixtures.bytes(Fixtures.DIABETES_UBJ));
    try {
      float[] rows = Fixtures.flat(Fixtures.csv("diabetes_rows.csv", true));
      assertParity(booster, withMissing(rows, 10));
    } finally {
      booster.dispose();
    }
  }

  @Test
  void categoricalFixture_matchesXgboostAndPython_includingMissingAndOddCategories()
      throws Exception {
    byte[] bytes = Fixtures.bytes("categorical_binary.ubj");
    Booster booster = XGBoost.loadModel(bytes);
    try {
      float[] rows = Fixtures.flat(Fixtures.csv("categorical_binary_rows.csv", true));
      int n = 4;
      // Odd categories too: negative, fractional, past every set, -0, huge.
      float[] odd = {
        -1f, 0.5f, 3.7f, -0.5f, 1e9f, -0f, 2.999f, 17f, 63f, 64f, 5e7f, 1f, Float.NaN, 0f, 2f, 3f
      };
      float[] all = java.util.Arrays.copyOf(withMissing(rows, n), 3 * rows.length + odd.length);
      System.arraycopy(odd, 0, all, 3 * rows.length, odd.length);
      assertParity(booster, all);
      try (Predictor predictor =
          Predictor.load(bytes, io.canopy.common.digest.Sha256.hex(bytes), 1)) {
        assertThat(predictor.engine().engine()).isEqualTo(Engine.FLAT);
        float[] values = predictor.predict(rows, rows.length / n, PredictionKind.VALUE).values();
        float[] python = Fixtures.column("categorical_binary_expected_value.csv");
        for (int i = 0; i < python.length; i++) {
          assertThat(ForestVerifier.ulpDistance(values[i], python[i]))
              .as("row %d: %s, Python %s", i, values[i], python[i])
              .isLessThanOrEqualTo(ForestVerifier.VALUE_ULPS);
        }
      }
    } finally {
      booster.dispose();
    }
  }

  @Test
  void dartFixture_matchesXgboostAndPython_includingMissingValues() throws Exception {
    byte[] bytes = Fixtures.bytes("dart_regression.ubj");
    Booster booster = XGBoost.loadModel(bytes);
    try {
      float[] rows = Fixtures.flat(Fixtures.csv("dart_regression_rows.csv", true));
      assertParity(booster, withMissing(rows, 6));
      // And Python xgboost's own values for the fixture rows, through serving's Predictor.
      try (Predictor predictor =
          Predictor.load(bytes, io.canopy.common.digest.Sha256.hex(bytes), 1)) {
        assertThat(predictor.engine().engine()).isEqualTo(Engine.FLAT);
        float[] values = predictor.predict(rows, rows.length / 6, PredictionKind.VALUE).values();
        float[] python = Fixtures.column("dart_regression_expected_value.csv");
        for (int i = 0; i < python.length; i++) {
          assertThat(ForestVerifier.ulpDistance(values[i], python[i]))
              .as("row %d: %s, Python %s", i, values[i], python[i])
              .isLessThanOrEqualTo(ForestVerifier.MARGIN_ULPS);
        }
      }
    } finally {
      booster.dispose();
    }
  }

  static Stream<Arguments> trainedModels() {
    return Stream.of(
        Arguments.of("multi:softprob", 30, 4, Map.of()),
        Arguments.of("multi:softmax", 30, 4, Map.of()),
        Arguments.of("rank:pairwise", 30, 4, Map.of()),
        Arguments.of("rank:ndcg", 30, 4, Map.of()),
        Arguments.of("reg:logistic", 30, 4, Map.of()),
        Arguments.of("binary:logistic", 30, 4, Map.of("base_score", 0.3)),
        Arguments.of("binary:logitraw", 30, 4, Map.of()),
        Arguments.of("count:poisson", 30, 4, Map.of()),
        Arguments.of("reg:gamma", 30, 4, Map.of()),
        Arguments.of("reg:tweedie", 30, 4, Map.of()),
        Arguments.of("reg:squarederror", 20, 12, Map.of("min_child_weight", 0)),
        Arguments.of("binary:logistic", 1000, 6, Map.of()),
        Arguments.of("reg:squarederror", 10, 3, Map.of("num_parallel_tree", 4)));
  }

  @ParameterizedTest(name = "{0} {1} trees depth {2} {3}")
  @MethodSource("trainedModels")
  void trainedModel_matchesXgboost_onRandomRowsWithMissingValues(
      String objective, int rounds, int depth, Map<String, Object> extra) throws Exception {
    Booster booster = ForestModels.train(objective, rounds, depth, extra);
    try {
      assertParity(booster, ForestModels.rows(300, 99, 0.1));
    } finally {
      booster.dispose();
    }
  }
}

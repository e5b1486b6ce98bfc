package io.canopy.serving.predict;

import static io.canopy.serving.Fixtures.BREAST_CANCER_JSON;
import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static io.canopy.serving.Fixtures.DIABETES_UBJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.serving.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictorTest {

  private static final int BC_ROWS = 64;
  private final List<Predictor> loaded = new ArrayList<>();

  @AfterEach
  void dispose() {
    loaded.forEach(Predictor::close);
  }

  private Predictor load(String fixture) throws ModelLoadException {
    Predictor p = Predictor.load(Fixtures.bytes(fixture), Fixtures.sha256(fixture), 1);
    loaded.add(p);
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {BREAST_CANCER_UBJ, BREAST_CANCER_JSON})
  void predict_breastCancerValue_matchesPythonProbabilities(String fixture) throws Exception {
    Predictor p = load(fixture);

    Prediction out = p.predict(Fixtures.breastCancerRows(), BC_ROWS, PredictionKind.VALUE);

    assertThat(out.shape()).containsExactly(BC_ROWS);
    assertClose(out.values(), Fixtures.breastCancerProbabilities());
  }

  @Test
  void predict_breastCancerMargin_matchesPythonMargins() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    Prediction out = p.predict(Fixtures.breastCancerRows(), BC_ROWS, PredictionKind.MARGIN);

    assertThat(out.shape()).containsExactly(BC_ROWS);
    assertClose(out.values(), Fixtures.column("breast_cancer_expected_margin.csv"));
  }

  @Test
  void predict_rowsWithMissingValues_matchPythonForThoseRows() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);
    float[] rows = Fixtures.breastCancerRows();
    assertThat(rows[3 * 30 + 5]).isNaN();
    assertThat(rows[10 * 30]).isNaN();

    Prediction out = p.predict(rows, BC_ROWS, PredictionKind.VALUE);

    float[] expected = Fixtures.breastCancerProbabilities();
    assertThat(out.values()[3]).isCloseTo(expected[3], within(expected[3]));
    assertThat(out.values()[10]).isCloseTo(expected[10], within(expected[10]));
  }

  @Test
  void predict_breastCancerClass_thresholdsProbabilityAtHalf() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    Prediction out = p.predict(Fixtures.breastCancerRows(), BC_ROWS, PredictionKind.CLASS);

    float[] probabilities = Fixtures.breastCancerProbabilities();
    assertThat(out.shape()).containsExactly(BC_ROWS);
    for (int i = 0; i < BC_ROWS; i++) {
      assertThat(out.values()[i]).as("row %d", i).isEqualTo(probabilities[i] > 0.5f ? 1f : 0f);
    }
    assertThat(out.values()).contains(0f, 1f);
  }

  @Test
  void predict_breastCancerContributions_matchPythonShap() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    Prediction out = p.predict(Fixtures.breastCancerRows(), BC_ROWS, PredictionKind.CONTRIBUTIONS);

    assertThat(out.shape()).containsExactly(BC_ROWS, 31);
    float[] expected =
        Fixtures.flat(Fixtures.csv("breast_cancer_expected_contributions.csv", false));
    for (int i = 0; i < expected.length; i++) {
      assertThat(out.values()[i]).as("value %d", i).isCloseTo(expected[i], within(expected[i]));
    }
  }

  @Test
  void predict_breastCancerLeaf_returnsOneLeafPerTree() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    Prediction out = p.predict(Fixtures.breastCancerRows(), BC_ROWS, PredictionKind.LEAF);

    assertThat(out.shape()).containsExactly(BC_ROWS, 120);
    for (float leaf : out.values()) {
      assertThat(leaf).isGreaterThanOrEqualTo(0f).isEqualTo((float) Math.rint(leaf));
    }
    // Different rows end in different leaves of the first tree.
    assertThat(out.values()[0]).isNotEqualTo(out.values()[120 * 2]);
  }

  @Test
  void predict_diabetesRegression_matchesPythonPredictions() throws Exception {
    Predictor p = load(DIABETES_UBJ);
    float[] rows = Fixtures.flat(Fixtures.csv("diabetes_rows.csv", true));

    Prediction out = p.predict(rows, 64, PredictionKind.VALUE);

    assertThat(p.numFeatures()).isEqualTo(10);
    assertThat(p.featureNames()).containsExactlyElementsOf(Fixtures.header("diabetes_rows.csv"));
    assertThat(out.shape()).containsExactly(64);
    assertClose(out.values(), Fixtures.column("diabetes_expected_prediction.csv"));
  }

  @Test
  void predict_concurrentCallers_allGetTheSameAnswers() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);
    float[] rows = Fixtures.breastCancerRows();
    float[] expected = Fixtures.breastCancerProbabilities();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<float[]>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(() -> p.predict(rows, BC_ROWS, PredictionKind.VALUE).values());
      }
      for (Future<float[]> f : pool.invokeAll(calls)) {
        assertClose(f.get(), expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void load_bytesNotMatchingSha256_areRejectedBeforeLoading() {
    byte[] corrupt = Fixtures.bytes(Fixtures.CORRUPT_UBJ);

    assertThatThrownBy(() -> Predictor.load(corrupt, Fixtures.sha256(BREAST_CANCER_UBJ), 1))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("sha256 mismatch");
  }

  @Test
  void predict_wrongValueCount_isRejected() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    assertThatThrownBy(() -> p.predict(new float[29], 1, PredictionKind.VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void close_isIdempotentAndReported() throws Exception {
    Predictor p = load(BREAST_CANCER_UBJ);

    p.close();
    p.close();

    assertThat(p.isClosed()).isTrue();
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("row %d", i).isCloseTo(expected[i], within(expected[i]));
    }
  }

  /** 1e-6 relative, with a floor so values near zero compare at float32 resolution. */
  private static org.assertj.core.data.Offset<Float> within(float expected) {
    return offset(Math.max(Math.abs(expected) * 1e-6f, 1e-7f));
  }

  private static org.assertj.core.data.Offset<Float> offset(float value) {
    return org.assertj.core.data.Offset.offset(value);
  }
}

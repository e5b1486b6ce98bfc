package io.canopy.serving.predict;

import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.Booster.PredictionType;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One loaded XGBoost model, ready to predict from many threads at once. Values, margins and classes
 * go through {@code Booster.inplace_predict} (thread-safe, no DMatrix, no lock); leaves and SHAP
 * contributions need a DMatrix, whose predict path serializes on the Booster.
 *
 * <p>{@link #close()} frees the native model; callers make sure no prediction is running then (the
 * model manager reference-counts every request).
 */
public final class Predictor implements AutoCloseable {

  private static final float MISSING = Float.NaN;

  /** [begin, end) of trees to use; {0, 0} means all of them. */
  private static final int[] ALL_TREES = {0, 0};

  private final Booster booster;
  private final int numFeatures;
  private final List<String> featureNames;
  private final int valueWidth;
  private final int marginWidth;
  private boolean closed;

  private Predictor(
      Booster booster,
      int numFeatures,
      List<String> featureNames,
      int valueWidth,
      int marginWidth) {
    this.booster = booster;
    this.numFeatures = numFeatures;
    this.featureNames = featureNames;
    this.valueWidth = valueWidth;
    this.marginWidth = marginWidth;
  }

  /**
   * Loads a model from bytes after checking they hash to {@code expectedSha256}, then warms it up
   * with two probe rows (all missing, all zero), which also reveals its output widths. Bytes that
   * do not match never reach XGBoost's native loader.
   */
  public static Predictor load(byte[] bytes, String expectedSha256, int nthread)
      throws ModelLoadException {
    if (nthread < 1) {
      throw new IllegalArgumentException("nthread must be >= 1, got " + nthread);
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equals(expectedSha256)) {
      throw new ModelLoadException(
          "sha256 mismatch: expected " + expectedSha256 + ", bytes hash to " + actual);
    }
    Booster booster;
    try {
      booster = XGBoost.loadModel(bytes);
    } catch (XGBoostError | IOException e) {
      throw new ModelLoadException("xgboost could not load the model: " + e.getMessage(), e);
    }
    try {
      booster.setParam("nthread", nthread);
      int numFeatures = Math.toIntExact(booster.getNumFeature());
      String[] names = booster.getFeatureNames();
      float[] probe = new float[2 * numFeatures];
      Arrays.fill(probe, 0, numFeatures, MISSING);
      int valueWidth = inplace(booster, probe, 2, numFeatures, PredictionType.kValue)[0].length;
      int marginWidth = inplace(booster, probe, 2, numFeatures, PredictionType.kMargin)[0].length;
      return new Predictor(
          booster, numFeatures, featureNames(names, numFeatures), valueWidth, marginWidth);
    } catch (XGBoostError | RuntimeException e) {
      booster.dispose();
      throw new ModelLoadException("model failed its warm-up: " + e.getMessage(), e);
    }
  }

  /** The model file's names, or none when it has none (XGBoost4J then returns nulls). */
  private static List<String> featureNames(String[] names, int numFeatures) {
    if (names == null || names.length != numFeatures) {
      return List.of();
    }
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        return List.of();
      }
    }
    return List.of(names);
  }

  /** Number of input columns the model expects. */
  public int numFeatures() {
    return numFeatures;
  }

  /** Feature names stored in the model file, one per column; empty when it has none. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Columns per row of a {@link PredictionKind#VALUE} prediction (1, or the class count). */
  public int valueWidth() {
    return valueWidth;
  }

  /**
   * Predicts for {@code numRows} rows given row-major in {@code rows} (NaN = missing).
   *
   * @throws IllegalArgumentException when {@code rows} does not hold numRows × numFeatures values
   */
  public Prediction predict(float[] rows, int numRows, PredictionKind kind) {
    if (numRows < 1 || (long) numRows * numFeatures != rows.length) {
      throw new IllegalArgumentException(
          rows.length + " values are not " + numRows + " rows of " + numFeatures + " features");
    }
    try {
      return switch (kind) {
        case VALUE -> flatten(inplace(booster, rows, numRows, numFeatures, PredictionType.kValue));
        case MARGIN ->
            flatten(inplace(booster, rows, numRows, numFeatures, PredictionType.kMargin));
        case CLASS -> classes(rows, numRows);
        case LEAF -> withMatrix(rows, numRows, false);
        case CONTRIBUTIONS -> withMatrix(rows, numRows, true);
      };
    } catch (XGBoostError e) {
      throw new IllegalStateException("xgboost prediction failed: " + e.getMessage(), e);
    }
  }

  private static float[][] inplace(
      Booster booster, float[] rows, int numRows, int numFeatures, PredictionType type)
      throws XGBoostError {
    return booster.inplace_predict(rows, numRows, numFeatures, MISSING, ALL_TREES, type, null);
  }

  /** Argmax of the margins for multi-class (softmax and softprob alike), else value > 0.5. */
  private Prediction classes(float[] rows, int numRows) throws XGBoostError {
    boolean multiClass = marginWidth > 1;
    float[][] out =
        inplace(
            booster,
            rows,
            numRows,
            numFeatures,
            multiClass ? PredictionType.kMargin : PredictionType.kValue);
    float[] classes = new float[numRows];
    for (int r = 0; r < numRows; r++) {
      float[] row = out[r];
      if (multiClass) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
          if (row[c] > row[best]) {
            best = c;
          }
        }
        classes[r] = best;
      } else {
        classes[r] = row[0] > 0.5f ? 1f : 0f;
      }
    }
    return new Prediction(classes, new int[] {numRows});
  }

  private Prediction withMatrix(float[] rows, int numRows, boolean contributions)
      throws XGBoostError {
    DMatrix matrix = new DMatrix(rows, numRows, numFeatures, MISSING);
    try {
      if (!contributions) {
        return flatten(booster.predictLeaf(matrix, 0));
      }
      Prediction flat = flatten(booster.predictContrib(matrix, 0));
      if (marginWidth > 1) {
        return new Prediction(flat.values(), new int[] {numRows, marginWidth, numFeatures + 1});
      }
      return flat;
    } finally {
      matrix.dispose();
    }
  }

  private static Prediction flatten(float[][] out) {
    int numRows = out.length;
    int width = numRows == 0 ? 0 : out[0].length;
    float[] values = new float[numRows * width];
    for (int r = 0; r < numRows; r++) {
      System.arraycopy(out[r], 0, values, r * width, width);
    }
    return new Prediction(values, width == 1 ? new int[] {numRows} : new int[] {numRows, width});
  }

  /** Frees the native model. Idempotent; no prediction may run concurrently or after. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      booster.dispose();
    }
  }

  /** True once {@link #close()} has freed the native model. */
  public synchronized boolean isClosed() {
    return closed;
  }
}

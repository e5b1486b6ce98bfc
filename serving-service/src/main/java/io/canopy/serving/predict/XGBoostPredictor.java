package io.canopy.serving.predict;

import io.canopy.serving.predict.flat.FlatForest;
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
 * <p>When the fast path is on, the model is also compiled at load time into a {@link FlatForest}
 * and verified against {@code inplace_predict} on sample rows; if it passes, VALUE, MARGIN and
 * CLASS requests of at most {@link FastPathSettings#maxRows()} rows are computed by it in pure
 * Java, which skips the native call's fixed cost. {@link #engine()} says which engine the version
 * got.
 *
 * <p>{@link #close()} frees the native model; callers make sure no prediction is running then (the
 * model manager reference-counts every request).
 */
final class XGBoostPredictor implements Predictor {

  private static final float MISSING = Float.NaN;

  /** [begin, end) of trees to use; {0, 0} means all of them. */
  private static final int[] ALL_TREES = {0, 0};

  private final Booster booster;
  private final int numFeatures;
  private final List<String> featureNames;
  private final int valueWidth;
  private final int marginWidth;
  private final FlatForest flat;
  private final int flatMaxRows;
  private final EngineChoice engine;
  private boolean closed;

  private XGBoostPredictor(
      Booster booster,
      int numFeatures,
      List<String> featureNames,
      int valueWidth,
      int marginWidth,
      FlatForest flat,
      int flatMaxRows,
      EngineChoice engine) {
    this.booster = booster;
    this.numFeatures = numFeatures;
    this.featureNames = featureNames;
    this.valueWidth = valueWidth;
    this.marginWidth = marginWidth;
    this.flat = flat;
    this.flatMaxRows = flatMaxRows;
    this.engine = engine;
  }

  /**
   * Loads an XGBoost model (its sha256 already checked by {@link Predictor#load}), then warms it up
   * with two probe rows (all missing, all zero), which also reveals its output widths. With the
   * fast path enabled, then compiles and verifies the flat forest; a model it cannot take stays on
   * XGBoost4J (never a load failure).
   */
  static Predictor load(
      byte[] bytes, String sha256, int nthread, FastPathSettings fastPath, VerifiedModels verified)
      throws ModelLoadException {
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
      EngineSelection.Selected selected =
          EngineSelection.select(booster, numFeatures, fastPath, sha256, verified);
      return new XGBoostPredictor(
          booster,
          numFeatures,
          featureNames(names, numFeatures),
          valueWidth,
          marginWidth,
          selected.forest(),
          fastPath.maxRows(),
          selected.choice());
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
  @Override
  public int numFeatures() {
    return numFeatures;
  }

  /** Feature names stored in the model file, one per column; empty when it has none. */
  @Override
  public List<String> featureNames() {
    return featureNames;
  }

  /** The engine small VALUE, MARGIN and CLASS requests use, and why. */
  @Override
  public EngineChoice engine() {
    return engine;
  }

  /** Columns per row of a {@link PredictionKind#VALUE} prediction (1, or the class count). */
  @Override
  public int valueWidth() {
    return valueWidth;
  }

  /**
   * Predicts for {@code numRows} rows given row-major in {@code rows} (NaN = missing).
   *
   * @throws IllegalArgumentException when {@code rows} does not hold numRows × numFeatures values
   */
  @Override
  public Prediction predict(float[] rows, int numRows, PredictionKind kind) {
    if (numRows < 1 || (long) numRows * numFeatures != rows.length) {
      throw new IllegalArgumentException(
          rows.length + " values are not " + numRows + " rows of " + numFeatures + " features");
    }
    if (flat != null && numRows <= flatMaxRows && flatKind(kind)) {
      return predictFlat(rows, numRows, kind);
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

  private static boolean flatKind(PredictionKind kind) {
    return kind == PredictionKind.VALUE
        || kind == PredictionKind.MARGIN
        || kind == PredictionKind.CLASS;
  }

  /** VALUE, MARGIN or CLASS from the flat forest; the same shapes as the XGBoost4J path. */
  private Prediction predictFlat(float[] rows, int numRows, PredictionKind kind) {
    float[] margins = new float[numRows * marginWidth];
    flat.margins(rows, numRows, margins);
    return switch (kind) {
      case MARGIN -> Predictions.shaped(margins, numRows, marginWidth);
      case VALUE -> Predictions.shaped(flat.values(margins, numRows), numRows, valueWidth);
      case CLASS ->
          marginWidth > 1
              ? Predictions.classes(margins, numRows, marginWidth, true)
              : Predictions.classes(flat.values(margins, numRows), numRows, 1, false);
      default -> throw new IllegalArgumentException(kind + " is not computed by the flat forest");
    };
  }

  static float[][] inplace(
      Booster booster, float[] rows, int numRows, int numFeatures, PredictionType type)
      throws XGBoostError {
    return booster.inplace_predict(rows, numRows, numFeatures, MISSING, ALL_TREES, type, null);
  }

  /** Argmax of the margins for multi-class (softmax and softprob alike), else value > 0.5. */
  private Prediction classes(float[] rows, int numRows) throws XGBoostError {
    boolean multiClass = marginWidth > 1;
    Prediction out =
        flatten(
            inplace(
                booster,
                rows,
                numRows,
                numFeatures,
                multiClass ? PredictionType.kMargin : PredictionType.kValue));
    return Predictions.classes(out.values(), numRows, multiClass ? marginWidth : 1, multiClass);
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

  static Prediction flatten(float[][] out) {
    int numRows = out.length;
    int width = numRows == 0 ? 0 : out[0].length;
    float[] values = new float[numRows * width];
    for (int r = 0; r < numRows; r++) {
      System.arraycopy(out[r], 0, values, r * width, width);
    }
    return Predictions.shaped(values, numRows, width);
  }

  /** Frees the native model. Idempotent; no prediction may run concurrently or after. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      booster.dispose();
    }
  }

  @Override
  public long heapBytes() {
    return flat == null ? 0 : flat.heapBytes();
  }

  /** True once {@link #close()} has freed the native model. */
  @Override
  public synchronized boolean isClosed() {
    return closed;
  }
}

package io.canopy.serving.predict;

import io.canopy.common.digest.Sha256;
import io.canopy.lightgbm.LightGbmText;
import java.util.List;

/**
 * One loaded model version, ready to predict from many threads at once: an XGBoost model ({@link
 * XGBoostPredictor}) or a LightGBM one ({@link LightGbmPredictor}), told apart by their bytes.
 *
 * <p>{@link #close()} frees the native model; callers make sure no prediction is running then (the
 * model manager reference-counts every request).
 */
public interface Predictor extends AutoCloseable {

  /** Loads with the default fast-path settings; see the four-argument {@code load}. */
  static Predictor load(byte[] bytes, String expectedSha256, int nthread)
      throws ModelLoadException {
    return load(bytes, expectedSha256, nthread, FastPathSettings.DEFAULT);
  }

  /**
   * Loads a model from bytes after checking they hash to {@code expectedSha256}: bytes that do not
   * match never reach a native loader. LightGBM's text format goes to LightGBM's library (after
   * Canopy's own bounded reader), anything else to XGBoost's.
   */
  static Predictor load(byte[] bytes, String expectedSha256, int nthread, FastPathSettings fastPath)
      throws ModelLoadException {
    return load(bytes, expectedSha256, nthread, fastPath, VerifiedModels.none());
  }

  /**
   * As the four-argument {@code load}; a flat forest whose bytes are in {@code verified} is not
   * verified again, and one that passes is added to it.
   */
  static Predictor load(
      byte[] bytes,
      String expectedSha256,
      int nthread,
      FastPathSettings fastPath,
      VerifiedModels verified)
      throws ModelLoadException {
    if (nthread < 1) {
      throw new IllegalArgumentException("nthread must be >= 1, got " + nthread);
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equals(expectedSha256)) {
      throw new ModelLoadException(
          "sha256 mismatch: expected " + expectedSha256 + ", bytes hash to " + actual);
    }
    return LightGbmText.looksLike(bytes, bytes.length)
        ? LightGbmPredictor.load(bytes, actual, fastPath, verified)
        : XGBoostPredictor.load(bytes, actual, nthread, fastPath, verified);
  }

  /** Number of input columns the model expects. */
  int numFeatures();

  /** Feature names stored in the model file, one per column; empty when it has none. */
  List<String> featureNames();

  /** The engine small VALUE, MARGIN and CLASS requests use, and why. */
  EngineChoice engine();

  /** Columns per row of a {@link PredictionKind#VALUE} prediction (1, or the class count). */
  int valueWidth();

  /**
   * Predicts for {@code numRows} rows given row-major in {@code rows} (NaN = missing).
   *
   * @throws IllegalArgumentException when {@code rows} does not hold numRows × numFeatures values
   */
  Prediction predict(float[] rows, int numRows, PredictionKind kind);

  /**
   * The Java heap this predictor holds beyond the native engine's model, exactly: the flat forest's
   * arrays and, for LightGBM, the parsed trees. The native model's memory is the registry's measure
   * ({@code ModelVersion.native_bytes}).
   */
  long heapBytes();

  /** Frees the native model. Idempotent; no prediction may run concurrently or after. */
  @Override
  void close();

  /** True once {@link #close()} has freed the native model. */
  boolean isClosed();
}

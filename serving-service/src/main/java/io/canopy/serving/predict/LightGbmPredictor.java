package io.canopy.serving.predict;

import io.canopy.common.memory.HeapBytes;
import io.canopy.lightgbm.LightGbmFormatException;
import io.canopy.lightgbm.LightGbmModel;
import io.canopy.lightgbm.LightGbmText;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Tree;
import io.canopy.serving.predict.flat.ForestVerifier;
import io.canopy.serving.predict.flat.LightGbmForest;
import io.canopy.serving.predict.flat.LightGbmVerifier;
import io.canopy.serving.predict.flat.UnsupportedModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One loaded LightGBM model. Canopy's bounded reader ({@link LightGbmText}) reads the file first
 * (the registry validated it the same way, in its sandboxed child, before the version became
 * READY); LightGBM's own library then loads it and computes every kind of prediction: values (the
 * objective's outputs), margins (raw scores), classes, leaf indices and SHAP contributions ({@code
 * pred_contrib}). The flat forest does not compile LightGBM trees yet, so {@link #engine} says
 * LightGBM for every request.
 */
final class LightGbmPredictor implements Predictor {

  private final NativeBooster booster;
  private final LightGbmModel model;
  private final LightGbmForest forest;
  private final int forestMaxRows;
  private final EngineChoice engine;
  private boolean closed;

  private LightGbmPredictor(
      NativeBooster booster,
      LightGbmModel model,
      LightGbmForest forest,
      int forestMaxRows,
      EngineChoice engine) {
    this.booster = booster;
    this.model = model;
    this.forest = forest;
    this.forestMaxRows = forestMaxRows;
    this.engine = engine;
  }

  /**
   * Loads the model with LightGBM's library and, with the fast path on, lays its trees out for the
   * pure-Java walk ({@link LightGbmForest}) and verifies them against LightGBM on sample rows; a
   * model that fails stays on LightGBM's library with the reason (never a load failure).
   */
  static Predictor load(
      byte[] bytes, String sha256, FastPathSettings fastPath, VerifiedModels verified)
      throws ModelLoadException {
    LightGbmModel model;
    try {
      model = LightGbmText.parse(bytes);
    } catch (LightGbmFormatException e) {
      throw new ModelLoadException("the LightGBM model is malformed: " + e.getMessage(), e);
    }
    NativeBooster booster;
    try {
      booster = new NativeBooster(new String(bytes, StandardCharsets.UTF_8), model.numFeatures());
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("LightGBM could not load the model: " + e.getMessage(), e);
    }
    LightGbmPredictor predictor;
    try {
      predictor = withEngine(booster, model, fastPath, sha256, verified);
    } catch (RuntimeException e) {
      booster.close();
      throw new ModelLoadException("model failed its warm-up: " + e.getMessage(), e);
    }
    try {
      float[] probe = new float[2 * model.numFeatures()];
      java.util.Arrays.fill(probe, 0, model.numFeatures(), Float.NaN);
      predictor.predict(probe, 2, PredictionKind.VALUE); // warm-up
      return predictor;
    } catch (RuntimeException e) {
      predictor.close();
      throw new ModelLoadException("model failed its warm-up: " + e.getMessage(), e);
    }
  }

  private static LightGbmPredictor withEngine(
      NativeBooster booster,
      LightGbmModel model,
      FastPathSettings fastPath,
      String sha256,
      VerifiedModels verified) {
    if (!fastPath.enabled()) {
      return native_(booster, model, "disabled", "serving.predict.fast-path.enabled is false");
    }
    LightGbmForest forest;
    try {
      forest = LightGbmForest.compile(model);
    } catch (UnsupportedModelException e) {
      return native_(booster, model, e.reason(), e.getMessage());
    }
    String earlier = verified.detail(sha256);
    if (earlier != null) {
      return new LightGbmPredictor(
          booster, model, forest, fastPath.maxRows(), VerifiedModels.earlier(earlier));
    }
    ForestVerifier.Verdict verdict =
        LightGbmVerifier.verify(
            forest,
            (rows, numRows, raw) ->
                booster.predict(rows, numRows, raw ? NativeBooster.RAW : NativeBooster.NORMAL),
            EngineSelection.VERIFY_ROWS,
            EngineSelection.VERIFY_SEED);
    if (!verdict.passed()) {
      return native_(booster, model, "mismatch", verdict.detail());
    }
    verified.remember(sha256, verdict.detail());
    return new LightGbmPredictor(
        booster,
        model,
        forest,
        fastPath.maxRows(),
        new EngineChoice(Engine.FLAT, "verified", verdict.detail()));
  }

  private static LightGbmPredictor native_(
      NativeBooster booster, LightGbmModel model, String reason, String detail) {
    return new LightGbmPredictor(
        booster, model, null, 0, new EngineChoice(Engine.LIGHTGBM, reason, detail));
  }

  @Override
  public int numFeatures() {
    return model.numFeatures();
  }

  @Override
  public List<String> featureNames() {
    return model.featureNames();
  }

  @Override
  public EngineChoice engine() {
    return engine;
  }

  @Override
  public int valueWidth() {
    return model.treesPerIteration();
  }

  @Override
  public Prediction predict(float[] rows, int numRows, PredictionKind kind) {
    int n = model.numFeatures();
    if (numRows < 1 || (long) numRows * n != rows.length) {
      throw new IllegalArgumentException(
          rows.length + " values are not " + numRows + " rows of " + n + " features");
    }
    int classes = model.treesPerIteration();
    if (forest != null
        && numRows <= forestMaxRows
        && kind != PredictionKind.LEAF
        && kind != PredictionKind.CONTRIBUTIONS) {
      double[] raw = new double[numRows * classes];
      forest.rawScores(rows, numRows, raw);
      if (kind == PredictionKind.MARGIN) {
        return Predictions.shaped(floats(raw), numRows, classes);
      }
      double[] values = new double[raw.length];
      forest.values(raw, numRows, values);
      return kind == PredictionKind.VALUE
          ? Predictions.shaped(floats(values), numRows, classes)
          : Predictions.classes(floats(values), numRows, classes, classes > 1);
    }
    return switch (kind) {
      case VALUE ->
          Predictions.shaped(
              floats(booster.predict(rows, numRows, NativeBooster.NORMAL)), numRows, classes);
      case MARGIN ->
          Predictions.shaped(
              floats(booster.predict(rows, numRows, NativeBooster.RAW)), numRows, classes);
      case CLASS ->
          Predictions.classes(
              floats(booster.predict(rows, numRows, NativeBooster.NORMAL)),
              numRows,
              classes,
              classes > 1);
      case LEAF ->
          Predictions.shaped(
              floats(booster.predict(rows, numRows, NativeBooster.LEAF)),
              numRows,
              model.trees().size());
      case CONTRIBUTIONS -> {
        float[] values = floats(booster.predict(rows, numRows, NativeBooster.CONTRIB));
        yield classes > 1
            ? new Prediction(values, new int[] {numRows, classes, n + 1})
            : Predictions.shaped(values, numRows, n + 1);
      }
    };
  }

  private static float[] floats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      booster.close();
    }
  }

  /** The parsed trees (kept for the flat forest's verification and outputs) and the forest. */
  @Override
  public long heapBytes() {
    long trees = 0;
    for (Tree t : model.trees()) {
      trees +=
          HeapBytes.of(
              t.splitFeature(),
              t.threshold(),
              t.decisionType(),
              t.leftChild(),
              t.rightChild(),
              t.leafValue(),
              t.catBoundaries(),
              t.catThreshold());
      if (t.linear()) {
        trees +=
            HeapBytes.of(
                t.linearLeaves().constant(), t.linearLeaves().features(), t.linearLeaves().coeff());
      }
    }
    return trees + (forest == null ? 0 : forest.heapBytes());
  }

  @Override
  public synchronized boolean isClosed() {
    return closed;
  }
}

package io.canopy.registry.validation;

import io.canopy.lightgbm.LightGbmFormatException;
import io.canopy.lightgbm.LightGbmModel;
import io.canopy.lightgbm.LightGbmNative;
import io.canopy.lightgbm.LightGbmText;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Outputs;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The validation child's check of a LightGBM text model: first our own bounded reader ({@link
 * LightGbmText}: structure, counts, feature and child indices, objective), then LightGBM's own
 * library loads the file and predicts two probe rows (all missing, all zero), whose outputs must be
 * finite and equal to what Canopy's reading of the trees gives — so serving's flat forest and
 * LightGBM agree on what the file means before the version is READY.
 */
final class LightGbmProbe {

  /** Relative tolerance between LightGBM's and Canopy's outputs (both double). */
  private static final double TOLERANCE = 1e-9;

  private LightGbmProbe() {}

  static ModelVersion probe(Path file) {
    byte[] bytes;
    LightGbmModel model;
    try {
      bytes = Files.readAllBytes(file);
      model = LightGbmText.parse(bytes);
    } catch (IOException e) {
      return ModelProbe.failed("the model file cannot be read: " + e.getMessage());
    } catch (LightGbmFormatException e) {
      return ModelProbe.failed("the LightGBM model is malformed: " + e.getMessage());
    }
    if (!Outputs.supports(model.objective())) {
      return ModelProbe.failed(
          "LightGBM objective '" + model.objective().name() + "' is not supported");
    }
    int n = model.numFeatures();
    float[] probe = new float[2 * n];
    Arrays.fill(probe, 0, n, Float.NaN);
    double[] native_;
    long nativeBytes;
    try {
      LightGbmNative.load(); // the library's own start-up is not the model's
    } catch (IOException e) {
      return ModelProbe.failed("LightGBM's library cannot be loaded: " + e.getMessage());
    }
    NativeBooster booster;
    try {
      booster = new NativeBooster(new String(bytes, StandardCharsets.UTF_8), n);
    } catch (IOException | RuntimeException e) {
      return ModelProbe.failed("LightGBM cannot load the model: " + e.getMessage());
    }
    try {
      native_ = booster.predict(probe, 2, NativeBooster.NORMAL);
    } catch (RuntimeException e) {
      booster.close();
      return ModelProbe.failed("LightGBM cannot load the model: " + e.getMessage());
    }
    nativeBytes = ModelProbe.freedBy(booster::close);
    int width = model.treesPerIteration();
    if (native_.length != 2 * width) {
      return ModelProbe.failed("LightGBM answered " + native_.length + " outputs for 2 probe rows");
    }
    for (double v : native_) {
      if (!Double.isFinite(v)) {
        return ModelProbe.failed("the probe prediction is not a finite number");
      }
    }
    for (int r = 0; r < 2; r++) {
      double[] row = new double[n];
      for (int f = 0; f < n; f++) {
        row[f] = probe[r * n + f];
      }
      double[] ours = model.predict(row);
      for (int k = 0; k < width; k++) {
        double theirs = native_[r * width + k];
        if (Math.abs(ours[k] - theirs) > TOLERANCE * Math.max(1, Math.abs(theirs))) {
          return ModelProbe.failed(
              "LightGBM and Canopy's reader of the file disagree on a probe row ("
                  + theirs
                  + " against "
                  + ours[k]
                  + ")");
        }
      }
    }
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_READY)
        .setObjective(model.objective().name())
        .setNumFeatures(n)
        .addAllFeatureNames(model.featureNames())
        .setNumTrees(model.trees().size())
        .setNumClasses(model.objective().name().startsWith("multiclass") ? model.numClass() : 0)
        .setNativeBytes(nativeBytes)
        .build();
  }
}

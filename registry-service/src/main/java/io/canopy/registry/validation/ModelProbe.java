package io.canopy.registry.validation;

import io.canopy.common.memory.NativeHeap;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Entry point of the validation child process: loads a model file with XGBoost4J (or a LightGBM
 * text model with LightGBM's library, {@link LightGbmProbe}), predicts one all-missing row, and
 * prints the facts (or why it failed) as one {@link ProbeOutput} line. Runs only in a child JVM: if
 * the native loader crashes on corrupt bytes, only this process dies. Usage: {@code ModelProbe
 * <model.ubj|model.json|model.txt>} probes one file; {@code ModelProbe --serve} prints a ready
 * line, then probes each file named on stdin (a 4-byte big-endian length, then the UTF-8 path)
 * until stdin closes.
 */
public final class ModelProbe {

  static final String SERVE = "--serve";

  private ModelProbe() {}

  public static void main(String[] args) throws IOException {
    // Keep stdout for result lines alone; anything a library prints goes to stderr.
    PrintStream result = System.out;
    System.setOut(System.err);
    if (args.length == 1 && SERVE.equals(args[0])) {
      serve(new DataInputStream(new BufferedInputStream(System.in)), result);
      return;
    }
    ModelVersion outcome;
    if (args.length != 1) {
      outcome = failed("usage: ModelProbe <model file> | ModelProbe --serve");
    } else {
      outcome = probe(Path.of(args[0]));
    }
    result.println(ProbeOutput.encode(outcome));
    result.flush();
    System.exit(result.checkError() ? 1 : 0);
  }

  private static void serve(DataInputStream requests, PrintStream result) throws IOException {
    try {
      // Its static initializer loads the native library: done now, the first probe starts warm.
      Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI");
    } catch (ClassNotFoundException e) {
      throw new IOException("XGBoost4J is not on the class path", e);
    }
    result.println(ProbeOutput.READY);
    result.flush();
    while (true) {
      int length;
      try {
        length = requests.readInt();
      } catch (EOFException e) {
        return; // the registry closed the pipe: done
      }
      if (length < 1 || length > ProbeOutput.MAX_REQUEST_BYTES) {
        throw new IOException("bad request length " + length);
      }
      String path = new String(requests.readNBytes(length), StandardCharsets.UTF_8);
      result.println(ProbeOutput.encode(probe(Path.of(path))));
      result.flush();
    }
  }

  static ModelVersion probe(Path file) {
    if (file.getFileName()
        .toString()
        .endsWith("." + ModelFormats.extension(ModelFormat.MODEL_FORMAT_LIGHTGBM))) {
      return LightGbmProbe.probe(file);
    }
    Optional<String> inconsistent;
    try {
      inconsistent = TreeShapes.check(ModelDocument.read(file, formatOf(file)));
    } catch (IOException | RuntimeException e) {
      return failed("the model file cannot be read: " + e.getMessage());
    }
    if (inconsistent.isPresent()) {
      return failed("the model's trees are inconsistent: " + inconsistent.get());
    }
    Booster booster;
    try {
      booster = XGBoost.loadModel(file.toString());
    } catch (XGBoostError e) {
      return failed("XGBoost cannot load the model: " + XGBoostErrors.summary(e.getMessage()));
    }
    try {
      booster.setParam("nthread", 1);
      long numFeatures = booster.getNumFeature();
      if (numFeatures < 1 || numFeatures > Integer.MAX_VALUE) {
        return failed("the model declares " + numFeatures + " input features");
      }
      List<String> names = strings(booster.getFeatureNames());
      List<String> types = strings(booster.getFeatureTypes());
      if (!names.isEmpty() && names.size() != numFeatures) {
        return failed(names.size() + " feature names for " + numFeatures + " features");
      }
      float[] row = new float[(int) numFeatures];
      Arrays.fill(row, Float.NaN);
      float[][] prediction = booster.inplace_predict(row, 1, row.length, Float.NaN);
      if (!finite(prediction)) {
        return failed("the probe prediction is not a finite number");
      }
      Path json = Files.createTempFile("model-", ".json");
      booster.saveModel(json.toString());
      Map<String, String> facts = ModelJsonFacts.read(json);
      Files.deleteIfExists(json);
      ModelVersion.Builder ready =
          ModelVersion.newBuilder()
              .setState(VersionState.VERSION_STATE_READY)
              .setObjective(facts.getOrDefault(ModelJsonFacts.OBJECTIVE, ""))
              .setNumFeatures((int) numFeatures)
              .addAllFeatureNames(names)
              .addAllFeatureTypes(types)
              .setNumTrees(numTrees(facts))
              .setNumClasses(integer(facts.get(ModelJsonFacts.NUM_CLASS)));
      Booster loaded = booster;
      booster = null;
      return ready.setNativeBytes(freedBy(loaded::dispose)).build();
    } catch (XGBoostError e) {
      return failed("XGBoost cannot use the model: " + XGBoostErrors.summary(e.getMessage()));
    } catch (Exception e) {
      return failed("the model could not be inspected: " + e.getClass().getSimpleName());
    } finally {
      if (booster != null) {
        booster.dispose();
      }
    }
  }

  /**
   * The native memory a loaded model holds, measured as what {@code dispose} gives back to the C
   * heap (caches a library keeps per thread across models stay out of it); 0 when it cannot be
   * measured here.
   */
  static long freedBy(Runnable dispose) {
    long with = NativeHeap.inUse().orElse(-1);
    dispose.run();
    long without = NativeHeap.inUse().orElse(-1);
    return with < 0 || without < 0 ? 0 : Math.max(0, with - without);
  }

  /** The worker names each file after its format (XGBoost picks its parser the same way). */
  private static ModelFormat formatOf(Path file) {
    return file.getFileName().toString().endsWith(".json")
        ? ModelFormat.MODEL_FORMAT_JSON
        : ModelFormat.MODEL_FORMAT_UBJ;
  }

  private static int numTrees(Map<String, String> facts) {
    String trees = facts.get(ModelJsonFacts.GBTREE_TREES);
    return integer(trees != null ? trees : facts.get(ModelJsonFacts.DART_TREES)); // 0: gblinear
  }

  private static int integer(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** XGBoost returns arrays of nulls when a model has no names or types; treat that as none. */
  private static List<String> strings(String[] values) {
    if (values == null || values.length == 0) {
      return List.of();
    }
    for (String v : values) {
      if (v == null) {
        return List.of();
      }
    }
    return List.of(values);
  }

  private static boolean finite(float[][] prediction) {
    if (prediction.length == 0) {
      return false;
    }
    for (float[] row : prediction) {
      if (row.length == 0) {
        return false;
      }
      for (float v : row) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  static ModelVersion failed(String reason) {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_FAILED)
        .setFailureReason(reason)
        .build();
  }
}

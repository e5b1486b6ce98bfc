package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Compiles a model as XGBoost saves it — UBJSON ({@code Booster.toByteArray("ubj")}, what serving
 * loads: {@link UbjReader}) or JSON text — into a {@link FlatForest}, or says why it cannot: gbtree
 * and dart models (dart's trees weighted by their {@code weight_drop}) with numerical splits,
 * scalar leaves and an objective whose transform is known here compile. From UBJSON floats are read
 * as the float32 XGBoost holds; from text, from their decimal text straight into float (XGBoost
 * writes the shortest text that round-trips a float): the same floats.
 */
public final class ForestCompiler {

  private ForestCompiler() {}

  /** Per-node training statistics: never read, skipped unparsed in UBJSON. */
  private static final Set<String> TRAINING_STATISTICS =
      Set.of("loss_changes", "sum_hessian", "base_weights", "parents");

  /** Compiles the UBJSON model. */
  public static FlatForest compileUbj(byte[] ubj) throws UnsupportedModelException {
    try {
      return compile(UbjReader.parse(ubj, TRAINING_STATISTICS));
    } catch (IllegalStateException | ClassCastException | NullPointerException e) {
      throw malformed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Compiles the JSON model. */
  public static FlatForest compile(byte[] json) throws UnsupportedModelException {
    try (Reader reader =
        new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8)) {
      return compile(JsonParser.parseReader(reader));
    } catch (JsonParseException
        | IllegalStateException
        | ClassCastException
        | NumberFormatException
        | NullPointerException // a required key is absent
        | IOException e) {
      throw malformed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static FlatForest compile(JsonElement root) throws UnsupportedModelException {
    JsonObject learner = root.getAsJsonObject().getAsJsonObject("learner");
    if (learner == null) {
      throw malformed("no 'learner' object");
    }
    JsonObject booster = learner.getAsJsonObject("gradient_booster");
    String boosterName = booster.get("name").getAsString();
    // A dart model is, at inference, its trees each weighted by its weight_drop.
    JsonObject gbtree;
    JsonArray weights = null;
    switch (boosterName) {
      case "gbtree" -> gbtree = booster;
      case "dart" -> {
        gbtree = booster.getAsJsonObject("gbtree");
        weights = booster.getAsJsonArray("weight_drop");
      }
      case "gblinear" -> throw new UnsupportedModelException("gblinear", "linear booster");
      default -> throw new UnsupportedModelException("booster", "booster '" + boosterName + "'");
    }
    JsonObject param = learner.getAsJsonObject("learner_model_param");
    int numTarget = intOf(param, "num_target", 1);
    if (numTarget > 1) {
      throw new UnsupportedModelException("multi-target", numTarget + " targets");
    }
    String objective = learner.getAsJsonObject("objective").get("name").getAsString();
    OutputTransform transform = Objectives.transform(objective);
    if (transform == null) {
      throw new UnsupportedModelException("objective", "objective '" + objective + "'");
    }
    int numFeatures = intOf(param, "num_feature", 0);
    if (numFeatures < 0 || numFeatures > FlatForest.MAX_FEATURES) {
      throw new UnsupportedModelException(
          "size", numFeatures + " features (at most " + FlatForest.MAX_FEATURES + ")");
    }
    int groups = Math.max(1, intOf(param, "num_class", 0));
    float[] base = baseMargins(objective, baseScore(param, groups));

    JsonObject model = gbtree.getAsJsonObject("model");
    if (model.has("weight_drop")) {
      // XGBoost 3.1+ saves a dart model as gbtree plus the trees' dropout weights.
      weights = model.getAsJsonArray("weight_drop");
    }
    JsonArray trees = model.getAsJsonArray("trees");
    if (weights != null && weights.size() != trees.size()) {
      throw malformed(trees.size() + " trees but " + weights.size() + " dart weights");
    }
    JsonArray treeInfo = model.getAsJsonArray("tree_info");
    if (treeInfo.size() != trees.size()) {
      throw malformed(trees.size() + " trees but " + treeInfo.size() + " tree_info entries");
    }
    int totalNodes = 0;
    for (JsonElement tree : trees) {
      totalNodes += tree.getAsJsonObject().getAsJsonArray("left_children").size();
    }
    TreeLayout layout = new TreeLayout(totalNodes, trees.size());
    for (int t = 0; t < trees.size(); t++) {
      int group = treeInfo.get(t).getAsInt();
      if (group < 0 || group >= groups) {
        throw malformed("tree " + t + " belongs to group " + group + " of " + groups);
      }
      float weight = weights == null ? 1f : weights.get(t).getAsFloat();
      layout.add(t, group, trees.get(t).getAsJsonObject(), numFeatures, weight);
    }
    return layout.build(numFeatures, base, transform);
  }

  /**
   * {@code base_score} in output space, one per output group: "5E-1" or "[5E-1]" for every group,
   * or (XGBoost 3.1+, multi-class) a vector with one intercept per class.
   */
  private static float[] baseScore(JsonObject param, int groups) throws UnsupportedModelException {
    String text = param.get("base_score").getAsString().trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1).trim();
    }
    String[] parts = text.split(",");
    float[] scores = new float[groups];
    if (parts.length == 1) {
      Arrays.fill(scores, Float.parseFloat(parts[0].trim()));
    } else if (parts.length == groups) {
      for (int g = 0; g < groups; g++) {
        scores[g] = Float.parseFloat(parts[g].trim());
      }
    } else {
      throw new UnsupportedModelException(
          "multi-target", "base_score has " + parts.length + " values for " + groups + " groups");
    }
    return scores;
  }

  /** Each group's starting margin: its base score through the objective's inverse link. */
  private static float[] baseMargins(String objective, float[] scores) {
    float[] margins = new float[scores.length];
    for (int g = 0; g < scores.length; g++) {
      margins[g] = Objectives.baseMargin(objective, scores[g]);
    }
    return margins;
  }

  static int intOf(JsonObject object, String key, int absent) {
    JsonElement e = object.get(key);
    return e == null ? absent : Integer.parseInt(e.getAsString());
  }

  static UnsupportedModelException malformed(String detail) {
    return new UnsupportedModelException("malformed", "unreadable model JSON: " + detail);
  }
}

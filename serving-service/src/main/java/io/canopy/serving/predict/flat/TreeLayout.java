package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;

/**
 * Lays XGBoost JSON trees out into the concatenated arrays of a {@link FlatForest}: each tree is
 * renumbered breadth-first from its root, so a node's two children sit next to each other and the
 * top levels, which every row visits, share cache lines; nodes no path reaches (pruned ones) are
 * dropped.
 */
final class TreeLayout {

  private final int[] feature;
  private final float[] threshold;
  private final int[] children;
  private final byte[] defaultRight;
  private final int[] roots;
  private final int[] depths;
  private final int[] treeGroup;
  private int size;

  TreeLayout(int maxNodes, int numTrees) {
    feature = new int[maxNodes];
    threshold = new float[maxNodes];
    children = new int[2 * maxNodes];
    defaultRight = new byte[maxNodes];
    roots = new int[numTrees];
    depths = new int[numTrees];
    treeGroup = new int[numTrees];
  }

  /**
   * @param weight every leaf value is multiplied by it (in float, as XGBoost's dart does before
   *     adding a tree's output): a dart tree's {@code weight_drop}, else 1
   */
  void add(int t, int group, JsonObject tree, int numFeatures, float weight)
      throws UnsupportedModelException {
    int sizeLeafVector =
        ForestCompiler.intOf(tree.getAsJsonObject("tree_param"), "size_leaf_vector", 0);
    if (sizeLeafVector > 1) {
      throw new UnsupportedModelException("multi-target", "tree " + t + " has vector leaves");
    }
    if (hasCategoricalSplit(tree)) {
      throw new UnsupportedModelException("categorical", "tree " + t + " has categorical splits");
    }
    int[] lefts = ints(tree.getAsJsonArray("left_children"));
    int[] rights = ints(tree.getAsJsonArray("right_children"));
    int[] splits = ints(tree.getAsJsonArray("split_indices"));
    float[] conditions = floats(tree.getAsJsonArray("split_conditions"));
    int[] defaults = ints(tree.getAsJsonArray("default_left"));
    int n = lefts.length;
    if (n == 0
        || rights.length != n
        || splits.length != n
        || conditions.length != n
        || defaults.length != n) {
      throw ForestCompiler.malformed("tree " + t + " has arrays of different lengths");
    }
    roots[t] = size;
    treeGroup[t] = group;
    // Breadth-first: order[i] is the JSON index of the i-th node laid out, level[i] its depth.
    int[] order = new int[n];
    int[] level = new int[n];
    int tail = 1;
    for (int head = 0; head < tail; head++) {
      int node = order[head];
      int at = roots[t] + head;
      if (lefts[node] == -1) {
        // A leaf: its own child both ways, so extra steps stay on it.
        feature[at] = 0;
        threshold[at] = weight == 1f ? conditions[node] : conditions[node] * weight;
        children[2 * at] = at;
        children[2 * at + 1] = at;
        depths[t] = Math.max(depths[t], level[head]);
        continue;
      }
      int l = lefts[node];
      int r = rights[node];
      if (tail + 2 > n || l <= 0 || r <= 0 || l >= n || r >= n) {
        throw ForestCompiler.malformed("tree " + t + " node " + node + " has bad children");
      }
      if (splits[node] < 0 || splits[node] >= numFeatures) {
        throw ForestCompiler.malformed(
            "tree " + t + " splits on feature " + splits[node] + " of " + numFeatures);
      }
      feature[at] = splits[node];
      threshold[at] = conditions[node];
      defaultRight[at] = (byte) (defaults[node] != 0 ? 0 : 1);
      children[2 * at] = roots[t] + tail;
      children[2 * at + 1] = roots[t] + tail + 1;
      level[tail] = level[head] + 1;
      order[tail++] = l;
      level[tail] = level[head] + 1;
      order[tail++] = r;
    }
    size += tail;
  }

  private static boolean hasCategoricalSplit(JsonObject tree) {
    JsonArray types = tree.getAsJsonArray("split_type");
    if (types != null) {
      for (JsonElement type : types) {
        if (type.getAsInt() != 0) {
          return true;
        }
      }
    }
    JsonArray nodes = tree.getAsJsonArray("categories_nodes");
    return nodes != null && !nodes.isEmpty();
  }

  FlatForest build(int numFeatures, float[] baseMargin, OutputTransform transform) {
    return new FlatForest(
        numFeatures,
        baseMargin,
        transform,
        roots,
        depths,
        treeGroup,
        Arrays.copyOf(feature, size),
        Arrays.copyOf(threshold, size),
        Arrays.copyOf(children, 2 * size),
        Arrays.copyOf(defaultRight, size));
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement e = array.get(i);
      // default_left is 0/1 in XGBoost 1.x-3.x JSON; accept booleans too.
      out[i] = e.getAsJsonPrimitive().isBoolean() ? (e.getAsBoolean() ? 1 : 0) : e.getAsInt();
    }
    return out;
  }

  private static float[] floats(JsonArray array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      // The decimal text straight to float: no detour through double.
      out[i] = Float.parseFloat(array.get(i).getAsString());
    }
    return out;
  }
}

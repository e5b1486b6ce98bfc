package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;

/**
 * Lays XGBoost JSON trees out into the node records of a {@link FlatForest} ({@link
 * FlatForest#NODE_INTS} ints each, all trees concatenated): each tree is renumbered breadth-first
 * from its root, so a node's two children sit next to each other and the top levels, which every
 * row visits, share cache lines; nodes no path reaches (pruned ones) are dropped.
 */
final class TreeLayout {

  private static final int W = FlatForest.NODE_INTS;

  /** Most nodes the records can index (positions are ints). */
  static final int MAX_NODES = (Integer.MAX_VALUE - 8) / W;

  private int[] nodes;
  private final int[] roots;
  private final int[] depths;
  private final int[] treeGroup;
  private int size;

  TreeLayout(int maxNodes, int numTrees) {
    nodes = new int[W * Math.min(maxNodes, MAX_NODES)];
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
    CategoricalSplits.Arrays5 arrays =
        new CategoricalSplits.Arrays5(
            ints(tree.getAsJsonArray("left_children")),
            ints(tree.getAsJsonArray("right_children")),
            ints(tree.getAsJsonArray("split_indices")),
            floats(tree.getAsJsonArray("split_conditions")),
            ints(tree.getAsJsonArray("default_left")));
    int n0 = arrays.lefts().length;
    if (n0 == 0
        || arrays.rights().length != n0
        || arrays.splits().length != n0
        || arrays.conditions().length != n0
        || arrays.defaults().length != n0) {
      throw ForestCompiler.malformed("tree " + t + " has arrays of different lengths");
    }
    if (hasCategoricalSplit(tree)) {
      arrays = CategoricalSplits.expand(t, tree, arrays);
    }
    int[] lefts = arrays.lefts();
    int[] rights = arrays.rights();
    int[] splits = arrays.splits();
    float[] conditions = arrays.conditions();
    int[] defaults = arrays.defaults();
    int n = lefts.length;
    ensureCapacity(t, (long) size + n);
    roots[t] = size;
    treeGroup[t] = group;
    depths[t] = depth(t, lefts, rights);
    // Breadth-first: order[i] is the index of the i-th node laid out; placed[node] its position
    // (a node reached from two places, as a rewritten categorical split's children are, is laid
    // out once).
    int[] order = new int[n];
    int[] placed = new int[n];
    Arrays.fill(placed, -1);
    placed[0] = 0;
    int tail = 1;
    for (int head = 0; head < tail; head++) {
      int node = order[head];
      int at = W * (roots[t] + head);
      if (lefts[node] == -1) {
        // A leaf: its own child both ways, so extra steps stay on it.
        float value = weight == 1f ? conditions[node] : conditions[node] * weight;
        nodes[at] = 0;
        nodes[at + 1] = Float.floatToRawIntBits(value);
        nodes[at + 2] = at;
        nodes[at + 3] = at;
        continue;
      }
      if (splits[node] < 0 || splits[node] >= numFeatures) {
        throw ForestCompiler.malformed(
            "tree " + t + " splits on feature " + splits[node] + " of " + numFeatures);
      }
      nodes[at] = FlatForest.slot(numFeatures, splits[node], defaults[node] != 0);
      nodes[at + 1] = thresholdKey(conditions[node]);
      for (int side = 0; side < 2; side++) {
        int child = side == 0 ? lefts[node] : rights[node];
        if (placed[child] < 0) {
          placed[child] = tail;
          order[tail++] = child;
        }
        nodes[at + 2 + side] = W * (roots[t] + placed[child]);
      }
    }
    size += tail;
  }

  /**
   * Steps from the root to the deepest leaf (the fixed-step walk needs the longest path); refuses
   * children out of range and cycles.
   */
  private static int depth(int t, int[] lefts, int[] rights) throws UnsupportedModelException {
    int n = lefts.length;
    int[] memo = new int[n];
    byte[] state = new byte[n]; // 0 new, 1 on the path, 2 done
    int[] stack = new int[2 * n + 2];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      int node = stack[top - 1];
      if (state[node] == 2) {
        top--;
        continue;
      }
      if (lefts[node] == -1) {
        memo[node] = 0;
        state[node] = 2;
        top--;
        continue;
      }
      int l = lefts[node];
      int r = rights[node];
      if (l <= 0 || r <= 0 || l >= n || r >= n) {
        throw ForestCompiler.malformed("tree " + t + " node " + node + " has bad children");
      }
      if (state[node] == 0) {
        state[node] = 1;
        for (int c : new int[] {l, r}) {
          if (state[c] == 1) {
            throw ForestCompiler.malformed("tree " + t + " has a cycle at node " + c);
          }
          if (state[c] == 0) {
            if (top == stack.length) {
              throw ForestCompiler.malformed("tree " + t + " is not a tree");
            }
            stack[top++] = c;
          }
        }
        continue;
      }
      memo[node] = 1 + Math.max(memo[l], memo[r]);
      state[node] = 2;
      top--;
    }
    return memo[0];
  }

  /** A split threshold's key; NaN (no value is below it) sends every value right, as −∞ does. */
  static int thresholdKey(float threshold) {
    return FlatForest.key(Float.isNaN(threshold) ? Float.NEGATIVE_INFINITY : threshold);
  }

  private void ensureCapacity(int t, long needed) throws UnsupportedModelException {
    if (needed > MAX_NODES) {
      throw new UnsupportedModelException(
          "size", "tree " + t + " takes the forest past " + MAX_NODES + " nodes");
    }
    if (W * needed > nodes.length) {
      long grown = Math.min(MAX_NODES, Math.max(needed, nodes.length / W * 2L));
      nodes = Arrays.copyOf(nodes, (int) (W * grown));
    }
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
        Arrays.stream(roots).map(root -> W * root).toArray(),
        depths,
        treeGroup,
        nodes.length == W * size ? nodes : Arrays.copyOf(nodes, W * size));
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
      // A float read from UBJSON as is; decimal text straight to float, no detour through double.
      JsonPrimitive e = array.get(i).getAsJsonPrimitive();
      out[i] =
          e.isNumber() && e.getAsNumber() instanceof Float f
              ? f
              : Float.parseFloat(e.getAsString());
    }
    return out;
  }
}

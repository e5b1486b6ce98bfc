package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;

/**
 * Lays XGBoost JSON trees out into the two node arrays of a {@link FlatForest}, all trees
 * concatenated: each tree is renumbered breadth-first from its root, so a node's two children sit
 * next to each other (the packed records find the right one from the left one) and the top levels,
 * which every row visits, share cache lines; nodes no path reaches (pruned ones) are dropped. A
 * node reached from two places, as a rewritten categorical split's children are, is laid out once;
 * its second parent gets a relay node in its place, a node that always goes left, to it (one step
 * more on that path, counted in the tree's depth). Key slots are numbered last, over the (feature,
 * missing side) pairs the splits use.
 */
final class TreeLayout {

  /** Most nodes the arrays can index (positions are ints). */
  static final int MAX_NODES = (Integer.MAX_VALUE - 8) / FlatForest.RECORD_LONGS;

  /**
   * A record's pair before slots are numbered: a leaf or a relay, which read the always-left slot.
   */
  private static final int NO_SPLIT = -1;

  // Per record until build(): 2 * feature + (1 if missing goes right) or NO_SPLIT, the threshold's
  // key (a leaf's value bits), the position of the left child (the right one is next to it).
  private int[] pair;
  private int[] value;
  private int[] left;
  private final int[] roots;
  private final int[] depths;
  private final int[] treeGroup;
  private int size;

  TreeLayout(int maxNodes, int numTrees) {
    int capacity = Math.min(maxNodes, MAX_NODES);
    pair = new int[capacity];
    value = new int[capacity];
    left = new int[capacity];
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
    int root = size;
    roots[t] = root;
    treeGroup[t] = group;
    depths[t] = depth(t, lefts, rights);
    // Breadth-first: order[i] is the node laid out i-th (~position for a relay to the node laid
    // out at position); placed[node] its position.
    int[] order = new int[2 * n + 1];
    int[] placed = new int[n];
    Arrays.fill(placed, -1);
    placed[0] = root;
    int tail = 1;
    boolean relays = false;
    for (int head = 0; head < tail; head++) {
      ensureCapacity(t, (long) root + tail + 2);
      int node = order[head];
      int at = root + head;
      if (node < 0) {
        pair[at] = NO_SPLIT;
        value[at] = 0;
        left[at] = ~node;
        continue;
      }
      if (lefts[node] == -1) {
        // A leaf: it goes left to itself, so extra steps stay on it.
        float leafValue = weight == 1f ? conditions[node] : conditions[node] * weight;
        pair[at] = NO_SPLIT;
        value[at] = Float.floatToRawIntBits(leafValue);
        left[at] = at;
        continue;
      }
      if (splits[node] < 0 || splits[node] >= numFeatures) {
        throw ForestCompiler.malformed(
            "tree " + t + " splits on feature " + splits[node] + " of " + numFeatures);
      }
      pair[at] = 2 * splits[node] + (defaults[node] != 0 ? 0 : 1);
      value[at] = thresholdKey(conditions[node]);
      left[at] = root + tail;
      for (int side = 0; side < 2; side++) {
        int child = side == 0 ? lefts[node] : rights[node];
        if (placed[child] < 0) {
          placed[child] = root + tail;
          order[tail++] = child;
        } else {
          order[tail++] = ~placed[child];
          relays = true;
        }
      }
    }
    size += tail;
    if (relays) {
      depths[t] = laidOutDepth(t, root, tail);
    }
  }

  /** The depth of the tree laid out at {@code root}, relays counted as steps. */
  private int laidOutDepth(int t, int root, int count) throws UnsupportedModelException {
    int[] lefts = new int[count];
    int[] rights = new int[count];
    for (int i = 0; i < count; i++) {
      int at = root + i;
      if (pair[at] != NO_SPLIT) {
        lefts[i] = left[at] - root;
        rights[i] = lefts[i] + 1;
      } else if (left[at] == at) {
        lefts[i] = -1;
        rights[i] = -1;
      } else {
        lefts[i] = left[at] - root;
        rights[i] = lefts[i];
      }
    }
    return depth(t, lefts, rights);
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
    if (needed > pair.length) {
      int grown = (int) Math.min(MAX_NODES, Math.max(needed, pair.length * 2L));
      pair = Arrays.copyOf(pair, grown);
      value = Arrays.copyOf(value, grown);
      left = Arrays.copyOf(left, grown);
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

  /**
   * The forest: slots numbered over the pairs in use (by feature, the missing-left slot first), the
   * always-left slot after them, and each node packed in both layouts.
   */
  FlatForest build(int numFeatures, float[] baseMargin, OutputTransform transform)
      throws UnsupportedModelException {
    int[] pairs = new int[size];
    int splitCount = 0;
    for (int r = 0; r < size; r++) {
      if (pair[r] != NO_SPLIT) {
        pairs[splitCount++] = pair[r];
      }
    }
    pairs = Arrays.stream(pairs, 0, splitCount).sorted().distinct().toArray();
    int slots = pairs.length;
    int[] slotFeature = new int[slots];
    int[] missingKey = new int[slots];
    for (int s = 0; s < slots; s++) {
      slotFeature[s] = pairs[s] >> 1;
      missingKey[s] = (pairs[s] & 1) == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    }
    int slotBits = FlatForest.slotBits(slots);
    if (slotBits > 28) {
      throw new UnsupportedModelException("size", slots + " key slots (feature, missing side)");
    }
    long[] nodes = new long[size];
    long[] records = new long[FlatForest.RECORD_LONGS * size];
    for (int r = 0; r < size; r++) {
      boolean split = pair[r] != NO_SPLIT;
      int slot = FlatForest.ROW_LANES * (split ? Arrays.binarySearch(pairs, pair[r]) : slots);
      int offset = left[r] - r;
      if ((offset << slotBits) >> slotBits != offset) {
        throw new UnsupportedModelException(
            "size",
            "a child " + offset + " nodes away does not fit beside " + slots + " key slots");
      }
      // A split's threshold key minus 1 (keys are above Integer.MIN_VALUE). A leaf's value bits or
      // a relay's 0: not below the always-left slot's Integer.MIN_VALUE, whatever they are.
      int high = split ? value[r] - 1 : value[r];
      nodes[r] = (long) high << 32 | (offset << slotBits | slot) & 0xFFFF_FFFFL;
      long leftAt = FlatForest.RECORD_LONGS * left[r];
      long rightAt = split ? leftAt + FlatForest.RECORD_LONGS : leftAt;
      records[FlatForest.RECORD_LONGS * r] = (long) high << 32 | slot;
      records[FlatForest.RECORD_LONGS * r + 1] = rightAt << 32 | leftAt;
    }
    return new FlatForest(
        numFeatures,
        baseMargin,
        transform,
        roots,
        depths,
        treeGroup,
        slotFeature,
        missingKey,
        nodes,
        records);
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

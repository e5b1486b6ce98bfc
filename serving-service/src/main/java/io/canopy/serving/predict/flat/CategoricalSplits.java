package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;

/**
 * Rewrites an XGBoost tree's categorical splits as numerical ones, so the flat forest walks them
 * with its one comparison. XGBoost sends a category in the node's set right, any other category
 * left, an invalid one (negative, or past the set) left and a missing one to the default child; a
 * value is read as the category {@code (int) x}, so category {@code c} is {@code c <= x < c + 1}.
 * The set becomes runs of consecutive categories, the runs' edges sorted boundaries, and a balanced
 * tree of {@code x < boundary} tests over them leads each stretch of the line to the original right
 * child (inside a run) or left child (outside); a missing value is sent down the path to a stretch
 * of the original default side. The original children are then reached from several places, which
 * {@link TreeLayout} lays out once.
 */
final class CategoricalSplits {

  /** Boundaries must be exact in float. */
  private static final int MAX_CATEGORY = 1 << 24;

  /** The arrays of one tree, numerical only, extra nodes appended. */
  record Arrays5(int[] lefts, int[] rights, int[] splits, float[] conditions, int[] defaults) {}

  private CategoricalSplits() {}

  static Arrays5 expand(int t, JsonObject tree, Arrays5 in) throws UnsupportedModelException {
    JsonArray types = tree.getAsJsonArray("split_type");
    int[] nodes = ints(tree.getAsJsonArray("categories_nodes"));
    int[] segments = ints(tree.getAsJsonArray("categories_segments"));
    int[] sizes = ints(tree.getAsJsonArray("categories_sizes"));
    int[] categories = ints(tree.getAsJsonArray("categories"));
    if (segments.length != nodes.length || sizes.length != nodes.length) {
      throw ForestCompiler.malformed("tree " + t + " has category arrays of different lengths");
    }
    boolean[] listed = new boolean[in.lefts().length];
    for (int node : nodes) {
      if (node >= 0 && node < listed.length) {
        listed[node] = true;
      }
    }
    for (int node = 0; types != null && node < types.size() && node < listed.length; node++) {
      if (types.get(node).getAsInt() != 0 && !listed[node]) {
        throw ForestCompiler.malformed(
            "tree " + t + " node " + node + " is categorical but has no categories");
      }
    }
    Builder b = new Builder(in);
    for (int i = 0; i < nodes.length; i++) {
      int node = nodes[i];
      if (node < 0
          || node >= in.lefts().length
          || types == null
          || types.get(node).getAsInt() != 1) {
        throw ForestCompiler.malformed("tree " + t + " lists node " + node + " as categorical");
      }
      if (segments[i] < 0 || sizes[i] < 0 || segments[i] + sizes[i] > categories.length) {
        throw ForestCompiler.malformed("tree " + t + " node " + node + " has a bad category span");
      }
      int[] set = Arrays.copyOfRange(categories, segments[i], segments[i] + sizes[i]);
      b.replace(t, node, set);
    }
    return b.build();
  }

  private static final class Builder {
    private int[] lefts;
    private int[] rights;
    private int[] splits;
    private float[] conditions;
    private int[] defaults;
    private int n;

    Builder(Arrays5 in) {
      lefts = in.lefts().clone();
      rights = in.rights().clone();
      splits = in.splits().clone();
      conditions = in.conditions().clone();
      defaults = in.defaults().clone();
      n = lefts.length;
    }

    void replace(int t, int node, int[] set) throws UnsupportedModelException {
      int[] sorted = Arrays.stream(set).distinct().sorted().toArray();
      // Run edges: a run [a, b] contributes a and b + 1.
      int[] bounds = new int[2 * sorted.length];
      int count = 0;
      for (int i = 0; i < sorted.length; i++) {
        if (sorted[i] < 0 || sorted[i] >= MAX_CATEGORY - 1) {
          throw new UnsupportedModelException(
              "categorical", "tree " + t + " has category " + sorted[i]);
        }
        if (i == 0 || sorted[i] != sorted[i - 1] + 1) {
          bounds[count++] = sorted[i];
          bounds[count++] = sorted[i] + 1;
        } else {
          bounds[count - 1] = sorted[i] + 1;
        }
      }
      int left = lefts[node];
      int right = rights[node];
      boolean defaultLeft = defaults[node] != 0;
      if (count == 0) {
        // Nothing goes right: a test no value passes, keeping the default for missing values.
        conditions[node] = Float.NEGATIVE_INFINITY;
        rights[node] = left;
        return;
      }
      // Regions 0..count: even ones are outside the set (left), odd ones inside (right). A missing
      // value heads for region 0 (outside) or 1 (inside), as the node's default says.
      int target = defaultLeft ? 0 : 1;
      new Span(bounds, left, right, target, splits[node]).build(node, 0, count);
    }

    /** One categorical split being rewritten: its boundaries, children, default, feature. */
    private final class Span {
      private final int[] bounds;
      private final int left;
      private final int right;
      private final int target;
      private final int feature;

      Span(int[] bounds, int left, int right, int target, int feature) {
        this.bounds = bounds;
        this.left = left;
        this.right = right;
        this.target = target;
        this.feature = feature;
      }

      /** Lays regions [lo, hi] under {@code at} (the replaced node, or a new one). */
      void build(int at, int lo, int hi) {
        int mid = (lo + hi - 1) / 2; // boundary index: regions lo..mid are below it
        splits[at] = feature;
        conditions[at] = bounds[mid];
        defaults[at] = target <= mid ? 1 : 0;
        int l = mid == lo ? region(lo) : child(lo, mid);
        int r = mid + 1 == hi ? region(hi) : child(mid + 1, hi);
        lefts[at] = l;
        rights[at] = r;
      }

      private int child(int lo, int hi) {
        int at = append();
        build(at, lo, hi);
        return at;
      }

      private int region(int r) {
        return r % 2 == 0 ? left : right;
      }
    }

    private int append() {
      if (n == lefts.length) {
        int size = Math.max(4, n * 2);
        lefts = Arrays.copyOf(lefts, size);
        rights = Arrays.copyOf(rights, size);
        splits = Arrays.copyOf(splits, size);
        conditions = Arrays.copyOf(conditions, size);
        defaults = Arrays.copyOf(defaults, size);
      }
      return n++;
    }

    Arrays5 build() {
      return new Arrays5(
          Arrays.copyOf(lefts, n),
          Arrays.copyOf(rights, n),
          Arrays.copyOf(splits, n),
          Arrays.copyOf(conditions, n),
          Arrays.copyOf(defaults, n));
    }
  }

  private static int[] ints(JsonArray array) {
    if (array == null) {
      return new int[0];
    }
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }
}

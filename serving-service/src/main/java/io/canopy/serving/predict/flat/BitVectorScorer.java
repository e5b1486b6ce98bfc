package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;
import io.canopy.lightgbm.Tree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * LightGBM trees scored without walking them: the bit-vector method of QuickScorer (Lucchese et
 * al., SIGIR 2015). Each tree keeps one {@code long} with a bit per leaf, leaves numbered left to
 * right; every node whose test sends the row right clears the bits of its left subtree, and the
 * row's leaf is then the lowest bit still set. The nodes are grouped by feature and sorted by
 * threshold, so for one input value the nodes that send it right are a prefix of its feature's
 * list: the scan is a run of loads and ANDs with one unpredictable branch per feature, where a walk
 * has one per node visited — LightGBM's leaf-wise trees are deep, and those branches are most of a
 * walk's cost. Trees of up to 64 leaves only ({@link #fits}); the leaves found are the walk's, and
 * the raw scores are summed in the same order, so they are bit for bit the walk's (and LightGBM's).
 *
 * <p>A zero or NaN input cannot be placed in the sorted order (each node sends it its own way, by
 * its missing type and default direction), so each feature also lists the nodes that send a zero
 * right and those that send a NaN right. Categorical nodes are tested one by one.
 */
final class BitVectorScorer {

  static final int MAX_LEAVES = 64;

  private final int numFeatures;
  private final int perIteration;
  private final int numTrees;
  private final int[] leafBase; // per tree: where its leaves start in leafValue
  private final double[] leafValue; // per tree, leaves left to right
  private final NodeList byThreshold; // numerical nodes, per feature by threshold
  private final NodeList rightOnZero;
  private final NodeList rightOnNaN;
  private final NodeList categorical;
  private final int[] catFrom;
  private final int[] catWords;
  private final int[] catBits;

  /** Whether every tree has at most {@link #MAX_LEAVES} leaves. */
  static boolean fits(List<Tree> trees) {
    return trees.stream().allMatch(t -> t.numLeaves() <= MAX_LEAVES);
  }

  /**
   * Nodes of one kind grouped by feature: those of feature {@code f} are {@code from[f]} to {@code
   * from[f + 1]}; each clears {@code mask} in the bit vector of {@code tree}.
   */
  private record NodeList(int[] from, float[] threshold, int[] tree, long[] mask, int[] node) {

    static NodeList of(List<Entry> entries, int numFeatures) {
      int n = entries.size();
      int[] from = new int[numFeatures + 1];
      float[] threshold = new float[n];
      int[] tree = new int[n];
      long[] mask = new long[n];
      int[] node = new int[n];
      for (int i = 0; i < n; i++) {
        Entry e = entries.get(i);
        from[e.feature + 1]++;
        threshold[i] = e.threshold;
        tree[i] = e.tree;
        mask[i] = e.mask;
        node[i] = e.node;
      }
      for (int f = 0; f < numFeatures; f++) {
        from[f + 1] += from[f];
      }
      return new NodeList(from, threshold, tree, mask, node);
    }

    long heapBytes() {
      return HeapBytes.of(from, threshold, tree, mask, node);
    }

    void clear(int f, long[] bits) {
      for (int i = from[f], end = from[f + 1]; i < end; i++) {
        bits[tree[i]] &= mask[i];
      }
    }
  }

  /**
   * One node: its feature, threshold (as the largest float not above it: for a float input x,
   * {@code x > t} exactly when {@code x > floor(t)}), tree, mask and index among the model's
   * categorical nodes.
   */
  private record Entry(int feature, float threshold, int tree, long mask, int node) {}

  BitVectorScorer(List<Tree> trees, int numFeatures, int perIteration) {
    this.numFeatures = numFeatures;
    this.perIteration = perIteration;
    this.numTrees = trees.size();
    leafBase = new int[numTrees];
    int leaves = 0;
    for (int t = 0; t < numTrees; t++) {
      leafBase[t] = leaves;
      leaves += trees.get(t).numLeaves();
    }
    leafValue = new double[leaves];
    List<Entry> numerical = new ArrayList<>();
    List<Entry> zero = new ArrayList<>();
    List<Entry> nan = new ArrayList<>();
    List<Entry> cat = new ArrayList<>();
    List<int[]> catSets = new ArrayList<>(); // per categorical node, its set's words
    for (int t = 0; t < numTrees; t++) {
      Tree tree = trees.get(t);
      if (tree.numLeaves() == 1) {
        leafValue[leafBase[t]] = tree.leafValue()[0];
        continue;
      }
      long[] masks = new long[tree.numLeaves() - 1];
      number(tree, 0, 0, masks, leafValue, leafBase[t]);
      for (int i = 0; i < masks.length; i++) {
        int f = tree.splitFeature()[i];
        if (tree.categorical(i)) {
          int set = (int) tree.threshold()[i];
          int start = tree.catBoundaries()[set];
          int end = tree.catBoundaries()[set + 1];
          catSets.add(Arrays.copyOfRange(tree.catThreshold(), start, end));
          cat.add(new Entry(f, 0, t, masks[i], cat.size()));
          continue;
        }
        numerical.add(new Entry(f, floorFloat(tree.threshold()[i]), t, masks[i], -1));
        if (!tree.zeroGoesLeft(i)) {
          zero.add(new Entry(f, 0, t, masks[i], -1));
        }
        if (!tree.nanGoesLeft(i)) {
          nan.add(new Entry(f, 0, t, masks[i], -1));
        }
      }
    }
    catFrom = new int[catSets.size()];
    catWords = new int[catSets.size()];
    catBits = new int[catSets.stream().mapToInt(w -> w.length).sum()];
    for (int c = 0, at = 0; c < catSets.size(); at += catWords[c], c++) {
      catFrom[c] = at;
      catWords[c] = catSets.get(c).length;
      System.arraycopy(catSets.get(c), 0, catBits, at, catWords[c]);
    }
    Comparator<Entry> byFeature = Comparator.comparingInt(Entry::feature);
    numerical.sort(byFeature.thenComparing(Entry::threshold));
    zero.sort(byFeature); // stable: within a feature, tree order
    nan.sort(byFeature);
    cat.sort(byFeature);
    byThreshold = NodeList.of(numerical, numFeatures);
    rightOnZero = NodeList.of(zero, numFeatures);
    rightOnNaN = NodeList.of(nan, numFeatures);
    categorical = NodeList.of(cat, numFeatures);
  }

  /**
   * Numbers the leaves under {@code node} left to right from {@code first}, copying their values,
   * and sets each internal node's mask (every bit but its left subtree's leaves); returns the next
   * free number.
   */
  private static int number(
      Tree tree, int node, int first, long[] masks, double[] values, int valueBase) {
    int left = tree.leftChild()[node];
    int mid;
    if (left < 0) {
      values[valueBase + first] = tree.leafValue()[~left];
      mid = first + 1;
    } else {
      mid = number(tree, left, first, masks, values, valueBase);
    }
    masks[node] = ~(((1L << (mid - first)) - 1) << first);
    int right = tree.rightChild()[node];
    if (right < 0) {
      values[valueBase + mid] = tree.leafValue()[~right];
      return mid + 1;
    }
    return number(tree, right, mid, masks, values, valueBase);
  }

  long heapBytes() {
    return HeapBytes.of(leafBase, leafValue, catFrom, catWords, catBits)
        + byThreshold.heapBytes()
        + rightOnZero.heapBytes()
        + rightOnNaN.heapBytes()
        + categorical.heapBytes();
  }

  /** The largest float not above {@code t}. */
  static float floorFloat(double t) {
    float f = (float) t;
    return f > t ? Math.nextDown(f) : f;
  }

  /** The raw scores of {@code numRows} row-major rows into {@code out} (numRows × perIteration). */
  void rawScores(float[] rows, int numRows, double[] out) {
    long[] bits = new long[numTrees];
    for (int r = 0; r < numRows; r++) {
      Arrays.fill(bits, -1L);
      int base = r * numFeatures;
      for (int f = 0; f < numFeatures; f++) {
        float x = rows[base + f];
        if (x != x) {
          rightOnNaN.clear(f, bits);
        } else if (Math.abs(x) <= LightGbmForest.ZERO) {
          rightOnZero.clear(f, bits);
        } else {
          float[] threshold = byThreshold.threshold;
          int[] tree = byThreshold.tree;
          long[] mask = byThreshold.mask;
          for (int i = byThreshold.from[f], end = byThreshold.from[f + 1];
              i < end && threshold[i] < x;
              i++) {
            bits[tree[i]] &= mask[i];
          }
        }
        for (int i = categorical.from[f], end = categorical.from[f + 1]; i < end; i++) {
          int c = categorical.node[i];
          if (!Tree.inCategorySet(catBits, catFrom[c], catWords[c], x)) {
            bits[categorical.tree[i]] &= categorical.mask[i];
          }
        }
      }
      int outBase = r * perIteration;
      for (int k = 0; k < perIteration; k++) {
        out[outBase + k] = 0;
      }
      for (int t = 0, k = 0; t < numTrees; t++) {
        out[outBase + k] += leafValue[leafBase[t] + Long.numberOfTrailingZeros(bits[t])];
        k = k + 1 == perIteration ? 0 : k + 1;
      }
    }
  }
}

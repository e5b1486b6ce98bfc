package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;
import java.util.Arrays;

/**
 * A tree ensemble as flat arrays, evaluated in pure Java with XGBoost's semantics: {@code x <
 * threshold} goes left, a missing (NaN) value goes to the node's default child, and leaf values are
 * added in float, in tree order, onto the group's base margin.
 *
 * <p>Nodes of all trees are concatenated, struct-of-arrays. A leaf is its own child on both sides,
 * so every tree is walked a fixed number of steps (its depth) without a leaf test, and the step
 * {@code n = child[2n + (go right)]} compiles to conditional moves rather than branches the CPU
 * would mispredict on every other level. Rows are evaluated in blocks that walk one tree level by
 * level for the whole block: the rows' walks are independent, so their memory loads overlap, and
 * the tree stays in cache; a single row walks four trees in lockstep for the same reason. Built by
 * {@link ForestCompiler}; immutable and thread-safe.
 */
public final class FlatForest {

  /** Rows evaluated together against one tree (XGBoost uses 64 too). */
  static final int BLOCK_ROWS = 64;

  private final int numFeatures;
  private final int groups;
  private final float[] baseMargin;
  private final OutputTransform transform;
  private final int[] roots;
  private final int[] depths;
  private final int[] treeGroup;
  private final int[] feature;
  private final float[] threshold;
  private final int[] children;
  private final byte[] defaultRight;

  /** The heap its arrays take. */
  public long heapBytes() {
    return HeapBytes.of(
        baseMargin, roots, depths, treeGroup, feature, threshold, children, defaultRight);
  }

  /**
   * @param depths steps from the root to the deepest leaf, per tree
   * @param feature split feature per node (0 for a leaf: it is read, then ignored)
   * @param threshold split threshold per node; the leaf value for a leaf
   * @param children left and right child of node n at 2n and 2n + 1 (a leaf's are itself)
   * @param defaultRight 1 when a missing value goes right
   */
  FlatForest(
      int numFeatures,
      float[] baseMargin,
      OutputTransform transform,
      int[] roots,
      int[] depths,
      int[] treeGroup,
      int[] feature,
      float[] threshold,
      int[] children,
      byte[] defaultRight) {
    this.numFeatures = numFeatures;
    this.groups = baseMargin.length;
    this.baseMargin = baseMargin;
    this.transform = transform;
    this.roots = roots;
    this.depths = depths;
    this.treeGroup = treeGroup;
    this.feature = feature;
    this.threshold = threshold;
    this.children = children;
    this.defaultRight = defaultRight;
  }

  /** Input columns per row. */
  public int numFeatures() {
    return numFeatures;
  }

  /** Margin columns per row: 1, or the class count. */
  public int groups() {
    return groups;
  }

  /** Value columns per row (1 for multi:softmax, whose value is the class). */
  public int valueWidth() {
    return transform.width(groups);
  }

  public int numTrees() {
    return roots.length;
  }

  public int numNodes() {
    return feature.length;
  }

  private boolean isLeaf(int n) {
    return children[2 * n] == n;
  }

  /** Per feature, the thresholds of its splits (for sample rows). */
  float[][] thresholds() {
    return SampleRows.thresholdsByFeature(numFeatures, feature, n -> !isLeaf(n), n -> threshold[n]);
  }

  /**
   * Margins of {@code numRows} row-major rows (NaN = missing) into {@code out}, {@code numRows ×
   * groups()} values.
   */
  public void margins(float[] rows, int numRows, float[] out) {
    if ((long) numRows * numFeatures > rows.length || (long) numRows * groups > out.length) {
      throw new IllegalArgumentException(
          numRows + " rows do not fit " + rows.length + " inputs / " + out.length + " outputs");
    }
    for (int r = 0; r < numRows; r++) {
      System.arraycopy(baseMargin, 0, out, r * groups, groups);
    }
    if (numRows == 1) {
      singleRow(rows, out);
      return;
    }
    int[] at = new int[Math.min(numRows, BLOCK_ROWS)];
    for (int from = 0; from < numRows; from += BLOCK_ROWS) {
      int count = Math.min(numRows - from, BLOCK_ROWS);
      for (int t = 0; t < roots.length; t++) {
        Arrays.fill(at, 0, count, roots[t]);
        for (int d = depths[t]; d > 0; d--) {
          for (int i = 0; i < count; i++) {
            at[i] = step(rows, (from + i) * numFeatures, at[i]);
          }
        }
        int g = treeGroup[t];
        for (int i = 0; i < count; i++) {
          out[(from + i) * groups + g] += threshold[at[i]];
        }
      }
    }
  }

  /**
   * One row: four trees walked in lockstep, so their independent loads overlap (one tree's walk is
   * a chain of dependent loads); their leaves are still added in tree order.
   */
  private void singleRow(float[] rows, float[] out) {
    int t = 0;
    for (; t + 4 <= roots.length; t += 4) {
      int a = roots[t];
      int b = roots[t + 1];
      int c = roots[t + 2];
      int e = roots[t + 3];
      int depth =
          Math.max(Math.max(depths[t], depths[t + 1]), Math.max(depths[t + 2], depths[t + 3]));
      for (int d = depth; d > 0; d--) {
        a = step(rows, 0, a);
        b = step(rows, 0, b);
        c = step(rows, 0, c);
        e = step(rows, 0, e);
      }
      out[treeGroup[t]] += threshold[a];
      out[treeGroup[t + 1]] += threshold[b];
      out[treeGroup[t + 2]] += threshold[c];
      out[treeGroup[t + 3]] += threshold[e];
    }
    for (; t < roots.length; t++) {
      int n = roots[t];
      for (int d = depths[t]; d > 0; d--) {
        n = step(rows, 0, n);
      }
      out[treeGroup[t]] += threshold[n];
    }
  }

  /** One level down: left when x < threshold, right when not, the default child when NaN. */
  private int step(float[] rows, int offset, int n) {
    float x = rows[offset + feature[n]];
    int right = x < threshold[n] ? 0 : 1;
    right = x != x ? defaultRight[n] : right;
    return children[2 * n + right];
  }

  /** Values of {@code numRows} rows from their margins, {@code numRows × valueWidth()} of them. */
  public float[] values(float[] margins, int numRows) {
    float[] values = new float[numRows * valueWidth()];
    transform.apply(margins, numRows, groups, values);
    return values;
  }
}

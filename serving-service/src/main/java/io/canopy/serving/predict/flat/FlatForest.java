package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;

/**
 * A tree ensemble as one flat array, evaluated in pure Java with XGBoost's semantics: {@code x <
 * threshold} goes left, a missing (NaN) value goes to the node's default child, and leaf values are
 * added in float, in tree order, onto the group's base margin.
 *
 * <p>Each node is four ints of {@code nodes}, the nodes of all trees concatenated ({@link
 * TreeLayout} lays them out): its feature (bitwise complemented when a missing value goes left),
 * its threshold's float bits (a leaf's value, for a leaf), and the positions of its left and right
 * child. Everything one step reads is then in one 16-byte record — one cache line where separate
 * arrays took one each, and a walk of a big forest waits on those lines. A leaf is its own child on
 * both sides, so every tree is walked a fixed number of steps (its depth) without a leaf test, and
 * the step {@code n = child(n, go right)} compiles to conditional moves rather than branches the
 * CPU would mispredict on every other level.
 *
 * <p>Rows are evaluated in blocks of up to {@link #BLOCK_ROWS}; a block walks a few trees at once,
 * level by level, with a cursor per (tree, row): the cursors' walks are independent, so their
 * memory loads overlap, and the trees stay in cache while the block's rows walk them. A small block
 * walks more trees at once, so that there are at least {@link #LANES} cursors — a single row walks
 * sixteen trees side by side. Leaves are still added in tree order. Built by {@link
 * ForestCompiler}; immutable and thread-safe.
 */
public final class FlatForest {

  /** Rows evaluated together against one tree (XGBoost uses 64 too). */
  static final int BLOCK_ROWS = 64;

  /** The fewest walks a block keeps in flight: a small block takes more trees at once. */
  static final int LANES = 16;

  /** Ints per node: feature, threshold bits, left child, right child. */
  static final int NODE_INTS = 4;

  private final int numFeatures;
  private final int groups;
  private final float[] baseMargin;
  private final OutputTransform transform;
  private final int[] roots;
  private final int[] depths;
  private final int[] treeGroup;
  private final int[] nodes;

  /** The heap its arrays take. */
  public long heapBytes() {
    return HeapBytes.of(baseMargin, roots, depths, treeGroup, nodes);
  }

  /**
   * @param roots position in {@code nodes} of each tree's root
   * @param depths steps from the root to the deepest leaf, per tree
   * @param nodes {@link #NODE_INTS} per node (see the class comment); child positions are where the
   *     child's record starts
   */
  FlatForest(
      int numFeatures,
      float[] baseMargin,
      OutputTransform transform,
      int[] roots,
      int[] depths,
      int[] treeGroup,
      int[] nodes) {
    this.numFeatures = numFeatures;
    this.groups = baseMargin.length;
    this.baseMargin = baseMargin;
    this.transform = transform;
    this.roots = roots;
    this.depths = depths;
    this.treeGroup = treeGroup;
    this.nodes = nodes;
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
    return nodes.length / NODE_INTS;
  }

  /** Per feature, the thresholds of its splits (for sample rows). */
  float[][] thresholds() {
    int[] feature = new int[numNodes()];
    for (int n = 0; n < feature.length; n++) {
      int f = nodes[n * NODE_INTS];
      feature[n] = f ^ (f >> 31);
    }
    return SampleRows.thresholdsByFeature(
        numFeatures,
        feature,
        n -> nodes[n * NODE_INTS + 2] != n * NODE_INTS,
        n -> Float.intBitsToFloat(nodes[n * NODE_INTS + 1]));
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
    int cursors = Math.max(LANES, Math.min(numRows, BLOCK_ROWS));
    int[] at = new int[cursors];
    int[] offset = new int[cursors];
    for (int from = 0; from < numRows; from += BLOCK_ROWS) {
      int count = Math.min(numRows - from, BLOCK_ROWS);
      int perPass = Math.max(1, LANES / count);
      for (int c = 0; c < count * perPass; c++) {
        offset[c] = (from + c % count) * numFeatures;
      }
      for (int t = 0; t < roots.length; t += perPass) {
        walk(rows, from, count, t, Math.min(perPass, roots.length - t), at, offset, out);
      }
    }
  }

  /**
   * Trees {@code first} to {@code first + trees - 1} for rows {@code from} to {@code from + count -
   * 1}: cursor {@code k * count + i} walks tree {@code first + k} for row {@code from + i}.
   */
  private void walk(
      float[] rows,
      int from,
      int count,
      int first,
      int trees,
      int[] at,
      int[] offset,
      float[] out) {
    int depth = 0;
    for (int k = 0; k < trees; k++) {
      depth = Math.max(depth, depths[first + k]);
      java.util.Arrays.fill(at, k * count, (k + 1) * count, roots[first + k]);
    }
    int walks = trees * count;
    for (int d = depth; d > 0; d--) {
      for (int c = 0; c < walks; c++) {
        at[c] = step(rows, offset[c], at[c]);
      }
    }
    for (int k = 0; k < trees; k++) {
      int g = treeGroup[first + k];
      for (int i = 0; i < count; i++) {
        out[(from + i) * groups + g] += Float.intBitsToFloat(nodes[at[k * count + i] + 1]);
      }
    }
  }

  /**
   * One level down from the node at {@code n}: left when x < threshold, right when not, the default
   * child when x is NaN (its feature is complemented when that is the left one).
   */
  private int step(float[] rows, int offset, int n) {
    int f = nodes[n];
    int defaultLeft = f >> 31; // -1 when a missing value goes left, else 0
    float x = rows[offset + (f ^ defaultLeft)];
    int right = x < Float.intBitsToFloat(nodes[n + 1]) ? 0 : 1;
    right = x != x ? 1 + defaultLeft : right;
    return nodes[n + 2 + right];
  }

  /** Values of {@code numRows} rows from their margins, {@code numRows × valueWidth()} of them. */
  public float[] values(float[] margins, int numRows) {
    float[] values = new float[numRows * valueWidth()];
    transform.apply(margins, numRows, groups, values);
    return values;
  }
}

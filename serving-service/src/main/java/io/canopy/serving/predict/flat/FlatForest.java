package io.canopy.serving.predict.flat;

/**
 * A tree ensemble as flat arrays, evaluated in pure Java with XGBoost's semantics: {@code x <
 * threshold} goes left, a missing (NaN) value goes to the node's default child, and leaf values
 * are added in float, in tree order, onto the group's base margin.
 *
 * <p>Nodes of all trees are concatenated, struct-of-arrays; within a tree the two children of a
 * node are adjacent (right = left + 1), so a step is one compare and one add. Built by {@link
 * ForestCompiler}; immutable and safe to share between threads.
 */
public final class FlatForest {

  /** Rows evaluated together against one tree, so the tree stays in cache (XGBoost uses 64). */
  static final int BLOCK_ROWS = 64;

  private final int numFeatures;
  private final int groups;
  private final float[] baseMargin;
  private final OutputTransform transform;
  private final int[] roots;
  private final int[] treeGroup;
  private final int[] feature;
  private final float[] threshold;
  private final int[] left;
  private final byte[] defaultRight;

  /**
   * @param feature split feature per node, -1 for a leaf
   * @param threshold split threshold per node; the leaf value for a leaf
   * @param left index of the left child (the right one follows it)
   * @param defaultRight 1 when a missing value goes right
   */
  FlatForest(
      int numFeatures,
      float[] baseMargin,
      OutputTransform transform,
      int[] roots,
      int[] treeGroup,
      int[] feature,
      float[] threshold,
      int[] left,
      byte[] defaultRight) {
    this.numFeatures = numFeatures;
    this.groups = baseMargin.length;
    this.baseMargin = baseMargin;
    this.transform = transform;
    this.roots = roots;
    this.treeGroup = treeGroup;
    this.feature = feature;
    this.threshold = threshold;
    this.left = left;
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

  /** Split thresholds of every node that splits on {@code f}, in node order (may repeat). */
  float[] thresholds(int f) {
    int count = 0;
    for (int n = 0; n < feature.length; n++) {
      if (feature[n] == f) {
        count++;
      }
    }
    float[] out = new float[count];
    int i = 0;
    for (int n = 0; n < feature.length; n++) {
      if (feature[n] == f) {
        out[i++] = threshold[n];
      }
    }
    return out;
  }

  /**
   * Margins of {@code numRows} row-major rows (NaN = missing) into {@code out}, {@code numRows ×
   * groups()} values. Allocates nothing.
   */
  public void margins(float[] rows, int numRows, float[] out) {
    if ((long) numRows * numFeatures > rows.length || (long) numRows * groups > out.length) {
      throw new IllegalArgumentException(
          numRows + " rows do not fit " + rows.length + " inputs / " + out.length + " outputs");
    }
    for (int r = 0; r < numRows; r++) {
      System.arraycopy(baseMargin, 0, out, r * groups, groups);
    }
    for (int from = 0; from < numRows; from += BLOCK_ROWS) {
      int to = Math.min(numRows, from + BLOCK_ROWS);
      for (int t = 0; t < roots.length; t++) {
        int root = roots[t];
        int g = treeGroup[t];
        for (int r = from; r < to; r++) {
          out[r * groups + g] += leafValue(rows, r * numFeatures, root);
        }
      }
    }
  }

  private float leafValue(float[] rows, int offset, int node) {
    int n = node;
    int f;
    while ((f = feature[n]) >= 0) {
      float x = rows[offset + f];
      n = left[n] + (x < threshold[n] ? 0 : (x != x ? defaultRight[n] : 1));
    }
    return threshold[n];
  }

  /** Values of {@code numRows} rows from their margins, {@code numRows × valueWidth()} of them. */
  public float[] values(float[] margins, int numRows) {
    float[] values = new float[numRows * valueWidth()];
    transform.apply(margins, numRows, groups, values);
    return values;
  }
}

package io.canopy.lightgbm;

/**
 * One tree of a LightGBM model, as the file states it. Internal nodes are numbered 0 to {@code
 * numLeaves - 2} (the root is 0), leaves 0 to {@code numLeaves - 1}; a child {@code c >= 0} is an
 * internal node, {@code c < 0} the leaf {@code ~c}. The parser has checked that every node and leaf
 * is reached from the root exactly once, so a walk always ends at a leaf.
 *
 * @param decisionType per node: bit 0 categorical, bit 1 missing values go left, bits 2-3 the
 *     missing type (0 none, 1 zero, 2 NaN)
 * @param threshold per node: the split value, or for a categorical node the index of its category
 *     set in {@code catBoundaries}
 * @param catBoundaries where each category set starts in {@code catThreshold} (one more than sets)
 * @param catThreshold the category sets as 32-bit words of a bitset (bit {@code c}: category c goes
 *     left)
 * @param linearLeaves the leaves' linear models ({@code linear_tree}), or null when the leaf values
 *     are the outputs
 */
public record Tree(
    int numLeaves,
    int[] splitFeature,
    double[] threshold,
    int[] decisionType,
    int[] leftChild,
    int[] rightChild,
    double[] leafValue,
    int[] catBoundaries,
    int[] catThreshold,
    LinearLeaves linearLeaves,
    double shrinkage) {

  /** Missing type "none": NaN is read as 0 and compared as a number. */
  public static final int MISSING_NONE = 0;

  /** Missing type "zero": 0 (and NaN, read as 0) takes the default direction. */
  public static final int MISSING_ZERO = 1;

  /** Missing type "NaN": NaN takes the default direction. */
  public static final int MISSING_NAN = 2;

  /**
   * LightGBM's kZeroThreshold, declared there as the float {@code 1e-35f}: |x| at most this counts
   * as zero (LightGBM's predictor also reads such an input as exactly 0).
   */
  public static final double ZERO_THRESHOLD = 1e-35f;

  /** Whether leaves hold linear models: leaf values alone are not the outputs. */
  public boolean linear() {
    return linearLeaves != null;
  }

  /** The tree's output for {@code row}: its leaf's value, or its leaf's linear model. */
  public double output(double[] row) {
    int leaf = leaf(row);
    return linearLeaves == null ? leafValue[leaf] : linearLeaves.output(leaf, row, leafValue[leaf]);
  }

  public boolean categorical(int node) {
    return (decisionType[node] & 1) != 0;
  }

  public boolean defaultLeft(int node) {
    return (decisionType[node] & 2) != 0;
  }

  public int missingType(int node) {
    return (decisionType[node] >> 2) & 3;
  }

  /**
   * Where a NaN input goes at numerical {@code node}: the default direction when the missing type
   * is NaN or zero (NaN reads as 0, which is missing there), otherwise where 0 goes by the
   * threshold.
   */
  public boolean nanGoesLeft(int node) {
    return missingType(node) == MISSING_NONE ? 0.0 <= threshold[node] : defaultLeft(node);
  }

  /**
   * Where a zero input (|x| at most {@link #ZERO_THRESHOLD}, which LightGBM reads as 0) goes at
   * numerical {@code node}: the default direction when the missing type is zero, otherwise by the
   * threshold.
   */
  public boolean zeroGoesLeft(int node) {
    return missingType(node) == MISSING_ZERO ? defaultLeft(node) : 0.0 <= threshold[node];
  }

  /** The leaf {@code row} ends in, by LightGBM's decision rules (tree.h). */
  public int leaf(double[] row) {
    if (numLeaves == 1) {
      return 0;
    }
    int node = 0;
    while (node >= 0) {
      node = goesLeft(node, row[splitFeature[node]]) ? leftChild[node] : rightChild[node];
    }
    return ~node;
  }

  /**
   * LightGBM's categorical decision: whether {@code value}, read as the category {@code (int)
   * value} (toward zero, as C++'s {@code static_cast<int>}: -0.5 is category 0), is in the bitset
   * of {@code words} 32-bit words at {@code from} in {@code bits}. NaN and negative categories are
   * not; they go right.
   */
  public static boolean inCategorySet(int[] bits, int from, int words, double value) {
    if (Double.isNaN(value)) {
      return false;
    }
    int category = (int) value;
    if (category < 0) {
      return false;
    }
    int word = category >>> 5;
    return word < words && ((bits[from + word] >>> (category & 31)) & 1) != 0;
  }

  private boolean goesLeft(int node, double value) {
    if (categorical(node)) {
      int set = (int) threshold[node];
      int from = catBoundaries[set];
      return inCategorySet(catThreshold, from, catBoundaries[set + 1] - from, value);
    }
    int missing = missingType(node);
    if (Math.abs(value) <= ZERO_THRESHOLD) {
      value = 0.0; // LightGBM's predictor drops near-zero inputs: they read as 0
    }
    if (Double.isNaN(value) && missing != MISSING_NAN) {
      value = 0.0;
    }
    if ((missing == MISSING_ZERO && Math.abs(value) <= ZERO_THRESHOLD)
        || (missing == MISSING_NAN && Double.isNaN(value))) {
      return defaultLeft(node);
    }
    return value <= threshold[node];
  }
}

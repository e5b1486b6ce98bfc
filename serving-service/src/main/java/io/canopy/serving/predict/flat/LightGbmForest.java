package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;
import io.canopy.lightgbm.LightGbmModel;
import io.canopy.lightgbm.Outputs;
import io.canopy.lightgbm.Tree;
import java.util.List;

/**
 * A LightGBM model's trees laid out in concatenated arrays for a pure-Java walk: LightGBM's own
 * decision rules (numerical splits with {@code <=} on double thresholds, missing types none / zero
 * / NaN with their default direction, categorical splits by bitset) and its arithmetic (raw scores
 * summed tree by tree in double, then the objective's transform), so the answers are LightGBM's to
 * the bit before the final cast to float. Built from Canopy's reading of the file ({@link
 * LightGbmModel}); verified against LightGBM's library before use (serving's {@code
 * LightGbmPredictor}).
 */
public final class LightGbmForest {

  /** Per-node flags: a categorical split; where NaN goes; where a zero (|x| <= 1e-35f) goes. */
  private static final int CATEGORICAL = 1;

  private static final int NAN_LEFT = 2;
  private static final int ZERO_LEFT = 4;

  /** LightGBM's kZeroThreshold as the float it is declared as. */
  static final float ZERO = 1e-35f;

  private final LightGbmModel model;
  private final int numFeatures;
  private final int perIteration;
  private final int[] roots; // a node index, or ~leaf for a one-leaf tree
  private final int[] feature;
  private final double[] threshold;
  private final byte[] flags;
  private final int[] children; // left at 2n, right at 2n + 1: a node index, or ~leaf
  private final int[] catFrom;
  private final int[] catWords;
  private final int[] catBits;
  private final double[] leafValue;
  private final BitVectorScorer scorer; // null when a tree has more leaves than it takes

  private LightGbmForest(LightGbmModel model) {
    this.model = model;
    this.numFeatures = model.numFeatures();
    this.perIteration = model.treesPerIteration();
    List<Tree> trees = model.trees();
    int nodes = 0;
    int leaves = 0;
    int words = 0;
    for (Tree t : trees) {
      nodes += t.numLeaves() - 1;
      leaves += t.numLeaves();
      words += t.catThreshold().length;
    }
    roots = new int[trees.size()];
    feature = new int[nodes];
    threshold = new double[nodes];
    flags = new byte[nodes];
    children = new int[2 * nodes];
    catFrom = new int[nodes];
    catWords = new int[nodes];
    catBits = new int[words];
    leafValue = new double[leaves];
    int nodeBase = 0;
    int leafBase = 0;
    int wordBase = 0;
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      int n = tree.numLeaves() - 1;
      roots[t] = n == 0 ? ~leafBase : nodeBase;
      for (int i = 0; i < n; i++) {
        int at = nodeBase + i;
        feature[at] = tree.splitFeature()[i];
        threshold[at] = tree.threshold()[i];
        flags[at] = flags(tree, i);
        children[2 * at] = child(tree.leftChild()[i], nodeBase, leafBase);
        children[2 * at + 1] = child(tree.rightChild()[i], nodeBase, leafBase);
        if (tree.categorical(i)) {
          int set = (int) tree.threshold()[i];
          catFrom[at] = wordBase + tree.catBoundaries()[set];
          catWords[at] = tree.catBoundaries()[set + 1] - tree.catBoundaries()[set];
        }
      }
      System.arraycopy(tree.leafValue(), 0, leafValue, leafBase, tree.numLeaves());
      System.arraycopy(tree.catThreshold(), 0, catBits, wordBase, tree.catThreshold().length);
      nodeBase += n;
      leafBase += tree.numLeaves();
      wordBase += tree.catThreshold().length;
    }
    scorer =
        BitVectorScorer.fits(trees) ? new BitVectorScorer(trees, numFeatures, perIteration) : null;
  }

  /** LightGBM's rules for a node, settled at compile time where they do not depend on the input. */
  private static byte flags(Tree tree, int node) {
    if (tree.categorical(node)) {
      return CATEGORICAL;
    }
    return (byte)
        ((tree.nanGoesLeft(node) ? NAN_LEFT : 0) | (tree.zeroGoesLeft(node) ? ZERO_LEFT : 0));
  }

  private static int child(int c, int nodeBase, int leafBase) {
    return c >= 0 ? nodeBase + c : ~(leafBase + ~c);
  }

  /** Lays out {@code model}, or says why it cannot be walked here. */
  public static LightGbmForest compile(LightGbmModel model) throws UnsupportedModelException {
    if (model.linear()) {
      throw new UnsupportedModelException("linear", "linear trees");
    }
    if (!Outputs.supports(model.objective())) {
      throw new UnsupportedModelException(
          "objective", "objective '" + model.objective().name() + "'");
    }
    return new LightGbmForest(model);
  }

  public int numFeatures() {
    return numFeatures;
  }

  /** Raw scores per row (one per class), row-major. */
  public int width() {
    return perIteration;
  }

  /** The heap its arrays take (the bit-vector scorer's included). */
  public long heapBytes() {
    return HeapBytes.of(
            roots, feature, threshold, flags, children, catFrom, catWords, catBits, leafValue)
        + (scorer == null ? 0 : scorer.heapBytes());
  }

  /** How the rows are scored, for the engine's detail. */
  public String method() {
    return scorer != null
        ? "bit-vector scoring"
        : "tree walk (a tree has more than " + BitVectorScorer.MAX_LEAVES + " leaves)";
  }

  /** The raw scores of {@code numRows} row-major rows into {@code out} (numRows × width). */
  public void rawScores(float[] rows, int numRows, double[] out) {
    if (scorer != null) {
      scorer.rawScores(rows, numRows, out);
    } else {
      walk(rows, numRows, out);
    }
  }

  /** {@link #rawScores} by walking each tree from its root. */
  void walk(float[] rows, int numRows, double[] out) {
    for (int r = 0; r < numRows; r++) {
      int base = r * numFeatures;
      int outBase = r * perIteration;
      for (int k = 0; k < perIteration; k++) {
        out[outBase + k] = 0;
      }
      for (int t = 0; t < roots.length; t++) {
        int node = roots[t];
        while (node >= 0) {
          node = children[2 * node + (goesLeft(node, rows[base + feature[node]]) ? 0 : 1)];
        }
        out[outBase + t % perIteration] += leafValue[~node];
      }
    }
  }

  /** The outputs of {@code numRows} rows (numRows × width), from their raw scores. */
  public void values(double[] raw, int numRows, double[] out) {
    double[] row = new double[perIteration];
    for (int r = 0; r < numRows; r++) {
      System.arraycopy(raw, r * perIteration, row, 0, perIteration);
      Outputs.apply(model, row);
      System.arraycopy(row, 0, out, r * perIteration, perIteration);
    }
  }

  private boolean goesLeft(int node, float x) {
    int f = flags[node];
    if (f == CATEGORICAL) {
      return Tree.inCategorySet(catBits, catFrom[node], catWords[node], x);
    }
    if (x != x) {
      return (f & NAN_LEFT) != 0;
    }
    if (Math.abs(x) <= ZERO) {
      return (f & ZERO_LEFT) != 0;
    }
    return x <= threshold[node];
  }

  /** Per feature, its numerical thresholds as floats (for sample rows). */
  float[][] thresholds() {
    return SampleRows.thresholdsByFeature(
        numFeatures, feature, n -> flags[n] != CATEGORICAL, n -> (float) threshold[n]);
  }
}

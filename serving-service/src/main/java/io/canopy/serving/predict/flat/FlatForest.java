package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;

/**
 * A tree ensemble as one flat array, evaluated in pure Java with XGBoost's semantics: {@code x <
 * threshold} goes left, a missing (NaN) value goes to the node's default child, and leaf values are
 * added in float, in tree order, onto the group's base margin.
 *
 * <p>Each node is a record of {@link #NODE_INTS} ints in {@code nodes}, the nodes of all trees
 * concatenated ({@link TreeLayout} lays them out): the slot of the row's keys it reads, its
 * threshold as a {@linkplain #key key} (for a leaf, its value's float bits), and the positions of
 * its left and right child. Everything one step reads is in one 16-byte record, one cache line. A
 * leaf is its own child on both sides, so every tree is walked a fixed number of steps (its depth)
 * without a leaf test.
 *
 * <p>A row's values are first turned into integer keys, two slots per feature: floats compare as
 * their keys do, and a missing value is the smallest key in the slot that nodes sending it left
 * read, the largest in the slot that nodes sending it right read. A step is then integer arithmetic
 * with no branch, no NaN test and no float compare — {@code n = child(n, key(x) >= key(t))} — and
 * decides exactly as XGBoost's {@code fvalue < split_cond} with its default child.
 *
 * <p>A walk is a chain of dependent loads, so walks are interleaved: a row walks {@link
 * #TREE_LANES} trees side by side; a block of up to {@link #BLOCK_ROWS} rows walks the forest tree
 * by tree, {@link #ROW_LANES} rows at a time, so each tree stays in cache while the block's rows
 * walk it (the rows left over walk as single rows do). Each lane is a local variable, not an array
 * slot, so the chains overlap in the CPU without a round trip through memory. Built by {@link
 * ForestCompiler}; immutable and thread-safe.
 */
public final class FlatForest {

  /** Rows evaluated together tree by tree (XGBoost uses 64 too). */
  static final int BLOCK_ROWS = 64;

  /** Rows walking one tree side by side. */
  static final int ROW_LANES = 8;

  /** Trees one row walks side by side. */
  static final int TREE_LANES = 8;

  /** Ints per node: key slot, threshold key (a leaf's value bits), left child, right child. */
  static final int NODE_INTS = 4;

  /** Most features: a row's keys (two per feature) are indexed by int. */
  static final int MAX_FEATURES = 1 << 29;

  /** Most row keys one call holds at a time: very wide rows make smaller blocks. */
  static final int BLOCK_KEYS = 1 << 16;

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
   * @param nodes {@link #NODE_INTS} per node (see the class comment); a child's position is where
   *     its record starts
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

  /**
   * A non-NaN float's key: ints ordered as the floats are ({@code a < b} exactly when {@code key(a)
   * < key(b)}; −0 and +0 are one key); every key lies strictly between {@code Integer.MIN_VALUE}
   * and {@code Integer.MAX_VALUE}, which stand for a missing value.
   */
  static int key(float x) {
    int bits = Float.floatToRawIntBits(x + 0f); // -0 + 0 is +0
    return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
  }

  /** The float whose key {@code k} is. */
  static float fromKey(int k) {
    return Float.intBitsToFloat(k ^ ((k >> 31) & Integer.MAX_VALUE));
  }

  /** The key slot a node splitting on {@code feature} reads. */
  static int slot(int numFeatures, int feature, boolean missingGoesLeft) {
    return missingGoesLeft ? feature : numFeatures + feature;
  }

  /**
   * Row {@code row}'s keys at {@code at}: slots {@code f} and {@code numFeatures + f} hold feature
   * f's key; a missing value is {@code Integer.MIN_VALUE} in the first (below every threshold:
   * left) and {@code Integer.MAX_VALUE} in the second (not below any: right).
   */
  private void keys(float[] rows, int row, int[] keys, int at) {
    int in = row * numFeatures;
    for (int f = 0; f < numFeatures; f++) {
      float x = rows[in + f];
      boolean missing = x != x;
      int k = key(x);
      keys[at + f] = missing ? Integer.MIN_VALUE : k;
      keys[at + numFeatures + f] = missing ? Integer.MAX_VALUE : k;
    }
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
      int slot = nodes[n * NODE_INTS];
      feature[n] = slot < numFeatures ? slot : slot - numFeatures;
    }
    return SampleRows.thresholdsByFeature(
        numFeatures,
        feature,
        n -> nodes[n * NODE_INTS + 2] != n * NODE_INTS,
        n -> fromKey(nodes[n * NODE_INTS + 1]));
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
    int stride = 2 * numFeatures;
    int blockRows = Math.clamp(BLOCK_KEYS / Math.max(1, stride), 1, BLOCK_ROWS);
    int[] keys = new int[Math.min(numRows, blockRows) * stride];
    for (int from = 0; from < numRows; from += blockRows) {
      int count = Math.min(numRows - from, blockRows);
      for (int i = 0; i < count; i++) {
        keys(rows, from + i, keys, i * stride);
      }
      int laned = count - count % ROW_LANES;
      if (laned > 0) {
        rowsByTree(keys, stride, from, laned, out);
      }
      for (int i = laned; i < count; i++) {
        treesOfRow(keys, i * stride, out, (from + i) * groups);
      }
    }
  }

  /**
   * Rows {@code from} to {@code from + count - 1} ({@code count} a multiple of {@link #ROW_LANES},
   * their keys from 0 on), tree by tree, {@link #ROW_LANES} rows at a time.
   */
  private void rowsByTree(int[] keys, int stride, int from, int count, float[] out) {
    for (int t = 0; t < roots.length; t++) {
      int root = roots[t];
      int depth = depths[t];
      int g = treeGroup[t];
      for (int i = 0; i < count; i += ROW_LANES) {
        int r0 = root;
        int r1 = root;
        int r2 = root;
        int r3 = root;
        int r4 = root;
        int r5 = root;
        int r6 = root;
        int r7 = root;
        for (int s = depth; s > 0; s--) {
          r0 = step(keys, (i + 0) * stride, r0);
          r1 = step(keys, (i + 1) * stride, r1);
          r2 = step(keys, (i + 2) * stride, r2);
          r3 = step(keys, (i + 3) * stride, r3);
          r4 = step(keys, (i + 4) * stride, r4);
          r5 = step(keys, (i + 5) * stride, r5);
          r6 = step(keys, (i + 6) * stride, r6);
          r7 = step(keys, (i + 7) * stride, r7);
        }
        out[(from + i + 0) * groups + g] += leaf(r0);
        out[(from + i + 1) * groups + g] += leaf(r1);
        out[(from + i + 2) * groups + g] += leaf(r2);
        out[(from + i + 3) * groups + g] += leaf(r3);
        out[(from + i + 4) * groups + g] += leaf(r4);
        out[(from + i + 5) * groups + g] += leaf(r5);
        out[(from + i + 6) * groups + g] += leaf(r6);
        out[(from + i + 7) * groups + g] += leaf(r7);
      }
    }
  }

  /** One row (its keys at {@code keyBase}), {@link #TREE_LANES} trees at a time. */
  private void treesOfRow(int[] keys, int keyBase, float[] out, int outBase) {
    int t = 0;
    for (; t + TREE_LANES <= roots.length; t += TREE_LANES) {
      int a = roots[t + 0];
      int b = roots[t + 1];
      int c = roots[t + 2];
      int d = roots[t + 3];
      int e = roots[t + 4];
      int f = roots[t + 5];
      int g = roots[t + 6];
      int h = roots[t + 7];
      int depth = depths[t];
      for (int u = 1; u < TREE_LANES; u++) {
        depth = Math.max(depth, depths[t + u]);
      }
      for (int s = depth; s > 0; s--) {
        a = step(keys, keyBase, a);
        b = step(keys, keyBase, b);
        c = step(keys, keyBase, c);
        d = step(keys, keyBase, d);
        e = step(keys, keyBase, e);
        f = step(keys, keyBase, f);
        g = step(keys, keyBase, g);
        h = step(keys, keyBase, h);
      }
      out[outBase + treeGroup[t + 0]] += leaf(a);
      out[outBase + treeGroup[t + 1]] += leaf(b);
      out[outBase + treeGroup[t + 2]] += leaf(c);
      out[outBase + treeGroup[t + 3]] += leaf(d);
      out[outBase + treeGroup[t + 4]] += leaf(e);
      out[outBase + treeGroup[t + 5]] += leaf(f);
      out[outBase + treeGroup[t + 6]] += leaf(g);
      out[outBase + treeGroup[t + 7]] += leaf(h);
    }
    for (; t < roots.length; t++) {
      int n = roots[t];
      for (int s = depths[t]; s > 0; s--) {
        n = step(keys, keyBase, n);
      }
      out[outBase + treeGroup[t]] += leaf(n);
    }
  }

  /**
   * One level down from the node at {@code n}: right when the row's key is not below the
   * threshold's ({@code t - k - 1 < 0}, in long so it cannot overflow), else left.
   */
  private int step(int[] keys, int keyBase, int n) {
    long notBelow = (long) nodes[n + 1] - keys[keyBase + nodes[n]] - 1;
    return nodes[n + 2 + (int) (notBelow >>> 63)];
  }

  private float leaf(int n) {
    return Float.intBitsToFloat(nodes[n + 1]);
  }

  /** Values of {@code numRows} rows from their margins, {@code numRows × valueWidth()} of them. */
  public float[] values(float[] margins, int numRows) {
    float[] values = new float[numRows * valueWidth()];
    transform.apply(margins, numRows, groups, values);
    return values;
  }
}

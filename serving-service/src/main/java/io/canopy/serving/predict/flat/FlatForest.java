package io.canopy.serving.predict.flat;

import io.canopy.common.memory.HeapBytes;

/**
 * A tree ensemble as flat arrays, evaluated in pure Java with XGBoost's semantics: {@code x <
 * threshold} goes left, a missing (NaN) value goes to the node's default child, and leaf values are
 * added in float, in tree order, onto the group's base margin.
 *
 * <p>The nodes are laid out twice ({@link TreeLayout} lays them out, all trees concatenated), once
 * for each way of walking. A single row's walk waits on memory: it reads {@code nodes}, one long
 * per node, in its low int the slot of the row's keys the node reads (low {@code slotBits} bits)
 * and, above it, how far its left child is (the right child is the node after it); in its high int
 * its threshold's {@linkplain #key key} minus 1 (a leaf's value bits). 8 bytes a node, so a big
 * forest fits where twice that would not (1,000 trees of depth 8: 0.7 MB, within a 1 MB L2). A
 * block of rows walks one tree at a time, which stays in cache, and is bound by instructions
 * instead: it reads {@code records}, {@link #RECORD_LONGS} longs per node (threshold key minus 1
 * and slot; both children's positions), which need no unpacking but a shift. A leaf reads the last
 * slot, which always sends a row left, and is its own left child, so every tree is walked a fixed
 * number of steps (its depth) without a leaf test.
 *
 * <p>A row's values are first turned into integer keys, one slot per (feature, missing side) pair
 * the splits use: floats compare as their keys do, and a missing value is the smallest key in a
 * slot whose nodes send it left, the largest in one whose nodes send it right. A step is then
 * integer arithmetic with no branch, no NaN test and no float compare — right when {@code (key(t) -
 * 1) - key(x) < 0} — and decides exactly as XGBoost's {@code fvalue < split_cond} with its default
 * child.
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

  /**
   * Longs per node in {@code records}: threshold key - 1 above the key slot; right child above the
   * left one.
   */
  static final int RECORD_LONGS = 2;

  /** Most features: a row's keys (at most two per feature) are indexed by int. */
  static final int MAX_FEATURES = 1 << 29;

  /** Most row keys one call holds at a time: very wide rows make smaller blocks. */
  static final int BLOCK_KEYS = 1 << 16;

  private final int numFeatures;
  private final int groups;
  private final float[] baseMargin;
  private final OutputTransform transform;
  private final int[] roots;
  private final int[] depths;
  private final int[] laneDepths;
  private final int[] treeGroup;
  private final int[] slotFeature;
  private final int[] missingKey;
  private final int slotBits;
  private final int slotMask;
  private final long[] nodes;
  private final long[] records;

  /** The heap its arrays take. */
  public long heapBytes() {
    return HeapBytes.of(
        baseMargin, roots, depths, laneDepths, treeGroup, slotFeature, missingKey, nodes, records);
  }

  /**
   * @param roots position in {@code nodes} of each tree's root
   * @param depths steps from the root to the deepest leaf, per tree
   * @param slotFeature the feature each key slot holds (the slot after the last always sends left)
   * @param missingKey each slot's key for a missing value: {@code Integer.MIN_VALUE} where it goes
   *     left, {@code Integer.MAX_VALUE} where it goes right
   * @param nodes one per node, for single rows (see the class comment)
   * @param records the same nodes, {@link #RECORD_LONGS} longs each, for blocks of rows; a child is
   *     where its record starts
   */
  FlatForest(
      int numFeatures,
      float[] baseMargin,
      OutputTransform transform,
      int[] roots,
      int[] depths,
      int[] treeGroup,
      int[] slotFeature,
      int[] missingKey,
      long[] nodes,
      long[] records) {
    this.numFeatures = numFeatures;
    this.groups = baseMargin.length;
    this.baseMargin = baseMargin;
    this.transform = transform;
    this.roots = roots;
    this.depths = depths;
    // Each run of TREE_LANES trees a row walks together takes its deepest tree's steps.
    this.laneDepths = new int[depths.length / TREE_LANES];
    for (int t = 0; t < laneDepths.length * TREE_LANES; t++) {
      laneDepths[t / TREE_LANES] = Math.max(laneDepths[t / TREE_LANES], depths[t]);
    }
    this.treeGroup = treeGroup;
    this.slotFeature = slotFeature;
    this.missingKey = missingKey;
    this.slotBits = slotBits(slotFeature.length);
    this.slotMask = (1 << slotBits) - 1;
    this.nodes = nodes;
    this.records = records;
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

  /**
   * Bits a node's slot field takes, for {@code slots} slots and the always-left one after them: the
   * field holds where the slot's key is in a group of {@link #ROW_LANES} rows' keys, {@code
   * ROW_LANES × slot}.
   */
  static int slotBits(int slots) {
    return 64 - Long.numberOfLeadingZeros((long) ROW_LANES * slots);
  }

  /**
   * Row {@code row}'s keys at {@code at}, every {@link #ROW_LANES}-th int (the keys of a group of
   * rows are interleaved, so the rows walking a tree together share one base): each slot holds its
   * feature's key, or for a missing value {@code Integer.MIN_VALUE} (below every threshold: left)
   * or {@code Integer.MAX_VALUE} (not below any: right), as the slot's nodes send it; the last slot
   * holds {@code Integer.MIN_VALUE}.
   */
  private void keys(float[] rows, int row, int[] keys, int at) {
    int in = row * numFeatures;
    int slots = slotFeature.length;
    for (int s = 0; s < slots; s++) {
      float x = rows[in + slotFeature[s]];
      keys[at + ROW_LANES * s] = x != x ? missingKey[s] : key(x);
    }
    keys[at + ROW_LANES * slots] = Integer.MIN_VALUE;
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
    return nodes.length;
  }

  /** Per feature, the thresholds of its splits (for sample rows). */
  float[][] thresholds() {
    int[] feature = new int[numNodes()];
    for (int n = 0; n < feature.length; n++) {
      int slot = ((int) nodes[n] & slotMask) / ROW_LANES;
      feature[n] = slot < slotFeature.length ? slotFeature[slot] : 0;
    }
    return SampleRows.thresholdsByFeature(
        numFeatures,
        feature,
        n -> ((int) nodes[n] & slotMask) / ROW_LANES < slotFeature.length,
        n -> fromKey((int) (nodes[n] >> 32) + 1));
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
    int groupKeys = ROW_LANES * (slotFeature.length + 1);
    int blockGroups = Math.clamp(BLOCK_KEYS / groupKeys, 1, BLOCK_ROWS / ROW_LANES);
    int blockRows = ROW_LANES * blockGroups;
    int[] keys = new int[Math.min((numRows + ROW_LANES - 1) / ROW_LANES, blockGroups) * groupKeys];
    for (int from = 0; from < numRows; from += blockRows) {
      int count = Math.min(numRows - from, blockRows);
      for (int i = 0; i < count; i++) {
        keys(rows, from + i, keys, keyBase(i, groupKeys));
      }
      int laned = count - count % ROW_LANES;
      if (laned > 0) {
        rowsByTree(keys, groupKeys, from, laned, out);
      }
      for (int i = laned; i < count; i++) {
        treesOfRow(keys, keyBase(i, groupKeys), out, (from + i) * groups);
      }
    }
  }

  /** Where the keys of a block's {@code i}-th row start. */
  private static int keyBase(int i, int groupKeys) {
    return i / ROW_LANES * groupKeys + i % ROW_LANES;
  }

  /**
   * Rows {@code from} to {@code from + count - 1} ({@code count} a multiple of {@link #ROW_LANES},
   * their keys from 0 on), tree by tree, {@link #ROW_LANES} rows at a time.
   */
  private void rowsByTree(int[] keys, int groupKeys, int from, int count, float[] out) {
    long[] records = this.records;
    for (int t = 0; t < roots.length; t++) {
      int root = RECORD_LONGS * roots[t];
      int depth = depths[t];
      int g = treeGroup[t];
      for (int i = 0; i < count; i += ROW_LANES) {
        int base = i / ROW_LANES * groupKeys;
        int r0 = root;
        int r1 = root;
        int r2 = root;
        int r3 = root;
        int r4 = root;
        int r5 = root;
        int r6 = root;
        int r7 = root;
        for (int s = depth; s > 0; s--) {
          r0 = step(records, keys, base + 0, r0);
          r1 = step(records, keys, base + 1, r1);
          r2 = step(records, keys, base + 2, r2);
          r3 = step(records, keys, base + 3, r3);
          r4 = step(records, keys, base + 4, r4);
          r5 = step(records, keys, base + 5, r5);
          r6 = step(records, keys, base + 6, r6);
          r7 = step(records, keys, base + 7, r7);
        }
        out[(from + i + 0) * groups + g] += leaf(records, r0);
        out[(from + i + 1) * groups + g] += leaf(records, r1);
        out[(from + i + 2) * groups + g] += leaf(records, r2);
        out[(from + i + 3) * groups + g] += leaf(records, r3);
        out[(from + i + 4) * groups + g] += leaf(records, r4);
        out[(from + i + 5) * groups + g] += leaf(records, r5);
        out[(from + i + 6) * groups + g] += leaf(records, r6);
        out[(from + i + 7) * groups + g] += leaf(records, r7);
      }
    }
  }

  /** One row (its keys at {@code keyBase}), {@link #TREE_LANES} trees at a time. */
  private void treesOfRow(int[] keys, int keyBase, float[] out, int outBase) {
    long[] nodes = this.nodes;
    int mask = slotMask;
    int bits = slotBits;
    float sum = out[outBase];
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
      int depth = laneDepths[t / TREE_LANES];
      for (int s = depth; s > 0; s--) {
        a = step(nodes, keys, keyBase, a, mask, bits);
        b = step(nodes, keys, keyBase, b, mask, bits);
        c = step(nodes, keys, keyBase, c, mask, bits);
        d = step(nodes, keys, keyBase, d, mask, bits);
        e = step(nodes, keys, keyBase, e, mask, bits);
        f = step(nodes, keys, keyBase, f, mask, bits);
        g = step(nodes, keys, keyBase, g, mask, bits);
        h = step(nodes, keys, keyBase, h, mask, bits);
      }
      if (groups == 1) {
        // In a local, not through out[]: a store and a reload per tree would lengthen the one chain
        // of additions a row's trees make.
        sum = sum + leaf(a) + leaf(b) + leaf(c) + leaf(d) + leaf(e) + leaf(f) + leaf(g) + leaf(h);
      } else {
        out[outBase + treeGroup[t + 0]] += leaf(a);
        out[outBase + treeGroup[t + 1]] += leaf(b);
        out[outBase + treeGroup[t + 2]] += leaf(c);
        out[outBase + treeGroup[t + 3]] += leaf(d);
        out[outBase + treeGroup[t + 4]] += leaf(e);
        out[outBase + treeGroup[t + 5]] += leaf(f);
        out[outBase + treeGroup[t + 6]] += leaf(g);
        out[outBase + treeGroup[t + 7]] += leaf(h);
      }
    }
    if (groups == 1) {
      out[outBase] = sum;
    }
    for (; t < roots.length; t++) {
      int n = roots[t];
      for (int s = depths[t]; s > 0; s--) {
        n = step(nodes, keys, keyBase, n, mask, bits);
      }
      out[outBase + treeGroup[t]] += leaf(n);
    }
  }

  /**
   * One level down from the node at {@code n}: right (the node after the left child) when the row's
   * key is not below the threshold's ({@code (t - 1) - k < 0}, in long so it cannot overflow), else
   * left.
   */
  private static int step(long[] nodes, int[] keys, int keyBase, int n, int mask, int bits) {
    long node = nodes[n];
    int head = (int) node;
    long notBelow = (node >> 32) - keys[keyBase + (head & mask)];
    return n + (head >> bits) + (int) (notBelow >>> 63);
  }

  /**
   * One level down from the record at {@code n}, as {@link #step(long[], int[], int, int, int,
   * int)} decides; the child is picked from its long by a shift, not by a load at a computed place.
   */
  private static int step(long[] records, int[] keys, int keyBase, int n) {
    long node = records[n];
    long notBelow = (node >> 32) - keys[keyBase + (int) node];
    return (int) (records[n + 1] >>> ((int) (notBelow >>> 63) << 5));
  }

  private static float leaf(long[] records, int n) {
    return Float.intBitsToFloat((int) (records[n] >> 32));
  }

  private float leaf(int n) {
    return Float.intBitsToFloat((int) (nodes[n] >> 32));
  }

  /** Values of {@code numRows} rows from their margins, {@code numRows × valueWidth()} of them. */
  public float[] values(float[] margins, int numRows) {
    float[] values = new float[numRows * valueWidth()];
    transform.apply(margins, numRows, groups, values);
    return values;
  }
}

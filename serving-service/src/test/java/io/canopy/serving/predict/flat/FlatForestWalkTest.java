package io.canopy.serving.predict.flat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The flat forest's keyed, interleaved walk against a plain recursive walk of the same trees with
 * XGBoost's rule ({@code x < split_cond} left, NaN to the default child, leaves summed in float in
 * tree order): random trees over a few thresholds (some with a node whose two children are one),
 * rows at those thresholds exactly, a float either side of them, NaN, ±0, ±∞ and subnormals, every
 * batch size the walk treats differently.
 */
class FlatForestWalkTest {

  private static final int FEATURES = 5;

  /** Thresholds the trees split at; rows take these, their neighbours and the specials. */
  private static final float[] THRESHOLDS = {
    0f,
    -0f,
    1f,
    -1f,
    0.5f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    1e-30f,
    Float.MAX_VALUE,
    Float.NEGATIVE_INFINITY,
    Float.POSITIVE_INFINITY,
    Float.NaN,
    3.25f,
    -7.75f
  };

  /** One XGBoost tree's arrays. */
  private record Tree(
      List<Integer> lefts,
      List<Integer> rights,
      List<Integer> splits,
      List<Float> conditions,
      List<Integer> defaults) {

    Tree() {
      this(
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>());
    }

    /** Adds a node (children filled in later) and returns its index. */
    int add(int split, float condition, int defaultLeft) {
      lefts.add(-1);
      rights.add(-1);
      splits.add(split);
      conditions.add(condition);
      defaults.add(defaultLeft);
      return lefts.size() - 1;
    }

    /** XGBoost's walk, the reference. */
    float leaf(float[] rows, int offset) {
      int n = 0;
      while (lefts.get(n) != -1) {
        float x = rows[offset + splits.get(n)];
        if (Float.isNaN(x)) {
          n = defaults.get(n) != 0 ? lefts.get(n) : rights.get(n);
        } else {
          n = x < conditions.get(n) ? lefts.get(n) : rights.get(n);
        }
      }
      return conditions.get(n);
    }

    String json() {
      return "{\"left_children\":%s,\"right_children\":%s,\"split_indices\":%s,\"split_conditions\":%s,\"default_left\":%s,\"split_type\":%s,\"categories_nodes\":[],\"tree_param\":{\"size_leaf_vector\":\"1\"}}"
          .formatted(
              lefts,
              rights,
              splits,
              conditions.stream().map(FlatForestWalkTest::text).toList(),
              defaults,
              lefts.stream().map(x -> 0).toList());
    }
  }

  /** A float as XGBoost's JSON writes it (NaN and the infinities as JSON strings). */
  private static String text(float f) {
    return Float.isFinite(f) ? Float.toString(f) : "\"" + f + "\"";
  }

  private static void grow(Tree tree, int node, int depth, int maxDepth, SplittableRandom random) {
    if (depth == maxDepth || (depth > 0 && random.nextInt(4) == 0)) {
      // A leaf: its value where the split condition would be (-0 among them).
      float value = random.nextInt(10) == 0 ? -0f : (float) random.nextGaussian();
      tree.conditions.set(node, value);
      tree.splits.set(node, 0);
      return;
    }
    int left =
        tree.add(
            random.nextInt(FEATURES),
            THRESHOLDS[random.nextInt(THRESHOLDS.length)],
            random.nextInt(2));
    if (random.nextInt(8) == 0) {
      // One child reached both ways, as a rewritten categorical split's can be: laid out once,
      // reached the second way through a relay node, one step more.
      tree.lefts.set(node, left);
      tree.rights.set(node, left);
      grow(tree, left, depth + 1, maxDepth, random);
      return;
    }
    int right =
        tree.add(
            random.nextInt(FEATURES),
            THRESHOLDS[random.nextInt(THRESHOLDS.length)],
            random.nextInt(2));
    tree.lefts.set(node, left);
    tree.rights.set(node, right);
    grow(tree, left, depth + 1, maxDepth, random);
    grow(tree, right, depth + 1, maxDepth, random);
  }

  private static float rowValue(SplittableRandom random) {
    float t = THRESHOLDS[random.nextInt(THRESHOLDS.length)];
    return switch (random.nextInt(5)) {
      case 0 -> Math.nextDown(t);
      case 1 -> Math.nextUp(t);
      case 2 -> (float) random.nextGaussian();
      default -> t;
    };
  }

  private static String model(List<Tree> trees, int groups, String objective) {
    List<Integer> info = new ArrayList<>();
    for (int t = 0; t < trees.size(); t++) {
      info.add(t % groups);
    }
    return """
        {"learner":{
          "learner_model_param":{"base_score":"5E-1","num_class":"%d","num_feature":"%d",
                                 "num_target":"1"},
          "objective":{"name":"%s"},
          "gradient_booster":{"name":"gbtree","model":{"tree_info":%s,"trees":[%s]}}}}
        """
        .formatted(
            groups == 1 ? 0 : groups,
            FEATURES,
            objective,
            info,
            String.join(",", trees.stream().map(Tree::json).toList()));
  }

  @Test
  void margins_matchTheReferenceWalk_bitForBit_atEveryBatchSize() throws Exception {
    SplittableRandom random = new SplittableRandom(20);
    for (int round = 0; round < 12; round++) {
      int groups = round % 3 == 0 ? 3 : 1;
      String objective = groups == 3 ? "multi:softprob" : "reg:squarederror";
      int numTrees = 1 + random.nextInt(40);
      List<Tree> trees = new ArrayList<>();
      for (int t = 0; t < numTrees; t++) {
        Tree tree = new Tree();
        tree.add(0, 0f, 0);
        grow(tree, 0, 0, random.nextInt(9), random);
        trees.add(tree);
      }
      FlatForest forest =
          ForestCompiler.compile(model(trees, groups, objective).getBytes(StandardCharsets.UTF_8));
      int numRows = 150;
      float[] rows = new float[numRows * FEATURES];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = rowValue(random);
      }
      float base = Objectives.baseMargin(objective, 0.5f);
      float[] expected = new float[numRows * groups];
      for (int r = 0; r < numRows; r++) {
        for (int g = 0; g < groups; g++) {
          expected[r * groups + g] = base;
        }
        for (int t = 0; t < numTrees; t++) {
          expected[r * groups + t % groups] += trees.get(t).leaf(rows, r * FEATURES);
        }
      }
      // 1 to 7 rows walk tree-lanes only; 8 and 64 row-lanes only; the others both.
      for (int batch : new int[] {1, 3, 7, 8, 9, 17, 64, 65, 150}) {
        for (int from = 0; from + batch <= numRows; from += batch) {
          float[] in =
              java.util.Arrays.copyOfRange(rows, from * FEATURES, (from + batch) * FEATURES);
          float[] out = new float[batch * groups];
          forest.margins(in, batch, out);
          for (int i = 0; i < out.length; i++) {
            assertThat(Float.floatToRawIntBits(out[i]))
                .as(
                    "round %d, batch %d, row %d column %d",
                    round, batch, from + i / groups, i % groups)
                .isEqualTo(Float.floatToRawIntBits(expected[from * groups + i]));
          }
        }
      }
    }
  }

  @Test
  void key_ordersFloatsAsLessThanDoes() {
    SplittableRandom random = new SplittableRandom(3);
    List<Float> values = new ArrayList<>();
    for (float t : THRESHOLDS) {
      if (!Float.isNaN(t)) {
        values.add(t);
        values.add(Math.nextUp(t));
        values.add(Math.nextDown(t));
      }
    }
    for (int i = 0; i < 200; i++) {
      values.add(Float.intBitsToFloat(random.nextInt()));
    }
    values.removeIf(v -> Float.isNaN(v));
    for (float a : values) {
      assertThat(FlatForest.key(a)).isStrictlyBetween(Integer.MIN_VALUE, Integer.MAX_VALUE);
      assertThat(FlatForest.fromKey(FlatForest.key(a))).isEqualTo(a == 0f ? 0f : a);
      for (float b : values) {
        assertThat(FlatForest.key(a) < FlatForest.key(b)).as("%s < %s", a, b).isEqualTo(a < b);
      }
    }
  }

  @Test
  void nanThreshold_sendsEveryValueRight_andMissingToTheDefault() {
    assertThat(TreeLayout.thresholdKey(Float.NaN))
        .isEqualTo(FlatForest.key(Float.NEGATIVE_INFINITY))
        .isGreaterThan(Integer.MIN_VALUE);
  }
}

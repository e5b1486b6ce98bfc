package io.canopy.serving.predict.flat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.serving.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flat forest's semantics on a one-split tree written by hand. */
class ForestCompilerTest {

  /** One tree: feature 1 < 0.5 → leaf -1, else leaf 2; base_score 0.5. */
  private static byte[] model(String booster, String objective, int defaultLeft, String splitType) {
    String json =
        """
        {"learner":{
          "learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"2",
                                 "num_target":"1"},
          "objective":{"name":"%s"},
          "gradient_booster":{"name":"%s","model":{"tree_info":[0],"trees":[{
            "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[1,0,0],
            "split_conditions":[0.5,-1.0,2.0],"default_left":[%d,0,0],"split_type":[%s,0,0],
            "categories_nodes":[],"tree_param":{"size_leaf_vector":"1"}}]}}}}
        """
            .formatted(objective, booster, defaultLeft, splitType);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static float margin(FlatForest forest, float x) {
    float[] out = new float[1];
    forest.margins(new float[] {7f, x}, 1, out);
    return out[0];
  }

  @Test
  void compile_categoricalSplit_inTheSetGoesRight_otherwiseLeft_missingToTheDefault()
      throws Exception {
    for (int defaultLeft : new int[] {0, 1}) {
      String json =
          new String(model("gbtree", "reg:squarederror", defaultLeft, "1"), StandardCharsets.UTF_8)
              .replace(
                  "\"categories_nodes\":[]",
                  "\"categories_nodes\":[0],\"categories_segments\":[0],"
                      + "\"categories_sizes\":[3],\"categories\":[1,3,4]");
      FlatForest forest = ForestCompiler.compile(json.getBytes(StandardCharsets.UTF_8));

      // right (the set {1, 3, 4}): 2.5; left: -0.5; a value is the category (int) x
      assertThat(margin(forest, 1f)).isEqualTo(2.5f);
      assertThat(margin(forest, 1.9f)).isEqualTo(2.5f);
      assertThat(margin(forest, 3f)).isEqualTo(2.5f);
      assertThat(margin(forest, 4.5f)).isEqualTo(2.5f);
      assertThat(margin(forest, 0f)).isEqualTo(-0.5f);
      assertThat(margin(forest, 2f)).isEqualTo(-0.5f);
      assertThat(margin(forest, 5f)).isEqualTo(-0.5f);
      assertThat(margin(forest, -0.5f)).isEqualTo(-0.5f);
      assertThat(margin(forest, 1e9f)).isEqualTo(-0.5f);
      assertThat(margin(forest, Float.NaN)).isEqualTo(defaultLeft == 1 ? -0.5f : 2.5f);
    }
  }

  @Test
  void compile_numericalSplit_lessThanGoesLeftEqualGoesRight() throws Exception {
    FlatForest forest = ForestCompiler.compile(model("gbtree", "reg:squarederror", 0, "0"));

    assertThat(margin(forest, 0.4999f)).isEqualTo(-0.5f);
    assertThat(margin(forest, 0.5f)).isEqualTo(2.5f);
    assertThat(margin(forest, Math.nextDown(0.5f))).isEqualTo(-0.5f);
    assertThat(forest.numTrees()).isEqualTo(1);
    assertThat(forest.numNodes()).isEqualTo(3);
  }

  @Test
  void compile_missingValue_followsDefaultChild() throws Exception {
    FlatForest right = ForestCompiler.compile(model("gbtree", "reg:squarederror", 0, "0"));
    FlatForest left = ForestCompiler.compile(model("gbtree", "reg:squarederror", 1, "0"));

    assertThat(margin(right, Float.NaN)).isEqualTo(2.5f);
    assertThat(margin(left, Float.NaN)).isEqualTo(-0.5f);
  }

  @Test
  void compile_logisticObjective_startsFromLogitOfBaseScore() throws Exception {
    FlatForest forest = ForestCompiler.compile(model("gbtree", "binary:logistic", 0, "0"));

    // base_score 0.5 in probability space is margin 0.
    assertThat(margin(forest, 0.4f)).isEqualTo(-1.0f);
    float[] values = forest.values(new float[] {0f}, 1);
    assertThat(values[0]).isEqualTo(0.5f);
  }

  @Test
  void compile_unsupportedFeatures_sayWhich() {
    assertThatThrownBy(() -> ForestCompiler.compile(model("gbtree", "binary:hinge", 0, "0")))
        .isInstanceOfSatisfying(
            UnsupportedModelException.class, e -> assertThat(e.reason()).isEqualTo("objective"));
    assertThatThrownBy(() -> ForestCompiler.compile(model("gbtree", "reg:squarederror", 0, "1")))
        .isInstanceOfSatisfying(
            UnsupportedModelException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
    assertThatThrownBy(
            () -> ForestCompiler.compile("{\"learner\":[".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            UnsupportedModelException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
  }

  /**
   * One tree: a root, its left leaf (node 1), and a chain of {@code chain} splits down its right,
   * each on a feature of its own with a leaf on its left. The last split's right child is node 1
   * again when {@code backToTheFirstLeaf} (shared children are allowed: a relay node then points
   * back to it, the whole chain away), else a leaf of its own.
   */
  private static byte[] chainModel(int chain, boolean backToTheFirstLeaf) {
    int nodes = 2 + 2 * chain + (backToTheFirstLeaf ? 0 : 1);
    StringBuilder lefts = new StringBuilder("1,-1");
    StringBuilder rights = new StringBuilder("2,-1");
    StringBuilder features = new StringBuilder("0,0");
    for (int i = 0; i < chain; i++) {
      int at = 2 + 2 * i;
      int next = i < chain - 1 ? at + 2 : (backToTheFirstLeaf ? 1 : at + 2);
      lefts.append(',').append(at + 1).append(",-1");
      rights.append(',').append(next).append(",-1");
      features.append(',').append(i + 1).append(",0");
    }
    if (!backToTheFirstLeaf) {
      lefts.append(",-1");
      rights.append(",-1");
      features.append(",0");
    }
    String zeros = ",0".repeat(nodes).substring(1);
    String conditions = ",0.5".repeat(nodes).substring(1);
    String json =
        """
        {"learner":{
          "learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"%d",
                                 "num_target":"1"},
          "objective":{"name":"reg:squarederror"},
          "gradient_booster":{"name":"gbtree","model":{"tree_info":[0],"trees":[{
            "left_children":[%s],"right_children":[%s],"split_indices":[%s],
            "split_conditions":[%s],"default_left":[%s],"split_type":[%s],
            "categories_nodes":[],"tree_param":{"size_leaf_vector":"1"}}]}}}}
        """
            .formatted(chain + 1, lefts, rights, features, conditions, zeros, zeros);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void compile_childFartherThanFitsBesideTheKeySlots_refusedForSize() throws Exception {
    // 20,001 key slots leave a single-row node 14 bits for its child's offset (±8,192); the relay
    // back to node 1 is ~40,000 nodes away. The same tree without the shared leaf compiles.
    assertThat(ForestCompiler.compile(chainModel(20_000, false)).numFeatures()).isEqualTo(20_001);
    assertThatThrownBy(() -> ForestCompiler.compile(chainModel(20_000, true)))
        .isInstanceOfSatisfying(
            UnsupportedModelException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("size");
              assertThat(e.getMessage()).contains("does not fit beside 20001 key slots");
            });
  }

  @Test
  void compileUbj_readsPythonsUbjson_andRefusesTruncatedOrOversizedInput() throws Exception {
    byte[] ubj = Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ);
    FlatForest forest = ForestCompiler.compileUbj(ubj);
    assertThat(forest.numFeatures()).isEqualTo(30);
    for (int cut : new int[] {1, 10, ubj.length / 3, ubj.length / 2, ubj.length - 1}) {
      byte[] truncated = java.util.Arrays.copyOf(ubj, cut);
      assertThatThrownBy(() -> ForestCompiler.compileUbj(truncated))
          .as("cut at %d", cut)
          .isInstanceOfSatisfying(
              UnsupportedModelException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
    }
    // A typed array claiming 2^40 floats is refused before anything is allocated.
    byte[] huge = {
      '{', 'i', 1, 'a', '[', '$', 'd', '#', 'L', 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, '}'
    };
    assertThatThrownBy(() -> ForestCompiler.compileUbj(huge))
        .isInstanceOfSatisfying(
            UnsupportedModelException.class,
            e -> assertThat(e.getMessage()).contains("past the end"));
  }

  @Test
  void ulpDistance_countsFloatsBetween() {
    assertThat(ForestVerifier.ulpDistance(1f, 1f)).isZero();
    assertThat(ForestVerifier.ulpDistance(1f, Math.nextUp(1f))).isEqualTo(1);
    assertThat(ForestVerifier.ulpDistance(-0f, 0f)).isZero();
    assertThat(ForestVerifier.ulpDistance(Math.nextDown(0f), Math.nextUp(0f))).isEqualTo(2);
    assertThat(ForestVerifier.ulpDistance(Float.NaN, Float.NaN)).isZero();
    assertThat(ForestVerifier.ulpDistance(Float.NaN, 1f)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void outputTransforms_matchXgboostFloatMath() {
    assertThat(OutputTransform.sigmoid(0f)).isEqualTo(0.5f);
    // exp(88.7) is the cap: a very negative margin gives a tiny, non-zero probability.
    assertThat(OutputTransform.sigmoid(-1000f)).isEqualTo(1.0f / ((float) Math.exp(88.7f) + 1f));
    float[] softmax = new float[3];
    OutputTransform.SOFTMAX.apply(new float[] {1f, 1f, 1f}, 1, 3, softmax);
    assertThat(softmax).containsExactly(1f / 3f, 1f / 3f, 1f / 3f);
    float[] classes = new float[2];
    OutputTransform.ARGMAX.apply(new float[] {0f, 2f, 2f, 5f, 1f, 0f}, 2, 3, classes);
    assertThat(classes).containsExactly(1f, 0f);
  }
}

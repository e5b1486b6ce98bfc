package io.canopy.lightgbm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LightGbmTextTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("binary", "objective=binary num_leaves=15"),
        Arguments.of("binary", "objective=binary num_leaves=7 zero_as_missing=true"),
        Arguments.of("binary", "objective=binary num_leaves=15 use_missing=false"),
        Arguments.of("binary", "objective=binary num_leaves=15 categorical_feature=2,3"),
        Arguments.of("multiclass3", "objective=multiclass num_class=3 num_leaves=7"),
        Arguments.of("multiclass3", "objective=multiclassova num_class=3 num_leaves=7"),
        Arguments.of("regression", "objective=regression num_leaves=31"),
        Arguments.of("regression", "objective=huber num_leaves=31"),
        Arguments.of("count", "objective=poisson num_leaves=15"),
        Arguments.of("positive", "objective=gamma num_leaves=15"),
        Arguments.of("count", "objective=tweedie num_leaves=15"),
        Arguments.of("regression", "objective=regression_l1 num_leaves=15"),
        Arguments.of("regression", "objective=fair num_leaves=15"),
        Arguments.of("regression", "objective=quantile alpha=0.8 num_leaves=15"),
        Arguments.of("count", "objective=mape num_leaves=15"),
        Arguments.of("count", "objective=regression reg_sqrt=true num_leaves=15"),
        Arguments.of("binary", "objective=cross_entropy num_leaves=15"),
        Arguments.of("binary", "objective=cross_entropy_lambda num_leaves=15"),
        Arguments.of("binary", "objective=binary sigmoid=0.7 num_leaves=15"),
        Arguments.of("rank", "objective=rank_xendcg num_leaves=15"),
        Arguments.of("rank", "objective=lambdarank num_leaves=15"),
        Arguments.of("regression", "objective=regression linear_tree=true num_leaves=15"),
        Arguments.of("binary", "objective=binary linear_tree=true num_leaves=7"),
        Arguments.of(
            "binary",
            "objective=binary boosting=rf bagging_freq=1 bagging_fraction=0.7 num_leaves=15"));
  }

  /** Rows to predict: generated ones plus edges (NaN, zero, negatives, huge, fractions). */
  private static float[] probeRows(int features) {
    float[] generated = Trained.rows(300, features, new Random(99));
    float[][] edges = {
      {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN},
      {0, 0, 0, 0, 0, 0},
      {-0f, -0f, -0.5f, -0.5f, -1e-36f, 1e-36f},
      {1e30f, -1e30f, 1e9f, 3e9f, Float.MAX_VALUE, -Float.MAX_VALUE},
      {0.5f, 1.5f, 2.7f, 31.9f, -3f, 0.999f},
      {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1, -7, 4.999f, 1},
      {1e-35f, -1e-35f, Math.nextUp(1e-35f), Math.nextDown(-1e-35f), 1e-36f, Float.MIN_VALUE},
    };
    float[] rows = new float[generated.length + edges.length * features];
    System.arraycopy(generated, 0, rows, 0, generated.length);
    for (int e = 0; e < edges.length; e++) {
      System.arraycopy(edges[e], 0, rows, generated.length + e * features, features);
    }
    return rows;
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("models")
  void parse_trainedModel_rawScoresEqualLightGbms(String labels, String parameters)
      throws Exception {
    try (Trained trained = Trained.train(labels, parameters, 2000, 20, 7)) {
      LightGbmModel model = LightGbmText.parse(trained.bytes());

      assertThat(model.featureNames()).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
      assertThat(model.trees()).hasSize(20 * model.treesPerIteration());

      float[] rows = probeRows(trained.features);
      int count = rows.length / trained.features;
      double[] expected = trained.predict(rows, count, NativeBooster.RAW);
      double[] outputs = trained.predict(rows, count, NativeBooster.NORMAL);
      assertThat(Outputs.supports(model.objective())).isTrue();
      double[] leaves = trained.predict(rows, count, NativeBooster.LEAF);
      int k = model.treesPerIteration();
      for (int r = 0; r < count; r++) {
        double[] row = new double[trained.features];
        for (int f = 0; f < row.length; f++) {
          row[f] = rows[r * trained.features + f];
        }
        double[] scores = model.rawScores(row);
        for (int c = 0; c < k; c++) {
          assertThat(Double.valueOf(scores[c])) // NaN is equal to NaN here
              .as("row %d class %d", r, c)
              .isEqualTo(Double.valueOf(expected[r * k + c]));
        }
        double[] predicted = model.predict(row);
        for (int c = 0; c < k; c++) {
          if (Double.isNaN(outputs[r * k + c])) { // a linear leaf times an infinite input
            assertThat(predicted[c]).as("row %d class %d output", r, c).isNaN();
            continue;
          }
          assertThat(predicted[c])
              .as("row %d class %d output", r, c)
              .isCloseTo(outputs[r * k + c], org.assertj.core.data.Offset.offset(1e-12));
        }
        for (int t = 0; t < model.trees().size(); t++) {
          assertThat(model.trees().get(t).leaf(row))
              .as("row %d tree %d", r, t)
              .isEqualTo((int) leaves[r * model.trees().size() + t]);
        }
      }
    }
  }

  @Test
  void parse_categoricalModel_hasCategorySets() throws Exception {
    try (Trained trained =
        Trained.train(
            "binary", "objective=binary categorical_feature=3 num_leaves=15", 2000, 10, 3)) {
      LightGbmModel model = LightGbmText.parse(trained.bytes());
      assertThat(model.trees()).anySatisfy(t -> assertThat(t.catThreshold()).isNotEmpty());
    }
  }

  private static String binaryText() throws Exception {
    try (Trained trained = Trained.train("binary", "objective=binary num_leaves=7", 500, 3, 5)) {
      return trained.text;
    }
  }

  private static void refused(String text, String where, String reason) {
    assertThatThrownBy(() -> LightGbmText.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(LightGbmFormatException.class)
        .satisfies(e -> assertThat(((LightGbmFormatException) e).where()).isEqualTo(where))
        .hasMessageContaining(reason);
  }

  @Test
  void parse_hostileOrBrokenFiles_areRefusedNamingThePlace() throws Exception {
    String good = binaryText();
    assertThat(LightGbmText.parse(good.getBytes(StandardCharsets.UTF_8)).trees()).hasSize(3);

    refused(good.substring(0, good.indexOf("end of trees")), "file", "truncated");
    refused(good.substring(0, good.indexOf("Tree=1") + 7), "Tree=1 num_leaves", "missing");
    refused("xgboost\n" + good, "file", "does not start");
    refused(
        good.replaceFirst("max_feature_idx=5", "max_feature_idx=4"), "feature_names", "6 names");
    refused(good.replaceFirst("num_class=1", "num_class=0"), "num_class", "outside");
    refused(
        good.replaceFirst("objective=binary sigmoid:1", "objective=binary sigmoid:-1"),
        "objective",
        "must be > 0");
    refused(good.replaceFirst("\nobjective=[^\n]*", ""), "objective", "missing");
    refused(good.replaceFirst("Tree=1", "Tree=7"), "Tree=1", "expected here");
    refused(
        good.replaceFirst("num_leaves=7", "num_leaves=1000000"), "Tree=0 num_leaves", "outside");
    refused(good.replaceFirst("num_leaves=7", "num_leaves=8"), "Tree=0 leaf_value", "8 are needed");
    refused(
        good.replaceFirst("split_feature=\\d+", "split_feature=9"),
        "Tree=0 split_feature",
        "feature 9");
    refused(
        good.replaceFirst("left_child=[-\\d]+", "left_child=0"),
        "Tree=0 left_child/right_child",
        "reached twice");
    refused(
        good.replaceFirst("left_child=[-\\d]+", "left_child=-99"),
        "Tree=0 left_child/right_child",
        "past the last");
    refused(
        good.replaceFirst("leaf_value=[^ \n]+", "leaf_value=nan"),
        "Tree=0 leaf_value",
        "not finite");
    refused(
        good.replaceFirst("threshold=[^ \n]+", "threshold=0x1p3"),
        "Tree=0 threshold",
        "not a number");
    refused(
        good.replaceFirst("decision_type=\\d+", "decision_type=12"),
        "Tree=0 decision_type",
        "decision type 12");
    refused(good.replaceFirst("(num_cat=0\n)", "$1num_cat=0\n"), "Tree=0 num_cat", "twice");
    refused(
        good.replaceFirst("tree_sizes=(\\d+)", "tree_sizes=1$1"), "tree_sizes", "the header says");
    refused(good.replaceFirst("tree_sizes=\\d+ ", "tree_sizes="), "tree_sizes", "2 sizes for 3");
    refused(good.replaceFirst("is_linear=0", "is_linear=1"), "Tree=0 leaf_const", "missing");
    String withoutSizes = good.replaceFirst("\ntree_sizes=[^\n]*", "");
    assertThat(LightGbmText.parse(withoutSizes.getBytes(StandardCharsets.UTF_8)).trees())
        .hasSize(3);
    assertThatThrownBy(() -> LightGbmText.parse(new byte[] {'t', 'r', 'e', 'e', '\n', (byte) 0xff}))
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void parse_linearTrees_leafModelsCheckedAgainstTheFeatures() throws Exception {
    String good;
    try (Trained trained =
        Trained.train(
            "regression", "objective=regression linear_tree=true num_leaves=4", 500, 3, 5)) {
      good = trained.text;
    }
    assertThat(LightGbmText.parse(good.getBytes(StandardCharsets.UTF_8)).linear()).isTrue();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\nleaf_features=\\s*(\\d+)").matcher(good);
    assertThat(m.find()).as("a leaf with a linear model").isTrue();
    String tree = "Tree=" + (good.substring(0, m.start()).split("\\nTree=", -1).length - 2);
    String before = good.substring(0, m.start(1));
    String after = good.substring(m.end(1));
    refused(before + "6" + after, tree + " leaf_features", "feature 6 of 0..5");
    refused(before + "-1" + after, tree + " leaf_features", "feature -1");
    refused(before + "1 2" + after, tree + " leaf_features", "values where");
    refused(
        good.replaceFirst("leaf_coeff=\\s*[-0-9.e]+", "leaf_coeff=inf"),
        tree + " leaf_coeff",
        "not finite");
    refused(good.replaceFirst("num_features=\\d+", "num_features=7"), "Tree=0 num_features", "7");
  }

  @Test
  void looksLike_lightGbmText_notXgboostJson() {
    byte[] text = "tree\nversion=v4\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(LightGbmText.looksLike(text, text.length)).isTrue();
    byte[] json = "{\"learner\": {}}".getBytes(StandardCharsets.US_ASCII);
    assertThat(LightGbmText.looksLike(json, json.length)).isFalse();
  }
}

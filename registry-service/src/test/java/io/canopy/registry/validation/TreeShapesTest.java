package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks that run before XGBoost loads an upload: the model readers and the tree-shape rules,
 * on the fixtures and on mutants that XGBoost's loader would read out of bounds on.
 */
class TreeShapesTest {

  /** Where trees[184].parents[7] of the diabetes fixture lives (found by the fuzz suite). */
  private static final int DIABETES_PARENT_OFFSET = 274_726;

  @TempDir Path dir;

  @Test
  void check_fixturesInBothFormats_consistent() throws Exception {
    assertThat(TreeShapes.check(read(Fixtures.UBJ, Fixtures.bytes(Fixtures.UBJ)))).isEmpty();
    assertThat(TreeShapes.check(read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON)))).isEmpty();
    assertThat(TreeShapes.check(read(Fixtures.DIABETES, Fixtures.bytes(Fixtures.DIABETES))))
        .isEmpty();
  }

  @Test
  void read_ubjAndJsonOfOneModel_sameTrees() throws Exception {
    Map<String, Object> ubj = firstTree(read(Fixtures.UBJ, Fixtures.bytes(Fixtures.UBJ)));
    Map<String, Object> json = firstTree(read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON)));

    assertThat((long[]) ubj.get("left_children")).isEqualTo((long[]) json.get("left_children"));
    assertThat((long[]) ubj.get("parents")).isEqualTo((long[]) json.get("parents"));
  }

  @Test
  void check_parentOutsideTheTree_failsNamingTheTree() throws Exception {
    // The mutant that crashed a serving process in RegTree::LoadModel: parents[7] = 65535.
    byte[] b = Fixtures.bytes(Fixtures.DIABETES);
    b[DIABETES_PARENT_OFFSET] = (byte) 0xFF;
    b[DIABETES_PARENT_OFFSET + 1] = (byte) 0xFF;

    assertThat(TreeShapes.check(read(Fixtures.DIABETES, b)))
        .hasValueSatisfying(r -> assertThat(r).contains("trees[184]"));
  }

  @Test
  void check_brokenNodeArrays_eachFailsWithItsReason() throws Exception {
    assertFails(t -> longs(t, "left_children")[0] = 5000, "child 5000");
    assertFails(t -> longs(t, "left_children")[0] = 0, "child 0");
    assertFails(t -> longs(t, "right_children")[0] = -1, "one child");
    assertFails(t -> longs(t, "split_indices")[0] = 30, "feature 30 of 30");
    assertFails(t -> longs(t, "split_indices")[0] = -1, "feature -1");
    assertFails(t -> longs(t, "parents")[1] = -7, "node 0 has child 1");
    assertFails(t -> longs(t, "parents")[0] = -7, null);
    assertFails(
        t -> t.put("parents", Arrays.copyOf(longs(t, "parents"), 3)), "parents has 3 entries");
    assertFails(t -> t.remove("split_indices"), "split_indices is missing");
    assertFails(
        t -> ((Map<String, Object>) t.get("tree_param")).put("num_nodes", "x"), "num_nodes is 'x'");
  }

  @Test
  void check_forestCountsThatDisagree_fail() throws Exception {
    Object doc = read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON));
    forest(doc).put("tree_info", new long[] {0});
    assertThat(TreeShapes.check(doc)).hasValueSatisfying(r -> assertThat(r).contains("tree_info"));

    doc = read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON));
    ((Map<String, Object>) forest(doc).get("gbtree_model_param")).put("num_trees", "121");
    assertThat(TreeShapes.check(doc)).hasValueSatisfying(r -> assertThat(r).contains("num_trees"));

    doc = read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON));
    longs(forest(doc), "tree_info")[3] = 1;
    assertThat(TreeShapes.check(doc))
        .hasValueSatisfying(r -> assertThat(r).contains("group 1 of 1"));
  }

  @Test
  void read_truncatedOrOverlongUbj_ioException() {
    byte[] full = Fixtures.bytes(Fixtures.UBJ);
    assertThatThrownBy(() -> read(Fixtures.UBJ, Arrays.copyOf(full, full.length / 2)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(Fixtures.UBJ, Fixtures.flipped(Fixtures.CRASHING_OFFSET)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bytes left");
  }

  @Test
  void read_jsonNestedTooDeep_ioException() {
    byte[] deep = ("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}").getBytes();
    assertThatThrownBy(() -> read("deep.json", deep))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("deeper");
  }

  @Test
  void probe_inconsistentTrees_failedWithoutLoadingThem() throws Exception {
    byte[] b = Fixtures.bytes(Fixtures.DIABETES);
    b[DIABETES_PARENT_OFFSET] = (byte) 0xFF;
    b[DIABETES_PARENT_OFFSET + 1] = (byte) 0xFF;

    ModelVersion v = ModelProbe.probe(Files.write(dir.resolve("m.ubj"), b));

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).startsWith("the model's trees are inconsistent: trees[184]");
  }

  private void assertFails(Consumer<Map<String, Object>> breakTree, String reason)
      throws Exception {
    Object doc = read(Fixtures.JSON, Fixtures.bytes(Fixtures.JSON));
    breakTree.accept(firstTree(doc));
    if (reason == null) {
      assertThat(TreeShapes.check(doc)).isEmpty(); // the root's parent is never read
      return;
    }
    assertThat(TreeShapes.check(doc))
        .as(reason)
        .hasValueSatisfying(r -> assertThat(r).contains(reason));
  }

  private Object read(String name, byte[] bytes) throws IOException {
    Path file = Files.write(dir.resolve("model-" + name), bytes);
    return ModelDocument.read(
        file,
        name.endsWith(".json") ? ModelFormat.MODEL_FORMAT_JSON : ModelFormat.MODEL_FORMAT_UBJ);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> forest(Object doc) {
    Map<String, Object> learner = (Map<String, Object>) ((Map<String, Object>) doc).get("learner");
    Map<String, Object> booster = (Map<String, Object>) learner.get("gradient_booster");
    return (Map<String, Object>) booster.get("model");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstTree(Object doc) {
    return (Map<String, Object>) ((List<Object>) forest(doc).get("trees")).get(0);
  }

  private static long[] longs(Map<String, Object> object, String key) {
    return (long[]) object.get(key);
  }
}

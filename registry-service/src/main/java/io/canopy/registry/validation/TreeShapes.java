package io.canopy.registry.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the node arrays of every tree in a parsed model ({@link ModelDocument}) before XGBoost
 * loads it. XGBoost's loader trusts node indices: a parent, child or split index out of range makes
 * it (or a later prediction) read outside its arrays, which may crash the process or may not,
 * depending on the memory layout. A child that happened to survive is no proof the file is safe for
 * serving, so these are checked here, deterministically: array lengths against {@code num_nodes},
 * children and parents inside the tree and acyclic, split features inside {@code num_feature}, and
 * the forest's tree counts, groups and categorical segments.
 */
final class TreeShapes {

  private static final String[] NODE_ARRAYS = {
    "left_children", "right_children", "parents", "split_indices"
  };

  /** One entry per node when present (multi-target trees store some differently). */
  private static final String[] OPTIONAL_NODE_ARRAYS = {
    "split_conditions", "default_left", "loss_changes", "sum_hessian"
  };

  private TreeShapes() {}

  /** Why the model is unsafe to load, or empty when every tree is consistent. */
  static Optional<String> check(Object document) {
    try {
      Map<String, Object> learner = object(object(document, "the model").get("learner"), "learner");
      Map<String, Object> params =
          object(learner.get("learner_model_param"), "learner_model_param");
      long numFeature = number(params.get("num_feature"), "num_feature");
      long groups =
          Math.max(
              1,
              Math.max(
                  optionalNumber(params.get("num_class")),
                  optionalNumber(params.get("num_target"))));
      List<Map<String, Object>> forests = new ArrayList<>();
      collectForests(learner.get("gradient_booster"), forests, 0);
      for (Map<String, Object> forest : forests) {
        forest(forest, numFeature, groups);
      }
      return Optional.empty();
    } catch (Inconsistent e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Every object holding "trees" (gbtree's model, dart's gbtree.model). */
  private static void collectForests(Object node, List<Map<String, Object>> out, int depth) {
    if (depth > 8 || !(node instanceof Map<?, ?> map)) {
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) map;
    if (object.containsKey("trees")) {
      out.add(object);
    }
    for (Object child : object.values()) {
      collectForests(child, out, depth + 1);
    }
  }

  private static void forest(Map<String, Object> forest, long numFeature, long groups) {
    if (!(forest.get("trees") instanceof List<?> trees)) {
      throw new Inconsistent("trees is not an array");
    }
    if (forest.get("gbtree_model_param") instanceof Map<?, ?> param
        && param.get("num_trees") != null
        && number(param.get("num_trees"), "num_trees") != trees.size()) {
      throw new Inconsistent(
          "num_trees is " + param.get("num_trees") + " but " + trees.size() + " trees are stored");
    }
    if (forest.containsKey("tree_info")) {
      long[] info = integers(forest.get("tree_info"), "tree_info");
      if (info.length != trees.size()) {
        throw new Inconsistent(
            "tree_info has " + info.length + " entries for " + trees.size() + " trees");
      }
      for (long group : info) {
        if (group < 0 || group >= groups) {
          throw new Inconsistent("tree_info names output group " + group + " of " + groups);
        }
      }
    }
    if (forest.containsKey("iteration_indptr")) {
      long[] indptr = integers(forest.get("iteration_indptr"), "iteration_indptr");
      for (int i = 0; i < indptr.length; i++) {
        long low = i == 0 ? 0 : indptr[i - 1];
        if (indptr[i] < low || indptr[i] > trees.size() || (i == 0 && indptr[0] != 0)) {
          throw new Inconsistent("iteration_indptr is not a non-decreasing index into the trees");
        }
      }
    }
    for (int t = 0; t < trees.size(); t++) {
      tree(object(trees.get(t), "trees[" + t + "]"), "trees[" + t + "]", numFeature);
    }
  }

  private static void tree(Map<String, Object> tree, String at, long numFeature) {
    Map<String, Object> param = object(tree.get("tree_param"), at + ".tree_param");
    long n = number(param.get("num_nodes"), at + ".num_nodes");
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new Inconsistent(at + " has " + n + " nodes");
    }
    for (String name : NODE_ARRAYS) {
      int length = length(tree.get(name), at + "." + name);
      if (length != n) {
        throw new Inconsistent(at + "." + name + " has " + length + " entries for " + n + " nodes");
      }
    }
    for (String name : OPTIONAL_NODE_ARRAYS) {
      if (tree.containsKey(name) && length(tree.get(name), at + "." + name) != n) {
        throw new Inconsistent(
            at + "." + name + " has the wrong number of entries for " + n + " nodes");
      }
    }
    long[] left = integers(tree.get("left_children"), at + ".left_children");
    long[] right = integers(tree.get("right_children"), at + ".right_children");
    long[] parents = integers(tree.get("parents"), at + ".parents");
    long[] splits = integers(tree.get("split_indices"), at + ".split_indices");
    boolean[] seen = new boolean[(int) n];
    seen[0] = true;
    for (int i = 0; i < n; i++) {
      boolean leaf = left[i] == -1;
      if (leaf != (right[i] == -1)) {
        throw new Inconsistent(at + " node " + i + " has one child");
      }
      if (i > 0 && (parents[i] < 0 || parents[i] >= n)) {
        throw new Inconsistent(
            at + " node " + i + " has parent " + parents[i] + " outside the tree");
      }
      if (leaf) {
        continue;
      }
      if (splits[i] < 0 || splits[i] >= numFeature) {
        throw new Inconsistent(
            at + " node " + i + " splits on feature " + splits[i] + " of " + numFeature);
      }
      for (long child : new long[] {left[i], right[i]}) {
        // No node is anyone's child twice and the root is no one's: what the root reaches is a
        // tree.
        if (child < 1 || child >= n || seen[(int) child] || parents[(int) child] != i) {
          throw new Inconsistent(
              at + " node " + i + " has child " + child + " that does not fit the tree");
        }
        seen[(int) child] = true;
      }
    }
    categories(tree, at, n);
  }

  private static void categories(Map<String, Object> tree, String at, long n) {
    if (!tree.containsKey("categories_nodes")) {
      return;
    }
    long[] nodes = integers(tree.get("categories_nodes"), at + ".categories_nodes");
    long[] segments = integers(tree.get("categories_segments"), at + ".categories_segments");
    long[] sizes = integers(tree.get("categories_sizes"), at + ".categories_sizes");
    int categories = length(tree.get("categories"), at + ".categories");
    if (segments.length != nodes.length || sizes.length != nodes.length) {
      throw new Inconsistent(at + " categorical arrays differ in length");
    }
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] < 0
          || nodes[i] >= n
          || segments[i] < 0
          || sizes[i] < 0
          || segments[i] + sizes[i] > categories) {
        throw new Inconsistent(at + " categorical split " + i + " points outside its arrays");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String at) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new Inconsistent(at + " is not an object");
  }

  /** XGBoost writes counts as strings ("30") and sometimes as numbers. */
  private static long number(Object value, String at) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new Inconsistent(at + " is '" + s + "', not an integer");
      }
    }
    throw new Inconsistent(at + " is missing or not an integer");
  }

  private static long optionalNumber(Object value) {
    return value == null ? 0 : number(value, "a model parameter");
  }

  private static int length(Object array, String at) {
    return switch (array) {
      case long[] a -> a.length;
      case double[] a -> a.length;
      case List<?> a -> a.size();
      case null -> throw new Inconsistent(at + " is missing");
      default -> throw new Inconsistent(at + " is not an array");
    };
  }

  private static long[] integers(Object array, String at) {
    if (array instanceof long[] a) {
      return a;
    }
    if (array instanceof List<?> list) {
      long[] out = new long[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Long l)) {
          throw new Inconsistent(at + "[" + i + "] is not an integer");
        }
        out[i] = l;
      }
      return out;
    }
    throw new Inconsistent(at + " is missing or not an array of integers");
  }

  /** A consistency rule the model breaks; the message is the failure reason's detail. */
  private static final class Inconsistent extends RuntimeException {
    Inconsistent(String message) {
      super(message, null, false, false);
    }
  }
}

package io.canopy.lightgbm;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads LightGBM's text model format (what {@code booster.save_model()} writes) with bounds of its
 * own and no native code, so an untrusted file can be checked in any process: every count is
 * checked against the values actually present (nothing is allocated from a declared size alone),
 * every feature index against the model's features, every child index against its tree, and every
 * tree must be a tree (each node and leaf reached from the root exactly once). A file that ends
 * before {@code end of trees} is refused as truncated.
 */
public final class LightGbmText {

  /** LightGBM's own limit on leaves per tree. */
  public static final int MAX_LEAVES = 131_072;

  public static final int MAX_FEATURES = 1 << 20;
  public static final int MAX_CLASSES = 10_000;
  public static final int MAX_TREES = 1 << 20;

  /** Decimal text only (Double.parseDouble would also take hex floats and "1d"). */
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  private LightGbmText() {}

  /** Whether {@code head} (the first bytes of a file) looks like a LightGBM text model. */
  public static boolean looksLike(byte[] head, int length) {
    byte[] magic = "tree\n".getBytes(StandardCharsets.US_ASCII);
    byte[] magicCrlf = "tree\r\n".getBytes(StandardCharsets.US_ASCII);
    return startsWith(head, length, magic) || startsWith(head, length, magicCrlf);
  }

  private static boolean startsWith(byte[] head, int length, byte[] prefix) {
    if (length < prefix.length) {
      return false;
    }
    return Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
  }

  public static LightGbmModel parse(byte[] bytes) throws LightGbmFormatException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new LightGbmFormatException("file", "not UTF-8 text");
    }
    String[] lines = text.split("\r?\n", -1);
    // Where each line starts in the bytes: LightGBM's own loader jumps by the header's tree_sizes.
    int[] lineStart = new int[lines.length + 1];
    for (int i = 0, line = 1; i < bytes.length && line < lineStart.length; i++) {
      if (bytes[i] == '\n') {
        lineStart[line++] = i + 1;
      }
    }
    int[] at = {0};
    if (lines.length == 0 || !lines[0].equals("tree")) {
      throw new LightGbmFormatException("file", "does not start with LightGBM's 'tree' line");
    }
    at[0] = 1;
    Map<String, String> header = section(lines, at, "header");
    boolean averageOutput = header.containsKey("average_output");
    String version = required(header, "version", "header");
    if (!version.matches("v[1-9]")) {
      throw new LightGbmFormatException("version", "'" + version + "' is not a known version");
    }
    int numClass = intIn(header, "num_class", 1, MAX_CLASSES, "");
    int perIteration = intIn(header, "num_tree_per_iteration", 1, MAX_CLASSES, "");
    if (perIteration != 1 && perIteration != numClass) {
      throw new LightGbmFormatException(
          "num_tree_per_iteration", perIteration + " for " + numClass + " classes");
    }
    int maxFeature = intIn(header, "max_feature_idx", 0, MAX_FEATURES - 1, "");
    Objective objective = objective(required(header, "objective", "header"));
    List<String> names = Arrays.asList(required(header, "feature_names", "header").split(" "));
    if (names.size() != maxFeature + 1) {
      throw new LightGbmFormatException(
          "feature_names", names.size() + " names for max_feature_idx " + maxFeature);
    }
    List<Tree> trees = new ArrayList<>();
    List<Integer> treeLines = new ArrayList<>();
    while (true) {
      skipBlank(lines, at);
      if (at[0] >= lines.length) {
        throw new LightGbmFormatException("file", "truncated: no 'end of trees' line");
      }
      String line = lines[at[0]];
      if (line.equals("end of trees")) {
        break;
      }
      String expected = "Tree=" + trees.size();
      if (!line.equals(expected)) {
        throw new LightGbmFormatException(
            expected, "expected here, found '" + abbreviate(line) + "'");
      }
      if (trees.size() == MAX_TREES) {
        throw new LightGbmFormatException("trees", "more than " + MAX_TREES);
      }
      treeLines.add(at[0]);
      at[0]++;
      trees.add(tree(section(lines, at, expected), expected, maxFeature));
    }
    treeLines.add(at[0]); // the "end of trees" line
    checkTreeSizes(header.get("tree_sizes"), treeLines, lineStart);
    if (trees.size() % perIteration != 0) {
      throw new LightGbmFormatException(
          "trees", trees.size() + " trees is not a whole number of iterations of " + perIteration);
    }
    return new LightGbmModel(
        version, numClass, perIteration, objective, names, averageOutput, trees);
  }

  /**
   * LightGBM's loader finds each tree by the header's {@code tree_sizes} (bytes from a tree's
   * {@code Tree=} line to the next one's, or to {@code end of trees}): they must be what the file
   * holds, or LightGBM would read across trees.
   */
  private static void checkTreeSizes(String sizes, List<Integer> treeLines, int[] lineStart)
      throws LightGbmFormatException {
    if (sizes == null) {
      return; // LightGBM then reads the trees one after another, as this reader does
    }
    String[] words = sizes.isEmpty() ? new String[0] : sizes.split(" ", -1);
    int trees = treeLines.size() - 1;
    if (words.length != trees) {
      throw new LightGbmFormatException(
          "tree_sizes", words.length + " sizes for " + trees + " trees");
    }
    for (int t = 0; t < trees; t++) {
      long actual = (long) lineStart[treeLines.get(t + 1)] - lineStart[treeLines.get(t)];
      long declared;
      try {
        declared = Long.parseLong(words[t]);
      } catch (NumberFormatException e) {
        throw new LightGbmFormatException(
            "tree_sizes", "'" + abbreviate(words[t]) + "' is not a size");
      }
      if (declared != actual) {
        throw new LightGbmFormatException(
            "tree_sizes", "Tree=" + t + " is " + actual + " bytes, the header says " + declared);
      }
    }
  }

  /** key=value lines (and bare words) up to a blank line, "Tree=", or "end of trees". */
  private static Map<String, String> section(String[] lines, int[] at, String where)
      throws LightGbmFormatException {
    Map<String, String> values = new HashMap<>();
    while (at[0] < lines.length) {
      String line = lines[at[0]];
      if (line.isEmpty() || line.startsWith("Tree=") || line.equals("end of trees")) {
        break;
      }
      at[0]++;
      int eq = line.indexOf('=');
      String key = eq < 0 ? line : line.substring(0, eq);
      if (values.put(key, eq < 0 ? "" : line.substring(eq + 1)) != null) {
        throw new LightGbmFormatException(where + " " + abbreviate(key), "appears twice");
      }
    }
    return values;
  }

  private static void skipBlank(String[] lines, int[] at) {
    while (at[0] < lines.length && lines[at[0]].isEmpty()) {
      at[0]++;
    }
  }

  private static Tree tree(Map<String, String> s, String where, int maxFeature)
      throws LightGbmFormatException {
    int numLeaves = intIn(s, "num_leaves", 1, MAX_LEAVES, where + " ");
    int numCat = intIn(s, "num_cat", 0, MAX_LEAVES, where + " ");
    double[] leafValue = doubles(s, "leaf_value", numLeaves, where);
    for (double v : leafValue) {
      if (!Double.isFinite(v)) {
        throw new LightGbmFormatException(where + " leaf_value", "not finite: " + v);
      }
    }
    LinearLeaves linear =
        s.containsKey("is_linear") && !s.get("is_linear").equals("0")
            ? linearLeaves(s, numLeaves, maxFeature, where)
            : null;
    double shrinkage =
        s.containsKey("shrinkage") ? number(s.get("shrinkage"), where + " shrinkage") : 1.0;
    int nodes = numLeaves - 1;
    if (nodes == 0) {
      return new Tree(
          1,
          new int[0],
          new double[0],
          new int[0],
          new int[0],
          new int[0],
          leafValue,
          new int[] {0},
          new int[0],
          linear,
          shrinkage);
    }
    int[] splitFeature = ints(s, "split_feature", nodes, where);
    double[] threshold = doubles(s, "threshold", nodes, where);
    int[] decisionType = ints(s, "decision_type", nodes, where);
    int[] left = ints(s, "left_child", nodes, where);
    int[] right = ints(s, "right_child", nodes, where);
    int[] catBoundaries =
        numCat == 0 ? new int[] {0} : ints(s, "cat_boundaries", numCat + 1, where);
    int[] catThreshold =
        numCat == 0 ? new int[0] : words(s, "cat_threshold", catBoundaries[numCat], where);
    if (catBoundaries[0] != 0) {
      throw new LightGbmFormatException(where + " cat_boundaries", "must start at 0");
    }
    for (int i = 1; i < catBoundaries.length; i++) {
      if (catBoundaries[i] < catBoundaries[i - 1]) {
        throw new LightGbmFormatException(where + " cat_boundaries", "must not decrease");
      }
    }
    for (int n = 0; n < nodes; n++) {
      if (splitFeature[n] < 0 || splitFeature[n] > maxFeature) {
        throw new LightGbmFormatException(
            where + " split_feature",
            "node " + n + " splits on feature " + splitFeature[n] + " of 0.." + maxFeature);
      }
      int type = decisionType[n];
      if (type < 0 || type > 15 || ((type >> 2) & 3) == 3) {
        throw new LightGbmFormatException(
            where + " decision_type", "node " + n + " has decision type " + type);
      }
      if ((type & 1) != 0) {
        double set = threshold[n];
        if (set != Math.rint(set) || set < 0 || set >= numCat) {
          throw new LightGbmFormatException(
              where + " threshold",
              "categorical node " + n + " names category set " + set + " of " + numCat);
        }
      } else if (Double.isNaN(threshold[n])) {
        throw new LightGbmFormatException(where + " threshold", "node " + n + " is NaN");
      }
    }
    checkShape(left, right, numLeaves, where);
    return new Tree(
        numLeaves,
        splitFeature,
        threshold,
        decisionType,
        left,
        right,
        leafValue,
        catBoundaries,
        catThreshold,
        linear,
        shrinkage);
  }

  /**
   * A linear tree's leaf models, checked so that LightGBM's library never indexes past the row:
   * every feature within {@code max_feature_idx}, one finite coefficient per feature.
   */
  private static LinearLeaves linearLeaves(
      Map<String, String> s, int numLeaves, int maxFeature, String where)
      throws LightGbmFormatException {
    double[] constant = doubles(s, "leaf_const", numLeaves, where);
    int[] counts = ints(s, "num_features", numLeaves, where);
    long total = 0;
    for (int count : counts) {
      if (count < 0 || count > maxFeature + 1) {
        throw new LightGbmFormatException(
            where + " num_features", count + " is outside 0.." + (maxFeature + 1));
      }
      total += count;
    }
    String[] featureWords = spaced(s, "leaf_features", total, where);
    String[] coeffWords = spaced(s, "leaf_coeff", total, where);
    int[][] features = new int[numLeaves][];
    double[][] coeff = new double[numLeaves][];
    for (int leaf = 0, at = 0; leaf < numLeaves; leaf++) {
      if (!Double.isFinite(constant[leaf])) {
        throw new LightGbmFormatException(where + " leaf_const", "not finite: " + constant[leaf]);
      }
      features[leaf] = new int[counts[leaf]];
      coeff[leaf] = new double[counts[leaf]];
      for (int j = 0; j < counts[leaf]; j++, at++) {
        int f = integer(featureWords[at], where + " leaf_features");
        if (f < 0 || f > maxFeature) {
          throw new LightGbmFormatException(
              where + " leaf_features",
              "leaf " + leaf + " uses feature " + f + " of 0.." + maxFeature);
        }
        double c = number(coeffWords[at], where + " leaf_coeff");
        if (!Double.isFinite(c)) {
          throw new LightGbmFormatException(where + " leaf_coeff", "not finite: " + c);
        }
        features[leaf][j] = f;
        coeff[leaf][j] = c;
      }
    }
    return new LinearLeaves(constant, features, coeff);
  }

  /**
   * {@code count} words separated by runs of spaces (how LightGBM writes a linear tree's lists).
   */
  private static String[] spaced(Map<String, String> s, String key, long count, String where)
      throws LightGbmFormatException {
    String v = s.get(key);
    if (v == null) {
      throw new LightGbmFormatException(where + " " + key, "missing");
    }
    String trimmed = v.strip();
    String[] words = trimmed.isEmpty() ? new String[0] : trimmed.split(" +");
    if (words.length != count) {
      throw new LightGbmFormatException(
          where + " " + key, words.length + " values where " + count + " are needed");
    }
    return words;
  }

  /** Every internal node and leaf is reached from the root exactly once. */
  private static void checkShape(int[] left, int[] right, int numLeaves, String where)
      throws LightGbmFormatException {
    int nodes = numLeaves - 1;
    boolean[] nodeSeen = new boolean[nodes];
    boolean[] leafSeen = new boolean[numLeaves];
    int[] stack = new int[nodes];
    int top = 0;
    stack[top++] = 0;
    nodeSeen[0] = true;
    while (top > 0) {
      int n = stack[--top];
      for (int child : new int[] {left[n], right[n]}) {
        if (child >= 0) {
          if (child >= nodes || nodeSeen[child]) {
            throw new LightGbmFormatException(
                where + " left_child/right_child",
                "node "
                    + n
                    + " points at node "
                    + child
                    + (child >= nodes ? ", past the last" : ", reached twice"));
          }
          nodeSeen[child] = true;
          stack[top++] = child;
        } else {
          int leaf = ~child;
          if (leaf >= numLeaves || leafSeen[leaf]) {
            throw new LightGbmFormatException(
                where + " left_child/right_child",
                "node "
                    + n
                    + " points at leaf "
                    + leaf
                    + (leaf >= numLeaves ? ", past the last" : ", reached twice"));
          }
          leafSeen[leaf] = true;
        }
      }
    }
    for (int i = 0; i < nodes; i++) {
      if (!nodeSeen[i]) {
        throw new LightGbmFormatException(
            where + " left_child/right_child", "node " + i + " is never reached");
      }
    }
    for (int i = 0; i < numLeaves; i++) {
      if (!leafSeen[i]) {
        throw new LightGbmFormatException(
            where + " left_child/right_child", "leaf " + i + " is never reached");
      }
    }
  }

  static Objective objective(String line) throws LightGbmFormatException {
    String[] words = line.trim().split(" +");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new LightGbmFormatException("objective", "empty");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int colon = words[i].indexOf(':');
      parameters.put(
          colon < 0 ? words[i] : words[i].substring(0, colon),
          colon < 0 ? "" : words[i].substring(colon + 1));
    }
    Objective objective = new Objective(words[0], parameters);
    String sigmoid = parameters.get("sigmoid");
    if (sigmoid != null) {
      double v = number(sigmoid, "objective sigmoid");
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new LightGbmFormatException("objective", "sigmoid " + sigmoid + " must be > 0");
      }
    }
    return objective;
  }

  private static String required(Map<String, String> s, String key, String where)
      throws LightGbmFormatException {
    String v = s.get(key);
    if (v == null) {
      throw new LightGbmFormatException(
          where.equals("header") ? key : where + " " + key, "missing");
    }
    return v;
  }

  private static int intIn(Map<String, String> s, String key, int min, int max, String prefix)
      throws LightGbmFormatException {
    String where = prefix + key;
    String v = s.get(key);
    if (v == null) {
      throw new LightGbmFormatException(where, "missing");
    }
    int n = integer(v, where);
    if (n < min || n > max) {
      throw new LightGbmFormatException(where, n + " is outside " + min + ".." + max);
    }
    return n;
  }

  private static String[] tokens(Map<String, String> s, String key, int count, String where)
      throws LightGbmFormatException {
    String v = s.get(key);
    if (v == null) {
      throw new LightGbmFormatException(where + " " + key, "missing");
    }
    String[] words = v.isEmpty() ? new String[0] : v.split(" ", -1);
    if (words.length != count) {
      throw new LightGbmFormatException(
          where + " " + key, words.length + " values where " + count + " are needed");
    }
    return words;
  }

  private static int[] ints(Map<String, String> s, String key, int count, String where)
      throws LightGbmFormatException {
    String[] words = tokens(s, key, count, where);
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      values[i] = integer(words[i], where + " " + key);
    }
    return values;
  }

  /** Unsigned 32-bit words (a category bitset), kept as their bits in an int. */
  private static int[] words(Map<String, String> s, String key, int count, String where)
      throws LightGbmFormatException {
    String[] words = tokens(s, key, count, where);
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      try {
        values[i] = Integer.parseUnsignedInt(words[i]);
      } catch (NumberFormatException e) {
        throw new LightGbmFormatException(
            where + " " + key, "'" + abbreviate(words[i]) + "' is not a 32-bit word");
      }
    }
    return values;
  }

  private static double[] doubles(Map<String, String> s, String key, int count, String where)
      throws LightGbmFormatException {
    String[] words = tokens(s, key, count, where);
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = number(words[i], where + " " + key);
    }
    return values;
  }

  private static int integer(String word, String where) throws LightGbmFormatException {
    try {
      return Integer.parseInt(word);
    } catch (NumberFormatException e) {
      throw new LightGbmFormatException(where, "'" + abbreviate(word) + "' is not an integer");
    }
  }

  /** A number as LightGBM prints it (%.17g, and inf / -inf / nan). */
  private static double number(String word, String where) throws LightGbmFormatException {
    switch (word) {
      case "inf", "+inf", "Infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-Infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan", "NaN" -> {
        return Double.NaN;
      }
      default -> {
        if (word.length() > 64 || !DECIMAL.matcher(word).matches()) {
          throw new LightGbmFormatException(where, "'" + abbreviate(word) + "' is not a number");
        }
        try {
          return Double.parseDouble(word);
        } catch (NumberFormatException e) {
          throw new LightGbmFormatException(where, "'" + abbreviate(word) + "' is not a number");
        }
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}

package io.canopy.lightgbm;

import java.util.List;

/**
 * A LightGBM model as its text file states it (see {@link LightGbmText}).
 *
 * @param version the format's version line ({@code v4})
 * @param numClass {@code num_class}
 * @param treesPerIteration {@code num_tree_per_iteration}: one per class for multi-class models
 * @param featureNames one per feature, {@code max_feature_idx + 1} of them
 * @param averageOutput whether the trees' outputs are averaged (random forest), not summed
 * @param trees in file order: iteration by iteration, {@code treesPerIteration} per iteration
 */
public record LightGbmModel(
    String version,
    int numClass,
    int treesPerIteration,
    Objective objective,
    List<String> featureNames,
    boolean averageOutput,
    List<Tree> trees) {

  public LightGbmModel {
    featureNames = List.copyOf(featureNames);
    trees = List.copyOf(trees);
  }

  public int numFeatures() {
    return featureNames.size();
  }

  /** Whether any tree has linear leaves (their output is not the leaf values alone). */
  public boolean linear() {
    return trees.stream().anyMatch(Tree::linear);
  }

  /**
   * The raw scores of one row, one per tree of an iteration, summed in LightGBM's order (tree by
   * tree, in double): what LightGBM's {@code C_API_PREDICT_RAW_SCORE} answers. An averaged model
   * ({@link #averageOutput}) divides them by the iterations before its objective's transform, as
   * LightGBM's normal prediction does.
   */
  public double[] rawScores(double[] row) {
    if (row.length != numFeatures()) {
      throw new IllegalArgumentException(
          "the row has " + row.length + " values; the model has " + numFeatures() + " features");
    }
    double[] scores = new double[treesPerIteration];
    for (int t = 0; t < trees.size(); t++) {
      scores[t % treesPerIteration] += trees.get(t).output(row);
    }
    return scores;
  }

  /** The outputs of one row, as LightGBM's normal prediction gives them ({@link Outputs}). */
  public double[] predict(double[] row) {
    double[] scores = rawScores(row);
    Outputs.apply(this, scores);
    return scores;
  }
}

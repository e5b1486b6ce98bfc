package io.canopy.lightgbm;

/**
 * The leaves of a linear tree ({@code linear_tree}): leaf {@code i} answers {@code constant[i] + Σ
 * coeff[i][j] · x[features[i][j]]}, summed in that order in double — or its plain leaf value when
 * one of those inputs is NaN, as LightGBM does. Inputs of at most {@link Tree#ZERO_THRESHOLD} in
 * size read as 0, as everywhere in LightGBM's predictor.
 *
 * @param constant per leaf, {@code leaf_const}
 * @param features per leaf, the features of its linear model ({@code leaf_features}, counted by
 *     {@code num_features})
 * @param coeff per leaf, one coefficient per feature ({@code leaf_coeff})
 */
public record LinearLeaves(double[] constant, int[][] features, double[][] coeff) {

  /** Leaf {@code leaf}'s answer for {@code row}, or {@code leafValue} when an input is NaN. */
  public double output(int leaf, double[] row, double leafValue) {
    double out = constant[leaf];
    int[] f = features[leaf];
    double[] c = coeff[leaf];
    for (int j = 0; j < f.length; j++) {
      double x = row[f[j]];
      if (Double.isNaN(x)) {
        return leafValue;
      }
      out += c[j] * (Math.abs(x) <= Tree.ZERO_THRESHOLD ? 0.0 : x);
    }
    return out;
  }
}

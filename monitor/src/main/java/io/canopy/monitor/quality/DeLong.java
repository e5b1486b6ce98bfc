package io.canopy.monitor.quality;

import java.util.Arrays;

/**
 * The area under the ROC curve and its variance by DeLong's method, computed with midranks in O(n
 * log n) (Sun and Xu, "Fast implementation of DeLong's algorithm", 2014). Ties between a positive
 * and a negative count one half, as in scikit-learn's {@code roc_auc_score}.
 */
public final class DeLong {

  /** The two-sided 95% normal quantile. */
  static final double Z95 = 1.959963984540054;

  private DeLong() {}

  /**
   * @param auc NaN without both classes
   * @param variance DeLong's variance of the AUC; NaN with fewer than two rows of either class
   */
  public record Result(double auc, double variance) {
    public double lower() {
      return Double.isNaN(variance) ? Double.NaN : Math.max(0, auc - Z95 * Math.sqrt(variance));
    }

    public double upper() {
      return Double.isNaN(variance) ? Double.NaN : Math.min(1, auc + Z95 * Math.sqrt(variance));
    }
  }

  /**
   * The AUC and DeLong's structural components: {@code v10[i]} for the i-th positive row (in row
   * order) is the share of negatives it outranks, {@code v01[j]} for the j-th negative the share of
   * positives that outrank it (ties count one half).
   */
  record Placements(double auc, double[] v10, double[] v01) {}

  /** {@code scores[i]} is row i's score, {@code positive[i]} whether its label is 1. */
  public static Result of(double[] scores, boolean[] positive) {
    Placements p = placements(scores, positive);
    if (p == null) {
      return new Result(Double.NaN, Double.NaN);
    }
    int m = p.v10().length;
    int n = p.v01().length;
    if (m < 2 || n < 2) {
      return new Result(p.auc(), Double.NaN);
    }
    return new Result(
        p.auc(),
        Samples.covariance(p.v10(), p.v10()) / m + Samples.covariance(p.v01(), p.v01()) / n);
  }

  /**
   * Two models' AUCs on the same rows, and the variance of their difference (AUC(b) - AUC(a)).
   *
   * @param variance NaN without two rows of each class
   */
  public record Paired(double aucA, double aucB, double variance) {}

  /**
   * Both AUCs of two models scored on the same rows and the variance of AUC(b) - AUC(a) (DeLong,
   * DeLong and Clarke-Pearson 1988: the two AUCs' variances less twice their covariance).
   */
  public static Paired difference(double[] a, double[] b, boolean[] positive) {
    Placements pa = placements(a, positive);
    Placements pb = placements(b, positive);
    if (pa == null) {
      return new Paired(Double.NaN, Double.NaN, Double.NaN);
    }
    int m = pa.v10().length;
    int n = pa.v01().length;
    if (m < 2 || n < 2) {
      return new Paired(pa.auc(), pb.auc(), Double.NaN);
    }
    double var10 =
        Samples.covariance(pa.v10(), pa.v10())
            + Samples.covariance(pb.v10(), pb.v10())
            - 2 * Samples.covariance(pa.v10(), pb.v10());
    double var01 =
        Samples.covariance(pa.v01(), pa.v01())
            + Samples.covariance(pb.v01(), pb.v01())
            - 2 * Samples.covariance(pa.v01(), pb.v01());
    return new Paired(pa.auc(), pb.auc(), Math.max(0, var10 / m + var01 / n));
  }

  /** Null without both classes. */
  static Placements placements(double[] scores, boolean[] positive) {
    int m = 0;
    for (boolean p : positive) {
      m += p ? 1 : 0;
    }
    int n = scores.length - m;
    if (m == 0 || n == 0) {
      return null;
    }
    double[] x = new double[m];
    double[] y = new double[n];
    for (int i = 0, a = 0, b = 0; i < scores.length; i++) {
      if (positive[i]) {
        x[a++] = scores[i];
      } else {
        y[b++] = scores[i];
      }
    }
    double[] all = new double[m + n];
    System.arraycopy(x, 0, all, 0, m);
    System.arraycopy(y, 0, all, m, n);
    double[] tx = midranks(x);
    double[] ty = midranks(y);
    double[] tz = midranks(all);
    double sumPositiveRanks = 0;
    for (int i = 0; i < m; i++) {
      sumPositiveRanks += tz[i];
    }
    // Mann-Whitney U over m * n: exact for the half-integer rank sums ties give.
    double auc = (sumPositiveRanks - m * (m + 1.0) / 2.0) / ((double) m * n);
    double[] v10 = new double[m];
    for (int i = 0; i < m; i++) {
      v10[i] = (tz[i] - tx[i]) / n;
    }
    double[] v01 = new double[n];
    for (int j = 0; j < n; j++) {
      v01[j] = 1.0 - (tz[m + j] - ty[j]) / m;
    }
    return new Placements(auc, v10, v01);
  }

  /** 1-based ranks, ties given the mean of the ranks they span. */
  static double[] midranks(double[] values) {
    int size = values.length;
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] ranks = new double[size];
    int i = 0;
    while (i < size) {
      int j = i;
      while (j < size && values[order[j]] == values[order[i]]) {
        j++;
      }
      double rank = 0.5 * (i + j - 1) + 1;
      for (int k = i; k < j; k++) {
        ranks[order[k]] = rank;
      }
      i = j;
    }
    return ranks;
  }
}

package io.canopy.monitor.drift;

import java.util.Arrays;

/**
 * The population stability index over a baseline's decile bins. Edges are the baseline values at
 * ranks ⌊k·n/10⌋ (k = 1..9) of its sorted non-missing values, duplicates removed; a value falls in
 * the bin numbered by how many edges are at or below it. Shares are floored at {@link #FLOOR} so an
 * empty bin does not make the index infinite.
 */
public final class Psi {

  /** The smallest share a bin counts with. */
  public static final double FLOOR = 1e-4;

  private static final int BINS = 10;

  private Psi() {}

  /** The bin edges of {@code sorted} (ascending, non-missing); empty for no values. */
  public static double[] edges(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return new double[0];
    }
    double[] edges = new double[BINS - 1];
    int count = 0;
    for (int k = 1; k < BINS; k++) {
      double e = sorted[(int) ((long) k * n / BINS)];
      if (count == 0 || e != edges[count - 1]) {
        edges[count++] = e;
      }
    }
    return Arrays.copyOf(edges, count);
  }

  /** The bin of {@code value}: how many edges are at or below it (0 to edges.length). */
  public static int bin(double[] edges, double value) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** PSI of live counts against baseline counts over the same bins; NaN when either is empty. */
  public static double index(long[] baseline, long[] live) {
    long b = 0;
    long l = 0;
    for (int i = 0; i < baseline.length; i++) {
      b += baseline[i];
      l += live[i];
    }
    if (b == 0 || l == 0) {
      return Double.NaN;
    }
    double psi = 0;
    for (int i = 0; i < baseline.length; i++) {
      double pb = Math.max((double) baseline[i] / b, FLOOR);
      double pl = Math.max((double) live[i] / l, FLOOR);
      psi += (pl - pb) * Math.log(pl / pb);
    }
    return psi;
  }
}

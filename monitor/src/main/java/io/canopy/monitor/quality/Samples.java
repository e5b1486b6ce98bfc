package io.canopy.monitor.quality;

/** Sample moments, the one place their formulas live (n - 1 in the variance's denominator). */
final class Samples {

  private Samples() {}

  static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  static double variance(double[] v) {
    return covariance(v, v);
  }

  static double covariance(double[] a, double[] b) {
    double ma = mean(a);
    double mb = mean(b);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - ma) * (b[i] - mb);
    }
    return sum / (a.length - 1);
  }
}

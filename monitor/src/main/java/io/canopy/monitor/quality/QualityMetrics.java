package io.canopy.monitor.quality;

import io.canopy.proto.monitor.v1.BinaryQuality;
import io.canopy.proto.monitor.v1.CalibrationBin;
import io.canopy.proto.monitor.v1.MulticlassQuality;
import io.canopy.proto.monitor.v1.RegressionQuality;

/**
 * The quality metrics of each task over predictions joined to their outcomes. Every figure is the
 * textbook definition (the ones scikit-learn computes), so the tests compare them with Python's.
 */
public final class QualityMetrics {

  /** Probabilities are clipped to [EPS, 1 - EPS] for the log loss. */
  public static final double EPS = 1e-15;

  private static final int CALIBRATION_BINS = 10;

  private QualityMetrics() {}

  /**
   * @param p P(class 1) per row
   * @param positive the label per row
   * @param threshold p at or above it predicts class 1
   */
  public static BinaryQuality binary(double[] p, boolean[] positive, double threshold) {
    int rows = p.length;
    double logLoss = 0;
    double brier = 0;
    int correct = 0;
    int positives = 0;
    long[] binCount = new long[CALIBRATION_BINS];
    double[] binPredicted = new double[CALIBRATION_BINS];
    long[] binPositives = new long[CALIBRATION_BINS];
    for (int i = 0; i < rows; i++) {
      double y = positive[i] ? 1 : 0;
      double clipped = Math.min(1 - EPS, Math.max(EPS, p[i]));
      logLoss -= positive[i] ? Math.log(clipped) : Math.log(1 - clipped);
      brier += (p[i] - y) * (p[i] - y);
      correct += (p[i] >= threshold) == positive[i] ? 1 : 0;
      positives += positive[i] ? 1 : 0;
      int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) (p[i] * CALIBRATION_BINS)));
      binCount[bin]++;
      binPredicted[bin] += p[i];
      binPositives[bin] += positive[i] ? 1 : 0;
    }
    DeLong.Result auc = DeLong.of(p, positive);
    BinaryQuality.Builder quality =
        BinaryQuality.newBuilder()
            .setAuc(auc.auc())
            .setAucLower(auc.lower())
            .setAucUpper(auc.upper())
            .setLogLoss(logLoss / rows)
            .setBrier(brier / rows)
            .setAccuracy((double) correct / rows)
            .setThreshold(threshold)
            .setPositives(positives)
            .setNegatives(rows - positives);
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      quality.addCalibration(
          CalibrationBin.newBuilder()
              .setLower((double) b / CALIBRATION_BINS)
              .setUpper((double) (b + 1) / CALIBRATION_BINS)
              .setCount(binCount[b])
              .setMeanPredicted(binCount[b] == 0 ? Double.NaN : binPredicted[b] / binCount[b])
              .setObservedRate(
                  binCount[b] == 0 ? Double.NaN : (double) binPositives[b] / binCount[b]));
    }
    return quality.build();
  }

  /**
   * @param outputs per row, one probability per class (multi:softprob), or the class itself as one
   *     value (multi:softmax, which has no log loss: NaN)
   * @param labels the true class per row
   */
  public static MulticlassQuality multiclass(float[][] outputs, int[] labels, int classes) {
    int rows = labels.length;
    int correct = 0;
    double logLoss = 0;
    boolean probabilities = true;
    for (int i = 0; i < rows; i++) {
      float[] row = outputs[i];
      correct += predictedClass(row) == labels[i] ? 1 : 0;
      if (row.length == 1) {
        probabilities = false;
        continue;
      }
      double p = labels[i] < row.length ? row[labels[i]] : 0;
      logLoss -= Math.log(Math.min(1, Math.max(EPS, p)));
    }
    return MulticlassQuality.newBuilder()
        .setAccuracy((double) correct / rows)
        .setLogLoss(probabilities ? logLoss / rows : Double.NaN)
        .setClasses(classes)
        .build();
  }

  /**
   * The class a multi-class row predicts: the class itself when the output is one value
   * (multi:softmax), else the most probable class (the first of equals).
   */
  static int predictedClass(float[] outputs) {
    if (outputs.length == 1) {
      return Math.round(outputs[0]);
    }
    int best = 0;
    for (int c = 1; c < outputs.length; c++) {
      if (outputs[c] > outputs[best]) {
        best = c;
      }
    }
    return best;
  }

  public static RegressionQuality regression(double[] predicted, double[] observed) {
    int rows = predicted.length;
    double squared = 0;
    double absolute = 0;
    double bias = 0;
    for (int i = 0; i < rows; i++) {
      double error = predicted[i] - observed[i];
      squared += error * error;
      absolute += Math.abs(error);
      bias += error;
    }
    return RegressionQuality.newBuilder()
        .setRmse(Math.sqrt(squared / rows))
        .setMae(absolute / rows)
        .setMeanBias(bias / rows)
        .build();
  }
}

package io.canopy.monitor.quality;

import io.canopy.monitor.store.Joined;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.QualityReport;
import io.canopy.proto.monitor.v1.RegressionQuality;
import java.util.Arrays;

/**
 * The rows of one group (a version, or one slice of it) as they are read: counts every prediction,
 * keeps what the task's metrics need of those with an outcome, and turns them into a report.
 */
final class Scored {

  private final Task task;
  private final double threshold;
  private long predictions;
  private long withOutcome;
  private int rows;
  private double[] predicted = new double[64];
  private double[] observed = new double[64];
  private float[][] classOutputs = new float[64][];

  Scored(Task task, double threshold) {
    this.task = task;
    this.threshold = threshold;
  }

  Task task() {
    return task;
  }

  /**
   * Whether a joined row counts in {@code task}'s metrics: it has an outcome of the task's kind (a
   * 0 or 1 label for binary models) and the outputs are values (margins, classes, leaves and
   * contributions are not scored).
   */
  static boolean scoreable(Task task, Joined joined) {
    var record = joined.record();
    var outcome = joined.outcome();
    if (outcome == null
        || task == Task.UNSCORED
        || !record.getOutput().equals("value")
        || record.getOutputsCount() == 0
        || task.takesLabels() != outcome.isLabel()) {
      return false;
    }
    return task != Task.BINARY || outcome.label() == 0 || outcome.label() == 1;
  }

  /** A record's outputs as an array. */
  static float[] outputs(PredictionRecord record) {
    float[] outputs = new float[record.getOutputsCount()];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = record.getOutputs(i);
    }
    return outputs;
  }

  void add(Joined joined) {
    predictions++;
    if (joined.outcome() == null) {
      return;
    }
    withOutcome++;
    if (!scoreable(task, joined)) {
      return;
    }
    var record = joined.record();
    var outcome = joined.outcome();
    grow();
    switch (task) {
      case BINARY -> {
        predicted[rows] = record.getOutputs(0);
        observed[rows] = outcome.label();
      }
      case MULTICLASS -> {
        classOutputs[rows] = outputs(record);
        observed[rows] = outcome.label();
      }
      case REGRESSION -> {
        predicted[rows] = record.getOutputs(0);
        observed[rows] = outcome.value();
      }
      case UNSCORED -> throw new IllegalStateException("unscored rows are never kept");
    }
    rows++;
  }

  private void grow() {
    if (rows == predicted.length) {
      predicted = Arrays.copyOf(predicted, rows * 2);
      observed = Arrays.copyOf(observed, rows * 2);
      classOutputs = Arrays.copyOf(classOutputs, rows * 2);
    }
  }

  /** Fills the counts and, when any row was scored, the task's metrics. */
  QualityReport.Builder report(QualityReport.Builder report) {
    report
        .setPredictions(predictions)
        .setSampledRows(predictions)
        .setWithOutcome(withOutcome)
        .setOutcomeShare(predictions == 0 ? 0 : (double) withOutcome / predictions);
    if (rows == 0) {
      return report;
    }
    switch (task) {
      case BINARY -> {
        boolean[] positive = new boolean[rows];
        for (int i = 0; i < rows; i++) {
          positive[i] = observed[i] == 1;
        }
        report.setBinary(
            QualityMetrics.binary(Arrays.copyOf(predicted, rows), positive, threshold));
      }
      case MULTICLASS -> {
        int[] labels = new int[rows];
        int classes = 0;
        for (int i = 0; i < rows; i++) {
          labels[i] = (int) observed[i];
          classes = Math.max(classes, classOutputs[i].length);
        }
        report.setMulticlass(
            QualityMetrics.multiclass(
                Arrays.copyOf(classOutputs, rows), labels, classes > 1 ? classes : 0));
      }
      case REGRESSION -> {
        RegressionQuality regression =
            QualityMetrics.regression(
                Arrays.copyOf(predicted, rows), Arrays.copyOf(observed, rows));
        report.setRegression(regression);
      }
      case UNSCORED -> {}
    }
    return report;
  }
}

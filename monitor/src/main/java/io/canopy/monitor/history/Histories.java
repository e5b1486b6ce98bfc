package io.canopy.monitor.history;

import io.canopy.monitor.drift.DriftReports;
import io.canopy.monitor.quality.QualityReports;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.HistoryPoint;
import io.canopy.proto.monitor.v1.QualityReport;
import io.canopy.proto.monitor.v1.VersionHistory;
import java.time.Duration;
import java.util.List;

/**
 * A version's quality and drift over time: the window cut into equal buckets, each reported like a
 * window of its own (quality over the bucket's predictions, drift of its rows against the version's
 * baseline).
 */
public final class Histories {

  private final QualityReports quality;
  private final DriftReports drift;

  public Histories(QualityReports quality, DriftReports drift) {
    this.quality = quality;
    this.drift = drift;
  }

  public VersionHistory history(
      String model, long version, Duration window, long endMillis, int points) {
    long width = Math.max(1, window.toMillis() / points);
    long start = endMillis - width * points;
    VersionHistory.Builder history = VersionHistory.newBuilder().setVersion(version);
    for (int i = 0; i < points; i++) {
      long from = start + i * width;
      long to = from + width;
      Duration bucket = Duration.ofMillis(width);
      QualityReport q = quality.report(model, version, "", bucket, to, List.of());
      DriftReport d = drift.report(model, version, "", bucket, to);
      HistoryPoint.Builder point =
          HistoryPoint.newBuilder()
              .setStart(Times.timestamp(from))
              .setEnd(Times.timestamp(to))
              .setPredictions(q.getPredictions())
              .setWithOutcome(q.getWithOutcome())
              .setMetric(Double.NaN)
              .setFeaturePsiMax(Double.NaN)
              .setOutputPsi(Double.NaN);
      switch (q.getMetricsCase()) {
        case BINARY -> {
          history.setMetric("auc");
          point.setMetric(q.getBinary().getAuc());
        }
        case MULTICLASS -> {
          history.setMetric("accuracy");
          point.setMetric(q.getMulticlass().getAccuracy());
        }
        case REGRESSION -> {
          history.setMetric("rmse");
          point.setMetric(q.getRegression().getRmse());
        }
        case METRICS_NOT_SET -> {}
      }
      if (d.getNote().isEmpty() && d.getFeaturesCount() > 0) {
        FeatureDrift top = d.getFeatures(0); // highest PSI first
        point.setFeaturePsiMax(top.getPsi()).setTopFeature(top.getFeature());
        point.setOutputPsi(d.getOutput().getPsi());
      }
      history.addPoints(point);
    }
    return history.build();
  }
}

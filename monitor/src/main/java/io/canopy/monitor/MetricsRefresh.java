package io.canopy.monitor;

import io.canopy.monitor.drift.DriftReports;
import io.canopy.monitor.drift.ReferenceSource;
import io.canopy.monitor.metrics.MonitorMetrics;
import io.canopy.monitor.metrics.Series;
import io.canopy.monitor.quality.QualityReports;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.QualityReport;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Recomputes the monitor's figures for every model with predictions in the longest window (at most
 * {@code maxModels}), per version and window, and publishes them as {@code canopy_monitor_*}
 * gauges: predictions, outcome share, unmatched outcomes, the task's quality metrics, the largest
 * feature PSI and the output's PSI. Runs on the monitor's scheduler every metrics interval.
 */
final class MetricsRefresh implements Runnable {

  private static final Logger LOG = Logger.getLogger(MetricsRefresh.class.getName());

  private final MonitorStore store;
  private final MonitorConfig config;
  private final QualityReports quality;
  private final DriftReports drift;
  private final MonitorMetrics metrics;
  private final Clock clock;

  MetricsRefresh(
      MonitorStore store,
      MonitorConfig config,
      ReferenceSource references,
      MonitorMetrics metrics,
      Clock clock) {
    this.store = store;
    this.config = config;
    this.quality =
        new QualityReports(store, config.joinWindow(), config.threshold(), config.maxRows());
    this.drift = new DriftReports(store, config.baselineRows(), config.maxRows(), references);
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      metrics.publish(figures());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "computing the monitor's metrics failed; trying again later", e);
    }
  }

  Map<Series, Double> figures() {
    Map<Series, Double> values = new HashMap<>();
    long end = clock.millis();
    Duration longest = Duration.ZERO;
    for (Duration d : config.windows().values()) {
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    for (String model : store.models(end - longest.toMillis(), end, config.metricsMaxModels())) {
      // Windows go shortest first; a version whose first prediction is inside a shorter window
      // has the same rows in every longer one, so its figures are reused, not read again.
      Map<Long, Computed> shorter = new HashMap<>();
      for (var window : config.windows().entrySet()) {
        long start = end - window.getValue().toMillis();
        for (long version : store.versions(model, start, end)) {
          Computed previous = shorter.get(version);
          Computed figures;
          long unmatched;
          if (previous != null && previous.coversAllRows()) {
            figures = previous;
            unmatched = store.unmatchedOutcomes(model, start, end); // the window's own
          } else {
            QualityReport q =
                quality.report(model, version, window.getKey(), window.getValue(), end, List.of());
            DriftReport d = drift.report(model, version, window.getKey(), window.getValue(), end);
            long earliest = store.earliest(model, version).orElse(end);
            figures = new Computed(q, d, earliest >= start);
            shorter.put(version, figures);
            unmatched = q.getUnmatchedOutcomes();
          }
          put(values, "unmatched_outcomes", model, version, window.getKey(), unmatched);
          publish(values, model, version, window.getKey(), figures);
        }
      }
    }
    return values;
  }

  /**
   * A version's figures over one window; {@code coversAllRows}: the window began before the
   * version's first prediction, so every longer window holds the same rows.
   */
  private record Computed(QualityReport quality, DriftReport drift, boolean coversAllRows) {}

  private static void publish(
      Map<Series, Double> values, String model, long version, String window, Computed figures) {
    QualityReport q = figures.quality();
    put(values, "predictions", model, version, window, q.getPredictions());
    put(values, "outcome_share", model, version, window, q.getOutcomeShare());
    switch (q.getMetricsCase()) {
      case BINARY -> {
        put(values, "auc", model, version, window, q.getBinary().getAuc());
        put(values, "log_loss", model, version, window, q.getBinary().getLogLoss());
        put(values, "brier", model, version, window, q.getBinary().getBrier());
        put(values, "accuracy", model, version, window, q.getBinary().getAccuracy());
      }
      case MULTICLASS -> {
        put(values, "accuracy", model, version, window, q.getMulticlass().getAccuracy());
        put(values, "log_loss", model, version, window, q.getMulticlass().getLogLoss());
      }
      case REGRESSION -> {
        put(values, "rmse", model, version, window, q.getRegression().getRmse());
        put(values, "mae", model, version, window, q.getRegression().getMae());
        put(values, "mean_bias", model, version, window, q.getRegression().getMeanBias());
      }
      case METRICS_NOT_SET -> {}
    }
    DriftReport d = figures.drift();
    if (d.getNote().isEmpty()) {
      double max = 0;
      for (FeatureDrift f : d.getFeaturesList()) {
        max = Double.isNaN(f.getPsi()) ? max : Math.max(max, f.getPsi());
      }
      put(values, "feature_psi_max", model, version, window, max);
      put(values, "output_psi", model, version, window, d.getOutput().getPsi());
    }
  }

  private static void put(
      Map<Series, Double> values,
      String name,
      String model,
      long version,
      String window,
      double v) {
    values.put(new Series(name, model, version, window), v);
  }
}

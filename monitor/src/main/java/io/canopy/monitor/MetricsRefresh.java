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
    this.quality = new QualityReports(store, config.joinWindow(), config.threshold());
    this.drift = new DriftReports(store, config.baselineRows(), references);
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
      for (var window : config.windows().entrySet()) {
        long start = end - window.getValue().toMillis();
        for (long version : store.versions(model, start, end)) {
          QualityReport q =
              quality.report(model, version, window.getKey(), window.getValue(), end, List.of());
          put(values, "predictions", q, q.getPredictions());
          put(values, "outcome_share", q, q.getOutcomeShare());
          put(values, "unmatched_outcomes", q, q.getUnmatchedOutcomes());
          switch (q.getMetricsCase()) {
            case BINARY -> {
              put(values, "auc", q, q.getBinary().getAuc());
              put(values, "log_loss", q, q.getBinary().getLogLoss());
              put(values, "brier", q, q.getBinary().getBrier());
              put(values, "accuracy", q, q.getBinary().getAccuracy());
            }
            case MULTICLASS -> {
              put(values, "accuracy", q, q.getMulticlass().getAccuracy());
              put(values, "log_loss", q, q.getMulticlass().getLogLoss());
            }
            case REGRESSION -> {
              put(values, "rmse", q, q.getRegression().getRmse());
              put(values, "mae", q, q.getRegression().getMae());
              put(values, "mean_bias", q, q.getRegression().getMeanBias());
            }
            case METRICS_NOT_SET -> {}
          }
          DriftReport d = drift.report(model, version, window.getKey(), window.getValue(), end);
          if (d.getNote().isEmpty()) {
            double max = 0;
            for (FeatureDrift f : d.getFeaturesList()) {
              max = Double.isNaN(f.getPsi()) ? max : Math.max(max, f.getPsi());
            }
            put(values, "feature_psi_max", q, max);
            put(values, "output_psi", q, d.getOutput().getPsi());
          }
        }
      }
    }
    return values;
  }

  private static void put(Map<Series, Double> values, String name, QualityReport q, double v) {
    values.put(new Series(name, q.getModel(), q.getVersion(), q.getWindow()), v);
  }
}

package io.canopy.monitor.metrics;

import java.util.Map;

/** Where the monitor publishes its latest figures; {@link #NOOP} for tests that do not look. */
public interface MonitorMetrics {

  MonitorMetrics NOOP = values -> {};

  /** Replaces every published series with {@code values} (series not in it are removed). */
  void publish(Map<Series, Double> values);
}

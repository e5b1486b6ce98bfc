package io.canopy.monitor.metrics;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MonitorMetrics} as Helidon gauges, served at the monitor's {@code /observe/metrics}: each
 * series reads the latest published value; series that are no longer published are removed.
 */
public final class HelidonMonitorMetrics implements MonitorMetrics {

  private static final Tag SERVICE = Tag.create("service", "monitor");

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Series, Double> values = new ConcurrentHashMap<>();
  private final Map<Series, Gauge> gauges = new ConcurrentHashMap<>();

  public HelidonMonitorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public synchronized void publish(Map<Series, Double> latest) {
    values.putAll(latest);
    Set<Series> gone = new HashSet<>(gauges.keySet());
    gone.removeAll(latest.keySet());
    for (Series s : gone) {
      registry.remove(gauges.remove(s));
      values.remove(s);
    }
    for (Series s : latest.keySet()) {
      gauges.computeIfAbsent(
          s,
          key ->
              registry.getOrCreate(
                  Gauge.builder(
                          "canopy_monitor_" + key.name(),
                          () -> values.getOrDefault(key, Double.NaN))
                      .description("The monitor's latest " + key.name() + " per version and window")
                      .tags(
                          List.of(
                              SERVICE,
                              Tag.create("model", key.model()),
                              Tag.create("version", Long.toString(key.version())),
                              Tag.create("window", key.window())))));
    }
  }
}

package io.canopy.monitor.metrics;

/**
 * One gauge series: {@code canopy_monitor_<name>{model, version, window}}.
 *
 * @param name the metric's suffix, e.g. "auc"
 */
public record Series(String name, String model, long version, String window) {}

package io.canopy.gateway.outcomes;

import io.canopy.common.config.ConfigLoader;
import io.canopy.monitor.log.RecordLogSettings;
import io.helidon.config.Config;

/**
 * {@code gateway.outcomes}: where outcomes are written and how many one call may carry.
 *
 * @param enabled false: RecordOutcomes answers UNIMPLEMENTED-like FAILED_PRECONDITION
 * @param log where outcomes are written: the record store the monitor reads, or Kafka
 * @param maxItems most outcomes per call; more: RESOURCE_EXHAUSTED
 */
public record OutcomeSettings(boolean enabled, RecordLogSettings log, int maxItems) {

  public OutcomeSettings {
    if (maxItems < 1) {
      throw new IllegalArgumentException(
          "gateway.outcomes.max-items: " + maxItems + " must be positive");
    }
  }

  public static OutcomeSettings create(Config node) {
    boolean enabled = node.get("enabled").asBoolean().orElse(true);
    return new OutcomeSettings(
        enabled,
        enabled ? RecordLogSettings.create(node, "gateway.outcomes") : null,
        ConfigLoader.intValue(node, "max-items"));
  }
}

package io.canopy.gateway.batching;

import java.time.Duration;
import java.util.Set;

/**
 * Micro-batching settings ({@code gateway.batching.*}).
 *
 * @param enabled off: every request goes upstream on its own
 * @param maxBatchRows most rows in one upstream Predict
 * @param maxInFlight upstream batches in flight per (model, version) before arrivals queue
 * @param maxDelay how long a lone request may wait for company; zero: never waits for it
 * @param unbatchedModels models whose requests are never batched (for comparison)
 */
public record BatchingSettings(
    boolean enabled,
    int maxBatchRows,
    int maxInFlight,
    Duration maxDelay,
    Set<String> unbatchedModels) {

  public BatchingSettings {
    if (maxBatchRows <= 0) {
      throw new IllegalArgumentException(
          "gateway.batching.max-batch-rows: " + maxBatchRows + " must be positive");
    }
    if (maxInFlight <= 0) {
      throw new IllegalArgumentException(
          "gateway.batching.max-in-flight: " + maxInFlight + " must be positive");
    }
    if (maxDelay == null || maxDelay.isNegative()) {
      throw new IllegalArgumentException(
          "gateway.batching.max-delay: " + maxDelay + " must not be negative");
    }
    unbatchedModels = Set.copyOf(unbatchedModels);
  }

  /** Whether requests of {@code model} are batched. */
  public boolean batches(String model) {
    return enabled && !unbatchedModels.contains(model);
  }
}

package io.canopy.serving.model;

import io.canopy.serving.predict.FastPathSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the model manager runs.
 *
 * @param cacheDir local artifact cache (created when missing)
 * @param nthread XGBoost threads per prediction call
 * @param maxInFlightPerModel requests computing at once per model; more are refused
 * @param reconnectInitial first wait before reconnecting to the registry or retrying a download
 * @param reconnectMax longest such wait
 * @param downloadTimeout deadline of one artifact download
 * @param retireGrace how long a version stays loaded after traffic leaves it
 * @param fastPath the verified pure-Java fast path for small batches
 * @param memoryBudget bytes loaded versions may be charged ({@link Charges}); versions beyond it
 *     are loaded on demand, evicting the least recently used
 */
public record ManagerSettings(
    Path cacheDir,
    int nthread,
    int maxInFlightPerModel,
    Duration reconnectInitial,
    Duration reconnectMax,
    Duration downloadTimeout,
    Duration retireGrace,
    FastPathSettings fastPath,
    long memoryBudget) {

  /**
   * Checks every setting; a failure names the {@code serving.*} configuration key it comes from,
   * since {@code ServingConfig} validates those keys through this record.
   */
  public ManagerSettings {
    Objects.requireNonNull(cacheDir, "serving.cache-dir");
    Objects.requireNonNull(fastPath, "serving.predict.fast-path");
    if (nthread < 1) {
      throw new IllegalArgumentException("serving.predict.nthread: must be >= 1, got " + nthread);
    }
    if (maxInFlightPerModel < 1) {
      throw new IllegalArgumentException(
          "serving.predict.max-in-flight-per-model: must be >= 1, got " + maxInFlightPerModel);
    }
    if (reconnectInitial.isNegative() || reconnectInitial.isZero()) {
      throw new IllegalArgumentException(
          "serving.registry.reconnect-initial (or serving.registry.reconnect-initial-ms): must be > 0, got "
              + reconnectInitial);
    }
    if (reconnectMax.compareTo(reconnectInitial) < 0) {
      throw new IllegalArgumentException(
          "serving.registry.reconnect-max (or serving.registry.reconnect-max-ms): must be >="
              + " reconnect-initial, got "
              + reconnectMax);
    }
    if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      throw new IllegalArgumentException(
          "serving.registry.download-timeout (or serving.registry.download-timeout-ms): must be > 0,"
              + " got "
              + downloadTimeout);
    }
    if (memoryBudget < 1) {
      throw new IllegalArgumentException(
          "serving.models.memory-budget: must be > 0, got " + memoryBudget);
    }
    if (retireGrace.isNegative()) {
      throw new IllegalArgumentException(
          "serving.retire-grace (or serving.retire-grace-ms): must be >= 0, got " + retireGrace);
    }
  }
}

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
 */
public record ManagerSettings(
    Path cacheDir,
    int nthread,
    int maxInFlightPerModel,
    Duration reconnectInitial,
    Duration reconnectMax,
    Duration downloadTimeout,
    Duration retireGrace,
    FastPathSettings fastPath) {

  /** Settings with the default fast path. */
  public ManagerSettings(
      Path cacheDir,
      int nthread,
      int maxInFlightPerModel,
      Duration reconnectInitial,
      Duration reconnectMax,
      Duration downloadTimeout,
      Duration retireGrace) {
    this(
        cacheDir,
        nthread,
        maxInFlightPerModel,
        reconnectInitial,
        reconnectMax,
        downloadTimeout,
        retireGrace,
        FastPathSettings.DEFAULT);
  }

  /** Settings that retire a version as soon as nothing references it. */
  public ManagerSettings(
      Path cacheDir,
      int nthread,
      int maxInFlightPerModel,
      Duration reconnectInitial,
      Duration reconnectMax,
      Duration downloadTimeout) {
    this(
        cacheDir, nthread, maxInFlightPerModel, reconnectInitial, reconnectMax, downloadTimeout,
        Duration.ZERO);
  }

  public ManagerSettings {
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(fastPath, "fastPath");
    if (nthread < 1) {
      throw new IllegalArgumentException("nthread must be >= 1, got " + nthread);
    }
    if (maxInFlightPerModel < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPerModel must be >= 1, got " + maxInFlightPerModel);
    }
    if (reconnectInitial.isNegative()
        || reconnectInitial.isZero()
        || reconnectMax.compareTo(reconnectInitial) < 0) {
      throw new IllegalArgumentException(
          "need 0 < reconnectInitial <= reconnectMax, got "
              + reconnectInitial
              + ", "
              + reconnectMax);
    }
    if (retireGrace.isNegative()) {
      throw new IllegalArgumentException("retireGrace must not be negative, got " + retireGrace);
    }
    if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      throw new IllegalArgumentException(
          "downloadTimeout must be positive, got " + downloadTimeout);
    }
  }
}

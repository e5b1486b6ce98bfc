package io.canopy.serving.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.serving.metrics.ServingMetrics;
import io.grpc.Status;

/** Counts a failed prediction call by the status code its exception maps to. */
final class FailureMetrics {

  private FailureMetrics() {}

  static void record(ServingMetrics metrics, String model, String servedVersion, Throwable e) {
    Status.Code code = ErrorMapping.toStatusException(e).getStatus().getCode();
    // Names of models that do not exist come from clients: they must not become meter tags.
    String tag = servedVersion.isEmpty() && code == Status.Code.NOT_FOUND ? "unknown" : model;
    metrics.predictFailed(tag, servedVersion, code.name());
  }
}

package io.canopy.serving.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.serving.metrics.ServingMetrics;
import io.grpc.Status;

/** Counts a failed prediction call by the status code its exception maps to. */
final class FailureMetrics {

  private FailureMetrics() {}

  static void record(ServingMetrics metrics, String model, String servedVersion, Throwable e) {
    Status.Code code = ErrorMapping.toStatusException(e).getStatus().getCode();
    // Names that do not exist come from clients: the metrics fold them into "_unknown".
    metrics.predictFailed(model, servedVersion, code.name());
  }
}

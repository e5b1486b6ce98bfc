package io.canopy.gateway.predict;

import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends a copy of a request to the shadow version after the primary answered, compares the two
 * outputs and counts the result. The caller never waits for it nor sees it; copies beyond {@code
 * maxInFlight} are dropped (and counted) rather than queued.
 */
final class ShadowComparer {

  /** Values closer than this agree (float32 outputs of different versions). */
  static final double TOLERANCE = 1e-6;

  private final PredictCall upstream;
  private final Semaphore inFlight;
  private final Duration timeout;
  private final GatewayMetrics metrics;

  ShadowComparer(PredictCall upstream, int maxInFlight, Duration timeout, GatewayMetrics metrics) {
    this.upstream = upstream;
    this.inFlight = new Semaphore(maxInFlight);
    this.timeout = timeout;
    this.metrics = metrics;
  }

  void compare(PredictRequest primaryRequest, PredictResponse primary, long shadowVersion) {
    String model = primaryRequest.getModel();
    if (!inFlight.tryAcquire()) {
      metrics.shadowSkipped(model);
      return;
    }
    // The copy keeps the request id: its record pairs with the primary's for comparisons.
    PredictRequest copy = RequestParts.shadow(primaryRequest.toBuilder().setVersion(shadowVersion));
    try {
      upstream
          .predict(copy, Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS))
          .whenComplete(
              (shadow, failure) -> {
                inFlight.release();
                if (failure != null) {
                  metrics.shadowSkipped(model);
                } else {
                  record(model, shadowVersion, primary, shadow);
                }
              });
    } catch (RuntimeException e) {
      inFlight.release();
      metrics.shadowSkipped(model);
    }
  }

  private void record(
      String model, long shadowVersion, PredictResponse primary, PredictResponse shadow) {
    if (!primary.getShapeList().equals(shadow.getShapeList())
        || primary.getValuesCount() != shadow.getValuesCount()) {
      metrics.shadow(model, shadowVersion, false, Double.POSITIVE_INFINITY);
      return;
    }
    double maxDiff = 0;
    for (int i = 0; i < primary.getValuesCount(); i++) {
      double diff = Math.abs((double) primary.getValues(i) - shadow.getValues(i));
      if (Double.isNaN(diff)) {
        diff =
            Float.isNaN(primary.getValues(i)) && Float.isNaN(shadow.getValues(i))
                ? 0
                : Double.POSITIVE_INFINITY;
      }
      maxDiff = Math.max(maxDiff, diff);
    }
    metrics.shadow(model, shadowVersion, maxDiff <= TOLERANCE, maxDiff);
  }
}

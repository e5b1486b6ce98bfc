package io.canopy.gateway.metrics;

import io.canopy.common.metrics.MetricLabels;

/** What the gateway measures; {@link #NOOP} when nobody is looking (unit tests). */
public interface GatewayMetrics {

  GatewayMetrics NOOP = new GatewayMetrics() {};

  /**
   * One finished prediction: front ("grpc"/"http"; "kserve-grpc"/"kserve-http" for a KServe
   * ModelInfer that took Predict's path), model and version ("0" when none resolved), route
   * ("split", "alias"…), gRPC code.
   */
  default void request(
      String front, String model, String version, String route, String code, long nanos) {}

  /**
   * From now on, label models and versions only as {@code labels} allows (names that exist, a cap
   * per metric); until then labels are recorded as given. The same call as serving's.
   */
  default void restrictLabels(MetricLabels labels) {}

  /** {@code model} was deleted: its series go, and its labels are forgotten. */
  default void forget(String model) {}

  /** Time a request waited in a batch queue. */
  default void queueWait(long nanos) {}

  /** Rows in one upstream Predict. */
  default void batchRows(int rows) {}

  /** Latency of one upstream Predict attempt. */
  default void upstreamLatency(long nanos) {}

  /** An upstream attempt was retried. */
  default void retry() {}

  /** A retry was refused because the retry budget was spent. */
  default void retryBudgetExhausted() {}

  /** A shadow comparison: whether every value agreed, and the largest absolute difference. */
  default void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {}

  /** One upstream call finished: the replica (address, or "none") and its gRPC code. */
  default void replicaOutcome(String replica, String code) {}

  /**
   * Observes the serving channel's connectivity state (a grpc {@code ConnectivityState} name:
   * READY, CONNECTING, TRANSIENT_FAILURE, IDLE, SHUTDOWN).
   */
  default void channelState(java.util.function.Supplier<String> state) {}

  /**
   * One upstream call of a model's was placed: on one of its own replicas ("own"), on a replica its
   * hot set widened to ("spread"), or past its set ("beyond": a retry once the set was tried).
   */
  default void placementPick(String kind) {}

  /** A hedged second attempt was sent. */
  default void hedge() {}

  /** A shadow copy that failed or was dropped because too many were in flight. */
  default void shadowSkipped(String model) {}
}

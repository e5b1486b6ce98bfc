package io.canopy.serving.metrics;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import java.util.function.IntSupplier;

/**
 * What serving-service measures. Every method has a no-op default, so tests and embedders that do
 * not care pass {@link #NOOP}.
 */
public interface ServingMetrics {

  ServingMetrics NOOP = new ServingMetrics() {};

  /**
   * One Predict (or ModelInfer) that succeeded: {@code queueNanos} from the call's arrival to the
   * start of computing (admission, decoding, feature lookups), {@code computeNanos} in XGBoost.
   */
  default void predicted(
      String model, long version, int rows, long queueNanos, long computeNanos) {}

  /** One Predict that failed with a gRPC status code; {@code version} is "" when none resolved. */
  default void predictFailed(String model, String version, String code) {}

  /** One GetOnlineFeatures (direct or for predict-by-entity): counts values by status. */
  default void featureLookups(String view, GetOnlineFeaturesResponse found) {}

  /** A version event of the model manager: loaded, failed, retired or evicted. */
  default void versionEvent(String model, long version, String event) {}

  /**
   * The engine a newly loaded version got for small batches ({@code flat} or {@code xgboost}) and
   * the short reason code (verified, disabled, mismatch, categorical, dart, ...).
   */
  default void engineSelected(String model, long version, String engine, String reason) {}

  /**
   * From now on, label models and versions only as {@code labels} allows (names that exist, a cap
   * per metric); until then labels are recorded as given.
   */
  default void restrictLabels(MetricLabels labels) {}

  /** Prediction records appended to the record log. */
  default void recordsWritten(long records) {}

  /**
   * Prediction records dropped instead of written: {@code buffer_full}, {@code sink_error} or
   * {@code shutdown}.
   */
  default void recordsDropped(String reason, long records) {}

  /** Registers the source of the loaded-versions gauge. */
  default void loadedVersions(IntSupplier count) {}

  /** Registers the sources of the memory budget's gauges: the budget and what is charged. */
  default void memory(
      java.util.function.LongSupplier budget, java.util.function.LongSupplier charged) {}

  /**
   * A version loaded because a request asked for it (it was not resident), {@code nanos} after the
   * first request began to wait.
   */
  default void coldLoaded(String model, long version, long nanos) {}
}

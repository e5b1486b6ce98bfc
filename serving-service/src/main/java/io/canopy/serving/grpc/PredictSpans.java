package io.canopy.serving.grpc;

import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.canopy.serving.features.FeatureSettings;
import io.canopy.serving.model.Lease;
import io.canopy.serving.predict.Engine;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;

/**
 * The spans of a Predict inside serving, children of its call's server span (current on the event
 * loop, carried by the call's gRPC context to the work pool): the feature lookup of entity rows,
 * and the computation. The server span gets the model, version and engine that served. With tracing
 * off every method returns at its first line, allocating nothing.
 */
public final class PredictSpans {

  /** No spans: a service built without tracing. */
  static final PredictSpans OFF = new PredictSpans(Tracing.off(), FeatureSettings.Backend.ROCKSDB);

  private final Tracing tracing;
  private final String backend;

  /**
   * @param backend the feature store's backend, recorded on each lookup span
   */
  public PredictSpans(Tracing tracing, FeatureSettings.Backend backend) {
    this.tracing = tracing;
    this.backend = backend.name().toLowerCase(Locale.ROOT);
  }

  /** Names the model, version and engine on the call's server span. */
  void served(Lease lease) {
    if (!tracing.enabled()) {
      return;
    }
    Span call = Span.fromContext(Spans.current());
    if (call.isRecording()) {
      call.setAttribute(TraceAttributes.MODEL, lease.model());
      call.setAttribute(TraceAttributes.VERSION, lease.version());
      call.setAttribute(TraceAttributes.ENGINE, engine(lease.engine()));
    }
  }

  /** {@code canopy.features.lookup}: reading {@code keys} entities of {@code view}. */
  Span lookup(Lease lease, String view, int keys) {
    if (!tracing.enabled()) {
      return Span.getInvalid();
    }
    Span span = tracing.start("canopy.features.lookup", Spans.current());
    if (span.isRecording()) {
      span.setAttribute(TraceAttributes.MODEL, lease.model());
      span.setAttribute(TraceAttributes.VERSION, lease.version());
      span.setAttribute(TraceAttributes.FEATURE_VIEW, view);
      span.setAttribute(TraceAttributes.ENTITY_KEYS, keys);
      span.setAttribute(TraceAttributes.FEATURE_BACKEND, backend);
    }
    return span;
  }

  /** {@code canopy.predict.compute}: {@code rows} rows through the leased version. */
  Span compute(Lease lease, int rows) {
    if (!tracing.enabled()) {
      return Span.getInvalid();
    }
    Span span = tracing.start("canopy.predict.compute", Spans.current());
    if (span.isRecording()) {
      span.setAttribute(TraceAttributes.MODEL, lease.model());
      span.setAttribute(TraceAttributes.VERSION, lease.version());
      span.setAttribute(TraceAttributes.ENGINE, engine(lease.engine()));
      span.setAttribute(TraceAttributes.BATCH_ROWS, rows);
    }
    return span;
  }

  private static String engine(Engine engine) {
    return switch (engine) {
      case FLAT -> "flat";
      case XGBOOST -> "xgboost";
      case LIGHTGBM -> "lightgbm";
    };
  }
}

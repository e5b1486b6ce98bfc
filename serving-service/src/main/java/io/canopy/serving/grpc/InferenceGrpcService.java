package io.canopy.serving.grpc;

import com.google.protobuf.Timestamp;
import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.RowLimit;
import io.canopy.common.requestid.RequestIds;
import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.MissingFeatures;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.inference.v1.PredictionEngine;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.serving.features.EntityMatrix;
import io.canopy.serving.features.FeatureStore;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.Lease;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.model.VersionSelector;
import io.canopy.serving.model.VersionStatus;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.recording.Capture;
import io.canopy.serving.recording.PredictionRecorder;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code canopy.inference.v1.InferenceService}: validates a request, leases the version it selects,
 * predicts, and answers with the version that actually served. Errors are domain exceptions, mapped
 * to statuses by the server's error interceptor.
 */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final ModelManager models;
  private final FeatureStore features;
  private final ServingMetrics metrics;
  private final Executor work;
  private final int inlineMaxRows;
  private final RowLimit rowLimit;
  private final PredictionRecorder recorder;
  private final PredictSpans spans;

  /**
   * Without a feature store (entity rows are FAILED_PRECONDITION) or row cap. Computes on the
   * caller.
   */
  public InferenceGrpcService(ModelManager models) {
    this(
        models,
        null,
        ServingMetrics.NOOP,
        Runnable::run,
        0,
        Integer.MAX_VALUE,
        PredictionRecorder.OFF,
        PredictSpans.OFF);
  }

  /**
   * @param work where predictions run that are too heavy for the transport thread
   * @param inlineMaxRows dense or named Predicts of at most this many rows, whose version computes
   *     them in pure Java (VALUE, MARGIN or CLASS), finish on the thread that received them; 0
   *     sends every prediction to {@code work}
   * @param maxRows most rows (dense, named or entity keys) one Predict may carry; more:
   *     RESOURCE_EXHAUSTED before any row is decoded or looked up
   * @param recorder where each computed prediction is recorded (sampled, asynchronously)
   * @param spans the feature lookup's and the computation's spans, when tracing is on
   */
  public InferenceGrpcService(
      ModelManager models,
      FeatureStore features,
      ServingMetrics metrics,
      Executor work,
      int inlineMaxRows,
      int maxRows,
      PredictionRecorder recorder,
      PredictSpans spans) {
    if (inlineMaxRows < 0) {
      throw new IllegalArgumentException("inlineMaxRows must be >= 0, got " + inlineMaxRows);
    }
    this.models = models;
    this.features = features;
    this.metrics = metrics;
    this.work = work;
    this.inlineMaxRows = inlineMaxRows;
    this.rowLimit = new RowLimit(maxRows, "serving's");
    this.recorder = recorder;
    this.spans = spans;
  }

  /**
   * Validates and leases on the receiving thread (a snapshot read and two counters), then computes
   * there when the call is light, else on the work pool. Entity rows always go to the pool: they
   * read the feature store.
   */
  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
    long arrived = System.nanoTime();
    Lease lease;
    PredictionKind kind;
    String requestId;
    try {
      requestId = RequestIds.resolve("request_id", request.getRequestId());
      if (request.getModel().isEmpty()) {
        throw new CanopyException.InvalidArgument("model", "a model name is required");
      }
      VersionSelector selector = selector(request);
      kind = kind(request.getOutput());
      switch (request.getRowsCase()) {
        case ENTITIES -> {
          if (features == null) {
            throw new CanopyException.FailedPrecondition(
                "predicting by entity needs a feature store, which this server does not have");
          }
        }
        case ROWS_NOT_SET ->
            throw new CanopyException.InvalidArgument("rows", "send dense, named or entity rows");
        default -> {}
      }
      rowLimit.check(request);
      RequestParts.check(request);
      Deadlines.checkNotExpired(Context.current());
      try {
        lease = models.acquire(request.getModel(), selector);
      } catch (CanopyException.Unavailable e) {
        CompletableFuture<Void> loaded = models.whenResident(request.getModel(), selector);
        if (loaded == null) {
          throw e;
        }
        predictOnceLoaded(loaded, request, selector, requestId, kind, arrived, responses);
        return;
      }
    } catch (RuntimeException e) {
      FailureMetrics.record(metrics, request.getModel(), "", e);
      throw e;
    }
    if (isLight(request, kind, lease)) {
      complete(request, requestId, kind, lease, arrived, responses);
      return;
    }
    Context context = Context.current();
    try {
      work.execute(
          context.wrap(
              () -> {
                try {
                  complete(request, requestId, kind, lease, arrived, responses);
                } catch (RuntimeException e) {
                  // complete() counted it; the server's error mapping turns it into a status.
                  responses.onError(e);
                }
              }));
    } catch (RuntimeException e) {
      lease.close(); // The pool refused (shutting down): the task that would close it never runs.
      throw e;
    }
  }

  /**
   * The selected version is not in memory: once it has loaded (within the call's deadline), lease
   * it and predict on the work pool; the event loop does not wait.
   */
  private void predictOnceLoaded(
      CompletableFuture<Void> loaded,
      PredictRequest request,
      VersionSelector selector,
      String requestId,
      PredictionKind kind,
      long arrived,
      StreamObserver<PredictResponse> responses) {
    Context context = Context.current();
    loaded
        .orTimeout(Deadlines.loadWaitNanos(context), TimeUnit.NANOSECONDS)
        .whenCompleteAsync(
            (ignored, error) ->
                context.run(
                    () -> {
                      try {
                        if (error != null) {
                          throw loadFailure(error, request.getModel());
                        }
                        Deadlines.checkNotExpired(context);
                        Lease lease = models.acquire(request.getModel(), selector);
                        complete(request, requestId, kind, lease, arrived, responses);
                      } catch (RuntimeException e) {
                        FailureMetrics.record(metrics, request.getModel(), "", e);
                        responses.onError(e);
                      }
                    }),
            work);
  }

  private static RuntimeException loadFailure(Throwable error, String model) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return new CanopyException.DeadlineExceeded(
          "the deadline passed while " + model + " was loading");
    }
    return cause instanceof RuntimeException r
        ? r
        : new CanopyException.Unavailable(model + " could not be loaded; retry");
  }

  private boolean isLight(PredictRequest request, PredictionKind kind, Lease lease) {
    if (inlineMaxRows == 0 || !lease.computesInJava()) {
      return false;
    }
    if (kind != PredictionKind.VALUE
        && kind != PredictionKind.MARGIN
        && kind != PredictionKind.CLASS) {
      return false;
    }
    return switch (request.getRowsCase()) {
      case DENSE -> {
        int width = request.getDense().getNumFeatures();
        yield width > 0 && request.getDense().getValuesCount() <= (long) inlineMaxRows * width;
      }
      case NAMED -> request.getNamed().getRowsCount() <= inlineMaxRows;
      default -> false;
    };
  }

  /** Decodes, predicts and answers; takes ownership of {@code lease}. */
  private void complete(
      PredictRequest request,
      String requestId,
      PredictionKind kind,
      Lease lease,
      long arrived,
      StreamObserver<PredictResponse> responses) {
    PredictResponse response;
    try (lease) {
      spans.served(lease);
      PredictResponse.Builder builder = PredictResponse.newBuilder();
      RowDecoder.Rows rows = rows(request, lease, builder);
      Deadlines.checkNotExpired(Context.current());
      long computeStart = System.nanoTime();
      Span compute = spans.compute(lease, rows.count());
      Prediction prediction;
      try {
        prediction = lease.predict(rows.values(), rows.count(), kind);
      } catch (RuntimeException e) {
        Spans.end(compute, e);
        throw e;
      }
      compute.end();
      long computed = System.nanoTime();
      builder
          .setModel(lease.model())
          .setVersion(lease.version())
          .setSha256(lease.sha256())
          .setOutput(outputKind(kind))
          .setRequestId(requestId);
      for (int dim : prediction.shape()) {
        builder.addShape(dim);
      }
      for (float value : prediction.values()) {
        builder.addValues(value);
      }
      if (recorder.wants(lease.model())) {
        recorder.record(
            Capture.of(
                lease,
                requestId,
                request.getPartsList(),
                rows.values(),
                rows.count(),
                rows.entities(),
                kind,
                prediction.values(),
                computed - arrived));
      }
      metrics.predicted(
          lease.model(),
          lease.version(),
          rows.count(),
          computeStart - arrived,
          computed - computeStart);
      response = builder.build();
    } catch (RuntimeException e) {
      FailureMetrics.record(metrics, request.getModel(), Long.toString(lease.version()), e);
      throw e;
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  private RowDecoder.Rows rows(
      PredictRequest request, Lease lease, PredictResponse.Builder response) {
    return switch (request.getRowsCase()) {
      case DENSE -> RowDecoder.dense(request.getDense(), lease.numFeatures());
      case NAMED -> RowDecoder.named(request.getNamed(), lease);
      default -> entityRows(request.getEntities().getKeysList(), lease, response);
    };
  }

  /** Looks the version's bound features up; absent or expired ones become NaN and are reported. */
  private RowDecoder.Rows entityRows(
      List<String> keys, Lease lease, PredictResponse.Builder response) {
    InputBinding binding =
        lease
            .inputBinding()
            .orElseThrow(
                () ->
                    new CanopyException.FailedPrecondition(
                        lease.model()
                            + " v"
                            + lease.version()
                            + " has no input binding; send dense or named rows"));
    if (binding.getFeaturesCount() != lease.numFeatures()) {
      throw new CanopyException.FailedPrecondition(
          "the input binding of "
              + lease.model()
              + " v"
              + lease.version()
              + " names "
              + binding.getFeaturesCount()
              + " features; the model takes "
              + lease.numFeatures());
    }
    if (keys.isEmpty()) {
      throw new CanopyException.InvalidArgument("entities.keys", "at least one key is required");
    }
    Span lookup = spans.lookup(lease, binding.getFeatureView(), keys.size());
    EntityMatrix matrix;
    try {
      matrix =
          features.matrix(binding.getFeatureView(), binding.getFeaturesList(), keys, "entities");
    } catch (RuntimeException e) {
      Spans.end(lookup, e);
      throw e;
    }
    metrics.featureLookups(binding.getFeatureView(), matrix.found());
    int incomplete = 0;
    for (int r = 0; r < matrix.rows(); r++) {
      List<String> missing = matrix.missing().get(r);
      if (!missing.isEmpty()) {
        incomplete++;
        response.addMissingFeatures(MissingFeatures.newBuilder().setRow(r).addAllFeatures(missing));
      }
    }
    if (lookup.isRecording()) {
      lookup.setAttribute(TraceAttributes.INCOMPLETE_ROWS, incomplete);
    }
    lookup.end();
    return new RowDecoder.Rows(matrix.values(), matrix.rows(), matrix.found());
  }

  @Override
  public void getModelStatus(
      GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> responses) {
    GetModelStatusResponse.Builder response = GetModelStatusResponse.newBuilder();
    for (VersionStatus status : models.status(request.getModel())) {
      ModelVersionStatus.Builder v =
          ModelVersionStatus.newBuilder()
              .setModel(status.model())
              .setVersion(status.version())
              .setSha256(status.sha256())
              .setState(loadState(status.state()))
              .setReason(status.reason())
              .setChargedBytes(status.chargedBytes())
              .setPinned(status.pinned())
              .addAllAliases(status.aliases());
      status
          .engine()
          .ifPresent(
              e -> v.setEngine(engine(e.engine())).setEngineReason(e.reason() + ": " + e.detail()));
      status
          .availableSince()
          .ifPresent(
              t ->
                  v.setAvailableTime(
                      Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano())));
      response.addVersions(v);
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  private static PredictionEngine engine(Engine engine) {
    return switch (engine) {
      case FLAT -> PredictionEngine.PREDICTION_ENGINE_FLAT;
      case XGBOOST -> PredictionEngine.PREDICTION_ENGINE_XGBOOST;
      case LIGHTGBM -> PredictionEngine.PREDICTION_ENGINE_LIGHTGBM;
    };
  }

  private static VersionSelector selector(PredictRequest request) {
    return switch (request.getVersionSelectorCase()) {
      case VERSION -> {
        if (request.getVersion() <= 0) {
          throw new CanopyException.InvalidArgument("version", "versions are numbered from 1");
        }
        yield new VersionSelector.Explicit(request.getVersion());
      }
      case ALIAS -> {
        if (request.getAlias().isEmpty()) {
          throw new CanopyException.InvalidArgument("alias", "an alias must not be empty");
        }
        yield new VersionSelector.Alias(request.getAlias());
      }
      case VERSIONSELECTOR_NOT_SET -> VersionSelector.DEFAULT;
    };
  }

  static PredictionKind kind(OutputKind output) {
    return switch (output) {
      case OUTPUT_KIND_UNSPECIFIED, OUTPUT_KIND_VALUE -> PredictionKind.VALUE;
      case OUTPUT_KIND_MARGIN -> PredictionKind.MARGIN;
      case OUTPUT_KIND_CLASS -> PredictionKind.CLASS;
      case OUTPUT_KIND_LEAF -> PredictionKind.LEAF;
      case OUTPUT_KIND_CONTRIBUTIONS -> PredictionKind.CONTRIBUTIONS;
      case UNRECOGNIZED ->
          throw new CanopyException.InvalidArgument("output", "unknown output kind");
    };
  }

  private static OutputKind outputKind(PredictionKind kind) {
    return switch (kind) {
      case VALUE -> OutputKind.OUTPUT_KIND_VALUE;
      case MARGIN -> OutputKind.OUTPUT_KIND_MARGIN;
      case CLASS -> OutputKind.OUTPUT_KIND_CLASS;
      case LEAF -> OutputKind.OUTPUT_KIND_LEAF;
      case CONTRIBUTIONS -> OutputKind.OUTPUT_KIND_CONTRIBUTIONS;
    };
  }

  private static LoadState loadState(io.canopy.serving.model.LoadState state) {
    return switch (state) {
      case LOADING -> LoadState.LOAD_STATE_LOADING;
      case AVAILABLE -> LoadState.LOAD_STATE_AVAILABLE;
      case FAILED -> LoadState.LOAD_STATE_FAILED;
      case UNLOADING -> LoadState.LOAD_STATE_UNLOADING;
      case NOT_RESIDENT -> LoadState.LOAD_STATE_NOT_RESIDENT;
    };
  }
}

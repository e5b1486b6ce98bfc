package io.canopy.serving.grpc;

import com.google.protobuf.Timestamp;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.serving.model.Lease;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.model.VersionSelector;
import io.canopy.serving.model.VersionStatus;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;

/**
 * {@code canopy.inference.v1.InferenceService}: validates a request, leases the version it selects,
 * predicts, and answers with the version that actually served. Errors are domain exceptions, mapped
 * to statuses by the server's error interceptor.
 */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final ModelManager models;

  public InferenceGrpcService(ModelManager models) {
    this.models = models;
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> responses) {
    if (request.getModel().isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    VersionSelector selector = selector(request);
    PredictionKind kind = kind(request.getOutput());
    switch (request.getRowsCase()) {
      case ENTITIES ->
          throw new CanopyException.FailedPrecondition(
              "predicting by entity needs the feature store, which is not available yet");
      case ROWS_NOT_SET ->
          throw new CanopyException.InvalidArgument("rows", "send dense or named rows");
      default -> {}
    }
    Context context = Context.current();
    Deadlines.checkNotExpired(context);
    PredictResponse.Builder response = PredictResponse.newBuilder();
    try (Lease lease = models.acquire(request.getModel(), selector)) {
      RowDecoder.Rows rows =
          request.hasDense()
              ? RowDecoder.dense(request.getDense(), lease.numFeatures())
              : RowDecoder.named(request.getNamed(), lease);
      Deadlines.checkNotExpired(context);
      Prediction prediction = lease.predict(rows.values(), rows.count(), kind);
      response
          .setModel(lease.model())
          .setVersion(lease.version())
          .setSha256(lease.sha256())
          .setOutput(outputKind(kind))
          .setRequestId(request.getRequestId());
      for (int dim : prediction.shape()) {
        response.addShape(dim);
      }
      for (float value : prediction.values()) {
        response.addValues(value);
      }
    }
    responses.onNext(response.build());
    responses.onCompleted();
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
              .addAllAliases(status.aliases());
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
    };
  }
}

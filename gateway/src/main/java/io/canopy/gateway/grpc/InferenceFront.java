package io.canopy.gateway.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.gateway.upstream.Upstream;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.stub.StreamObserver;
import io.canopy.gateway.predict.PredictPipeline;
import java.util.concurrent.CompletionException;

/**
 * The gateway's {@code canopy.inference.v1.InferenceService}: same contract as serving-service's.
 * Predict goes through the {@link PredictPipeline} (routing, batching, retries) with the caller's
 * deadline; upstream statuses reach the caller unchanged.
 */
public final class InferenceFront extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final Upstream upstream;
  private final PredictPipeline pipeline;
  private final RowLimit rowLimit;

  public InferenceFront(Upstream upstream, PredictPipeline pipeline, int maxRows) {
    this.upstream = upstream;
    this.pipeline = pipeline;
    this.rowLimit = new RowLimit(maxRows);
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
    try {
      rowLimit.check(request);
    } catch (RuntimeException e) {
      out.onError(ErrorMapping.toStatusException(e));
      return;
    }
    pipeline
        .predict(request, upstream.deadlineForCall(), "grpc")
        .whenComplete(
            (response, failure) -> {
              Relay<PredictResponse> relay = new Relay<>(out);
              if (failure != null) {
                relay.onError(
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure);
              } else {
                relay.onNext(response);
                relay.onCompleted();
              }
            });
  }

  @Override
  public void getModelStatus(
      GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
    upstream.inference().getModelStatus(request, new Relay<>(out));
  }
}

package io.canopy.gateway.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.common.grpc.RowLimit;
import io.canopy.common.requestid.RequestIds;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.stub.StreamObserver;

/**
 * The gateway's {@code canopy.inference.v1.InferenceService}: same contract as serving-service's.
 * Predict goes through the {@link PredictPipeline} (routing, batching, retries) with the caller's
 * deadline; upstream statuses reach the caller unchanged.
 */
public final class InferenceFront extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final ServingClient serving;
  private final PredictPipeline pipeline;
  private final RowLimit rowLimit;

  public InferenceFront(ServingClient serving, PredictPipeline pipeline, int maxRows) {
    this.serving = serving;
    this.pipeline = pipeline;
    this.rowLimit = new RowLimit(maxRows, "the gateway's");
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
    String requestId;
    try {
      rowLimit.check(request);
      requestId = RequestIds.resolve("request_id", request.getRequestId());
    } catch (RuntimeException e) {
      out.onError(ErrorMapping.toStatusException(e));
      return;
    }
    boolean keyFromHeader =
        request.getRoutingKey().isEmpty() && !RoutingKeyInterceptor.current().isEmpty();
    if (keyFromHeader || !requestId.equals(request.getRequestId())) {
      PredictRequest.Builder b = request.toBuilder().setRequestId(requestId);
      if (keyFromHeader) {
        b.setRoutingKey(RoutingKeyInterceptor.current());
      }
      request = b.build();
    }
    Relay.complete(pipeline.predict(request, serving.deadlineForCall(), "grpc"), out);
  }

  @Override
  public void getModelStatus(
      GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
    // A read: retried like Predict, each attempt with what is left of the caller's deadline.
    Relay.complete(serving.modelStatus(request, serving.deadlineForCall()), out);
  }
}

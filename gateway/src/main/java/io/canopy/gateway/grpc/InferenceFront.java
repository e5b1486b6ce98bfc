package io.canopy.gateway.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.gateway.upstream.Upstream;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.stub.StreamObserver;

/**
 * The gateway's {@code canopy.inference.v1.InferenceService}: same contract as serving-service's,
 * forwarded to it with the caller's deadline; upstream statuses reach the caller unchanged.
 */
public final class InferenceFront extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final Upstream upstream;
  private final RowLimit rowLimit;

  public InferenceFront(Upstream upstream, int maxRows) {
    this.upstream = upstream;
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
    upstream.inference().predict(request, new Relay<>(out));
  }

  @Override
  public void getModelStatus(
      GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
    upstream.inference().getModelStatus(request, new Relay<>(out));
  }
}

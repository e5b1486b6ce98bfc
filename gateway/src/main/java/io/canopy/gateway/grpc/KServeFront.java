package io.canopy.gateway.grpc;

import io.canopy.common.error.ErrorMapping;
import io.canopy.common.grpc.RowLimit;
import io.canopy.common.requestid.RequestIds;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ModelReadyResponse;
import io.canopy.proto.kserve.v2.ServerLiveRequest;
import io.canopy.proto.kserve.v2.ServerLiveResponse;
import io.canopy.proto.kserve.v2.ServerMetadataRequest;
import io.canopy.proto.kserve.v2.ServerMetadataResponse;
import io.canopy.proto.kserve.v2.ServerReadyRequest;
import io.canopy.proto.kserve.v2.ServerReadyResponse;
import io.grpc.stub.StreamObserver;

/**
 * The gateway's KServe v2 {@code inference.GRPCInferenceService}: server calls forwarded to
 * serving-service; model calls routed and retried by {@link KServeCalls} (an empty version is
 * resolved by the routing policy, sticky by the {@code x-routing-key} metadata). The caller's
 * deadline is carried upstream and statuses pass through unchanged.
 */
public final class KServeFront extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  private final ServingClient serving;
  private final KServeCalls calls;
  private final RowLimit rowLimit;

  public KServeFront(ServingClient serving, KServeCalls calls, int maxRows) {
    this.serving = serving;
    this.calls = calls;
    this.rowLimit = new RowLimit(maxRows, "the gateway's");
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    Relay.complete(serving.serverLive(serving.deadlineForCall()), out);
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    Relay.complete(serving.serverReady(serving.deadlineForCall()), out);
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    Relay.complete(
        calls.ready(request, RoutingKeyInterceptor.current(), serving.deadlineForCall()), out);
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    Relay.complete(serving.serverMetadata(serving.deadlineForCall()), out);
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    Relay.complete(
        calls.metadata(request, RoutingKeyInterceptor.current(), serving.deadlineForCall()), out);
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    String id;
    try {
      rowLimit.check(request);
      id = RequestIds.resolve("id", request.getId());
    } catch (RuntimeException e) {
      out.onError(ErrorMapping.toStatusException(e));
      return;
    }
    if (!id.equals(request.getId())) {
      request = request.toBuilder().setId(id).build();
    }
    Relay.complete(
        calls.infer(
            request, RoutingKeyInterceptor.current(), serving.deadlineForCall(), "kserve-grpc"),
        out);
  }
}

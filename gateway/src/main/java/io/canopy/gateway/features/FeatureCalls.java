package io.canopy.gateway.features;

import io.canopy.common.grpc.FutureObserver;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.CreateFeatureViewResponse;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewResponse;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsRequest;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * The feature store calls of both fronts (gRPC {@code FeatureStoreService} and HTTP {@code
 * /v1/features/...}), forwarded to the serving replicas: reads retried like Predict (UNAVAILABLE,
 * budget, deadline), mutations and writes forwarded once. Each call's deadline is the caller's own
 * or {@code gateway.upstream.timeout}, taken when the call is made.
 */
public final class FeatureCalls {

  private final ServingClient serving;

  public FeatureCalls(ServingClient serving) {
    this.serving = serving;
  }

  public CompletableFuture<GetOnlineFeaturesResponse> get(GetOnlineFeaturesRequest request) {
    return serving.featureRead(
        (stub, q, out) -> stub.getOnlineFeatures(q, out), request, serving.deadlineForCall());
  }

  public CompletableFuture<GetFeatureViewResponse> view(GetFeatureViewRequest request) {
    return serving.featureRead(
        (stub, q, out) -> stub.getFeatureView(q, out), request, serving.deadlineForCall());
  }

  public CompletableFuture<ListFeatureViewsResponse> list(ListFeatureViewsRequest request) {
    return serving.featureRead(
        (stub, q, out) -> stub.listFeatureViews(q, out), request, serving.deadlineForCall());
  }

  public CompletableFuture<CreateFeatureViewResponse> create(CreateFeatureViewRequest request) {
    return serving.createFeatureView(request, serving.deadlineForCall());
  }

  public CompletableFuture<DeleteFeatureViewResponse> delete(DeleteFeatureViewRequest request) {
    return serving.deleteFeatureView(request, serving.deadlineForCall());
  }

  /** Writes one batch (the HTTP front's whole body) as a one-message WriteFeatures stream. */
  public CompletableFuture<WriteFeaturesResponse> write(WriteFeaturesRequest batch) {
    FutureObserver<WriteFeaturesRequest, WriteFeaturesResponse> answer = new FutureObserver<>();
    StreamObserver<WriteFeaturesRequest> stream =
        serving.writeFeatures(answer, serving.deadlineForCall());
    stream.onNext(batch);
    stream.onCompleted();
    return answer.future();
  }

  /**
   * Opens a WriteFeatures stream relayed as it is, flow control included (the gRPC front): a client
   * stream cannot be replayed, so it is never retried.
   */
  public StreamObserver<WriteFeaturesRequest> writeStream(
      StreamObserver<WriteFeaturesResponse> responses) {
    return serving.writeFeatures(responses, serving.deadlineForCall());
  }
}

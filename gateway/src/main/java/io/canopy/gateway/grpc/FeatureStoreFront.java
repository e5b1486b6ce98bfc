package io.canopy.gateway.grpc;

import io.canopy.gateway.upstream.Unary;
import io.canopy.gateway.upstream.Upstream;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.CreateFeatureViewResponse;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewResponse;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsRequest;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The gateway's {@code canopy.features.v1.FeatureStoreService}, forwarded to the serving replicas
 * over the balanced channel. Reads are retried like Predict (UNAVAILABLE, budget, deadline);
 * mutations and the WriteFeatures stream are forwarded once.
 */
public final class FeatureStoreFront extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {

  private final Upstream upstream;

  public FeatureStoreFront(Upstream upstream) {
    this.upstream = upstream;
  }

  @Override
  public void getOnlineFeatures(GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> out) {
    Deadline deadline = upstream.deadlineForCall();
    Relay.complete(retried(() -> Unary.call(upstream.features().withDeadline(deadline)::getOnlineFeatures, request)), out);
  }

  @Override
  public void getFeatureView(GetFeatureViewRequest request, StreamObserver<GetFeatureViewResponse> out) {
    Deadline deadline = upstream.deadlineForCall();
    Relay.complete(retried(() -> Unary.call(upstream.features().withDeadline(deadline)::getFeatureView, request)), out);
  }

  @Override
  public void listFeatureViews(ListFeatureViewsRequest request, StreamObserver<ListFeatureViewsResponse> out) {
    Deadline deadline = upstream.deadlineForCall();
    Relay.complete(retried(() -> Unary.call(upstream.features().withDeadline(deadline)::listFeatureViews, request)), out);
  }

  @Override
  public void createFeatureView(CreateFeatureViewRequest request, StreamObserver<CreateFeatureViewResponse> out) {
    upstream.features().createFeatureView(request, new Relay<>(out));
  }

  @Override
  public void deleteFeatureView(DeleteFeatureViewRequest request, StreamObserver<DeleteFeatureViewResponse> out) {
    upstream.features().deleteFeatureView(request, new Relay<>(out));
  }

  @Override
  public StreamObserver<WriteFeaturesRequest> writeFeatures(StreamObserver<WriteFeaturesResponse> out) {
    // A client stream cannot be replayed, so it is forwarded as is, flow control included.
    return upstream.features().writeFeatures(new Relay<>(out));
  }

  private <T> CompletableFuture<T> retried(Supplier<CompletableFuture<T>> attempt) {
    // Retried attempts run outside the handler's context so a backoff timer is not cancelled.
    return upstream.withRetries(attempt);
  }

}

package io.canopy.gateway.grpc;

import io.canopy.gateway.features.FeatureCalls;
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
import io.grpc.stub.StreamObserver;

/**
 * The gateway's {@code canopy.features.v1.FeatureStoreService}: each call goes through {@link
 * FeatureCalls}, the path the HTTP front shares; statuses pass through unchanged.
 */
public final class FeatureStoreFront extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {

  private final FeatureCalls calls;

  public FeatureStoreFront(FeatureCalls calls) {
    this.calls = calls;
  }

  @Override
  public void getOnlineFeatures(
      GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> out) {
    Relay.complete(calls.get(request), out);
  }

  @Override
  public void getFeatureView(
      GetFeatureViewRequest request, StreamObserver<GetFeatureViewResponse> out) {
    Relay.complete(calls.view(request), out);
  }

  @Override
  public void listFeatureViews(
      ListFeatureViewsRequest request, StreamObserver<ListFeatureViewsResponse> out) {
    Relay.complete(calls.list(request), out);
  }

  @Override
  public void createFeatureView(
      CreateFeatureViewRequest request, StreamObserver<CreateFeatureViewResponse> out) {
    Relay.complete(calls.create(request), out);
  }

  @Override
  public void deleteFeatureView(
      DeleteFeatureViewRequest request, StreamObserver<DeleteFeatureViewResponse> out) {
    Relay.complete(calls.delete(request), out);
  }

  @Override
  public StreamObserver<WriteFeaturesRequest> writeFeatures(
      StreamObserver<WriteFeaturesResponse> out) {
    return calls.writeStream(new Relay<>(out));
  }
}

package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.RowLimit;
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
import io.canopy.serving.features.FeatureStore;
import io.canopy.serving.metrics.ServingMetrics;
import io.grpc.stub.StreamObserver;

/** {@code canopy.features.v1.FeatureStoreService} over the process's {@link FeatureStore}. */
public final class FeatureStoreGrpcService
    extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {

  private final FeatureStore store;
  private final ServingMetrics metrics;
  private final RowLimit rowLimit;

  /**
   * @param maxEntities most entity keys one GetOnlineFeatures may carry; more: RESOURCE_EXHAUSTED
   *     before any is looked up
   */
  public FeatureStoreGrpcService(FeatureStore store, ServingMetrics metrics, int maxEntities) {
    this.store = store;
    this.metrics = metrics;
    this.rowLimit = new RowLimit(maxEntities, "serving's");
  }

  @Override
  public void createFeatureView(
      CreateFeatureViewRequest request, StreamObserver<CreateFeatureViewResponse> responses) {
    if (!request.hasFeatureView()) {
      throw new CanopyException.InvalidArgument("feature_view", "a feature view is required");
    }
    responses.onNext(
        CreateFeatureViewResponse.newBuilder()
            .setFeatureView(store.create(request.getFeatureView(), request.getReplace()))
            .build());
    responses.onCompleted();
  }

  @Override
  public void getFeatureView(
      GetFeatureViewRequest request, StreamObserver<GetFeatureViewResponse> responses) {
    responses.onNext(
        GetFeatureViewResponse.newBuilder().setFeatureView(store.view(request.getName())).build());
    responses.onCompleted();
  }

  @Override
  public void listFeatureViews(
      ListFeatureViewsRequest request, StreamObserver<ListFeatureViewsResponse> responses) {
    responses.onNext(store.list(request.getPageSize(), request.getPageToken()));
    responses.onCompleted();
  }

  @Override
  public void deleteFeatureView(
      DeleteFeatureViewRequest request, StreamObserver<DeleteFeatureViewResponse> responses) {
    store.delete(request.getName());
    responses.onNext(DeleteFeatureViewResponse.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void getOnlineFeatures(
      GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> responses) {
    rowLimit.check(request.getEntityKeysCount(), "entity_keys");
    GetOnlineFeaturesResponse found =
        store.read(
            request.getFeatureView(),
            request.getEntityKeysList(),
            request.getFeaturesList(),
            request.getLayout());
    metrics.featureLookups(request.getFeatureView(), found);
    responses.onNext(found);
    responses.onCompleted();
  }

  @Override
  public StreamObserver<WriteFeaturesRequest> writeFeatures(
      StreamObserver<WriteFeaturesResponse> responses) {
    return new StreamObserver<>() {
      private String view;
      private long written;
      private long stale;
      private boolean failed;

      @Override
      public void onNext(WriteFeaturesRequest message) {
        if (failed) {
          return;
        }
        try {
          if (view == null) {
            if (message.getFeatureView().isEmpty()) {
              throw new CanopyException.InvalidArgument(
                  "feature_view", "the first message must name the feature view");
            }
            view = message.getFeatureView();
          } else if (!message.getFeatureView().isEmpty()
              && !message.getFeatureView().equals(view)) {
            throw new CanopyException.InvalidArgument(
                "feature_view", "one stream writes one view, '" + view + "'");
          }
          WriteFeaturesResponse counts = store.write(view, message.getRowsList());
          written += counts.getRowsWritten();
          stale += counts.getRowsStale();
        } catch (RuntimeException e) {
          failed = true;
          responses.onError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        // The client gave up; what was written stays written (upserts are idempotent).
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (view == null) {
          responses.onError(
              new CanopyException.InvalidArgument("feature_view", "no feature view was named"));
          return;
        }
        responses.onNext(
            WriteFeaturesResponse.newBuilder().setRowsWritten(written).setRowsStale(stale).build());
        responses.onCompleted();
      }
    };
  }
}

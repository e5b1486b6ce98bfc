package io.canopy.gateway;

import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A stand-in FeatureStore: view "users" (age int64, score float); every key has age 42. */
final class FakeFeatureStore extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {

  final Queue<WriteFeaturesRequest> written = new ConcurrentLinkedQueue<>();

  @Override
  public void getFeatureView(
      GetFeatureViewRequest request, StreamObserver<GetFeatureViewResponse> out) {
    out.onNext(
        GetFeatureViewResponse.newBuilder()
            .setFeatureView(
                FeatureView.newBuilder()
                    .setName(request.getName())
                    .addFeatures(
                        Feature.newBuilder().setName("age").setType(ValueType.VALUE_TYPE_INT64))
                    .addFeatures(
                        Feature.newBuilder().setName("score").setType(ValueType.VALUE_TYPE_FLOAT)))
            .build());
    out.onCompleted();
  }

  @Override
  public void getOnlineFeatures(
      GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> out) {
    GetOnlineFeaturesResponse.Builder response =
        GetOnlineFeaturesResponse.newBuilder().addFeatures("age");
    for (String key : request.getEntityKeysList()) {
      response.addRows(
          EntityFeatures.newBuilder()
              .setEntityKey(key)
              .addValues(FeatureValue.newBuilder().setInt64Value(42))
              .addStatuses(FeatureStatus.FEATURE_STATUS_PRESENT));
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<WriteFeaturesRequest> writeFeatures(
      StreamObserver<WriteFeaturesResponse> out) {
    return new StreamObserver<>() {
      long rows;

      @Override
      public void onNext(WriteFeaturesRequest value) {
        written.add(value);
        rows += value.getRowsCount();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(WriteFeaturesResponse.newBuilder().setRowsWritten(rows).build());
        out.onCompleted();
      }
    };
  }
}

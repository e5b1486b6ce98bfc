package io.canopy.gateway;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureColumn;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsRequest;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stand-in FeatureStore: view "users" (age int64, score float); every key has age 42, observed at
 * {@link #EVENT_TIME}, but keys starting with "missing", which have nothing; answered in the layout
 * asked for.
 */
final class FakeFeatureStore extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {

  static final Timestamp EVENT_TIME = Timestamp.newBuilder().setSeconds(1_700_000_000).build();

  /** What ListFeatureViews answers: "users" with a one-hour TTL, "events" with none. */
  static final FeatureView USERS =
      FeatureView.newBuilder()
          .setName("users")
          .setEntity("user_id")
          .addFeatures(Feature.newBuilder().setName("age").setType(ValueType.VALUE_TYPE_INT64))
          .addFeatures(Feature.newBuilder().setName("score").setType(ValueType.VALUE_TYPE_FLOAT))
          .setTtl(Duration.newBuilder().setSeconds(3600))
          .setCreateTime(EVENT_TIME)
          .build();

  final java.util.concurrent.atomic.AtomicReference<ListFeatureViewsRequest> listSeen =
      new java.util.concurrent.atomic.AtomicReference<>();

  @Override
  public void listFeatureViews(
      ListFeatureViewsRequest request, StreamObserver<ListFeatureViewsResponse> out) {
    listSeen.set(request);
    out.onNext(
        ListFeatureViewsResponse.newBuilder()
            .addFeatureViews(USERS)
            .addFeatureViews(
                FeatureView.newBuilder()
                    .setName("events")
                    .setEntity("event_id")
                    .addFeatures(
                        Feature.newBuilder().setName("kind").setType(ValueType.VALUE_TYPE_STRING)))
            .setNextPageToken("next")
            .build());
    out.onCompleted();
  }

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
    if (request.getLayout() == FeatureLayout.FEATURE_LAYOUT_COLUMNS) {
      FeatureColumn.Builder age = FeatureColumn.newBuilder().setType(ValueType.VALUE_TYPE_INT64);
      for (String key : request.getEntityKeysList()) {
        boolean missing = key.startsWith("missing");
        age.addStatuses(
                missing
                    ? FeatureStatus.FEATURE_STATUS_NOT_FOUND
                    : FeatureStatus.FEATURE_STATUS_PRESENT)
            .addEventTimeNanos(missing ? 0 : EVENT_TIME.getSeconds() * 1_000_000_000L)
            .addInt64Values(missing ? 0 : 42);
      }
      out.onNext(response.addAllEntityKeys(request.getEntityKeysList()).addColumns(age).build());
      out.onCompleted();
      return;
    }
    for (String key : request.getEntityKeysList()) {
      response.addRows(
          key.startsWith("missing")
              ? EntityFeatures.newBuilder()
                  .setEntityKey(key)
                  .addValues(FeatureValue.getDefaultInstance())
                  .addStatuses(FeatureStatus.FEATURE_STATUS_NOT_FOUND)
                  .addEventTimes(Timestamp.getDefaultInstance())
              : EntityFeatures.newBuilder()
                  .setEntityKey(key)
                  .addValues(FeatureValue.newBuilder().setInt64Value(42))
                  .addStatuses(FeatureStatus.FEATURE_STATUS_PRESENT)
                  .addEventTimes(EVENT_TIME));
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

package io.canopy.cli.up;

import io.canopy.common.grpc.FutureObserver;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The demo's online features: view {@code customers} with the churn model's four inputs. */
final class DemoFeatures {

  static final String VIEW = "customers";
  static final Map<String, float[]> CUSTOMERS = new LinkedHashMap<>();

  static {
    CUSTOMERS.put("c-1001", DemoModel.EXAMPLE_ROW);
    CUSTOMERS.put("c-1002", new float[] {40f, 30f, 1f, 55f});
  }

  private DemoFeatures() {}

  /** Creates (or replaces) the view and writes the demo customers. */
  static void write(Channel channel)
      throws InterruptedException, ExecutionException, TimeoutException {
    FeatureView.Builder view = FeatureView.newBuilder().setName(VIEW).setEntity("customer_id");
    for (String name : DemoModel.FEATURES) {
      view.addFeatures(Feature.newBuilder().setName(name).setType(ValueType.VALUE_TYPE_FLOAT));
    }
    FeatureStoreServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createFeatureView(
            CreateFeatureViewRequest.newBuilder().setFeatureView(view).setReplace(true).build());
    WriteFeaturesRequest.Builder rows = WriteFeaturesRequest.newBuilder().setFeatureView(VIEW);
    CUSTOMERS.forEach(
        (key, values) -> {
          FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey(key);
          for (int i = 0; i < values.length; i++) {
            row.putValues(
                DemoModel.FEATURES[i], FeatureValue.newBuilder().setFloatValue(values[i]).build());
          }
          rows.addRows(row);
        });
    FutureObserver<WriteFeaturesRequest, WriteFeaturesResponse> done = new FutureObserver<>();
    StreamObserver<WriteFeaturesRequest> stream =
        FeatureStoreServiceGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .writeFeatures(done);
    stream.onNext(rows.build());
    stream.onCompleted();
    done.future().get(30, TimeUnit.SECONDS);
  }
}

package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.Observers;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Writes fixture rows to a FeatureStoreService as entities "row-0", "row-1", …. */
final class FeatureRows {

  private FeatureRows() {}

  /**
   * (Re)creates {@code view} with float features {@code names} and writes every row of {@code rows}
   * (row-major, {@code names.size()} values a row; NaN cells are left out).
   */
  static void write(Channel channel, String view, List<String> names, float[] rows)
      throws Exception {
    var features =
        FeatureStoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    FeatureView.Builder definition = FeatureView.newBuilder().setName(view).setEntity("row_id");
    names.forEach(
        n ->
            definition.addFeatures(
                Feature.newBuilder().setName(n).setType(ValueType.VALUE_TYPE_FLOAT)));
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder().setFeatureView(definition).setReplace(true).build());
    int width = names.size();
    WriteFeaturesRequest.Builder batch = WriteFeaturesRequest.newBuilder().setFeatureView(view);
    for (int r = 0; r < rows.length / width; r++) {
      FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey("row-" + r);
      for (int f = 0; f < width; f++) {
        float v = rows[r * width + f];
        if (!Float.isNaN(v)) {
          row.putValues(names.get(f), FeatureValue.newBuilder().setFloatValue(v).build());
        }
      }
      batch.addRows(row);
    }
    CompletableFuture<WriteFeaturesResponse> result = new CompletableFuture<>();
    StreamObserver<WriteFeaturesRequest> stream =
        FeatureStoreServiceGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .writeFeatures(Observers.completing(result));
    stream.onNext(batch.build());
    stream.onCompleted();
    assertThat(result.get(30, TimeUnit.SECONDS).getRowsWritten()).isEqualTo(rows.length / width);
  }
}

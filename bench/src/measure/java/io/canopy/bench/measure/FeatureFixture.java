package io.canopy.bench.measure;

import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The data of the features scenario of {@code canopy bench}: view {@code wide32} (32 FLOAT features
 * {@code f0}…{@code f31}, entity {@code id}) on a serving replica or gateway (plaintext gRPC, no
 * token), entities {@code e0}… each with all 32 values, and their keys one per line in a file for
 * {@code --entities=@FILE}. Arguments: target, entity count, file.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests -Dmeasure.main=io.canopy.bench.measure.FeatureFixture \
 *   -Dmeasure.args="127.0.0.1:9200 1000 $PWD/entities.txt"
 * </pre>
 */
public final class FeatureFixture {

  private static final int FEATURES = 32;
  private static final int ROWS_PER_MESSAGE = 100;

  private FeatureFixture() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FeatureFixture TARGET ENTITIES FILE");
      System.exit(2);
    }
    String target = args[0];
    int entities = Integer.parseInt(args[1]);
    Path file = Path.of(args[2]);
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      FeatureView.Builder view = FeatureView.newBuilder().setName("wide32").setEntity("id");
      for (int f = 0; f < FEATURES; f++) {
        view.addFeatures(Feature.newBuilder().setName("f" + f).setType(ValueType.VALUE_TYPE_FLOAT));
      }
      FeatureStoreServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .createFeatureView(
              CreateFeatureViewRequest.newBuilder().setFeatureView(view).setReplace(true).build());
      System.out.println(write(channel, entities));
      List<String> keys = new ArrayList<>(entities);
      for (int e = 0; e < entities; e++) {
        keys.add("e" + e);
      }
      Files.write(file, keys);
      System.out.println(
          "view wide32 on " + target + ", " + entities + " entities, keys in " + file);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static WriteFeaturesResponse write(ManagedChannel channel, int entities)
      throws Exception {
    CompletableFuture<WriteFeaturesResponse> done = new CompletableFuture<>();
    StreamObserver<WriteFeaturesRequest> requests =
        FeatureStoreServiceGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.MINUTES)
            .writeFeatures(
                new StreamObserver<>() {
                  @Override
                  public void onNext(WriteFeaturesResponse response) {
                    done.complete(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    for (int from = 0; from < entities; from += ROWS_PER_MESSAGE) {
      WriteFeaturesRequest.Builder message = WriteFeaturesRequest.newBuilder();
      message.setFeatureView("wide32");
      for (int e = from; e < Math.min(entities, from + ROWS_PER_MESSAGE); e++) {
        FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey("e" + e);
        for (int f = 0; f < FEATURES; f++) {
          row.putValues(
              "f" + f, FeatureValue.newBuilder().setFloatValue(e + f / (float) FEATURES).build());
        }
        message.addRows(row);
      }
      requests.onNext(message.build());
    }
    requests.onCompleted();
    return done.get(5, TimeUnit.MINUTES);
  }
}

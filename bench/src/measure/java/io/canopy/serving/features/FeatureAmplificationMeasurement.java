package io.canopy.serving.features;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.serving.ServingHarness;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature-read amplification attack of issue 13 (item 1), measured by hand, not in the suite
 * (the name does not match the test pattern): run with {@code mvn -pl serving-service -am verify
 * -Dtest=FeatureAmplificationMeasurement -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx1g}.
 * A view of 100 STRING features of 1,000 characters, one entity, and a 30 KB request for 10,000
 * copies of it; prints the answer, how long it took and the heap's peak growth.
 */
class FeatureAmplificationMeasurement {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  @Test
  void attack() {
    var serving = new ServingHarness(cleanup, dir).startRegistry().startServing();
    FeatureView.Builder view = FeatureView.newBuilder().setName("wide").setEntity("id");
    FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey("k");
    for (int f = 0; f < 100; f++) {
      view.addFeatures(Feature.newBuilder().setName("s" + f).setType(ValueType.VALUE_TYPE_STRING));
      row.putValues("s" + f, FeatureValue.newBuilder().setStringValue("x".repeat(1000)).build());
    }
    serving
        .features()
        .createFeatureView(CreateFeatureViewRequest.newBuilder().setFeatureView(view).build());
    var done =
        new java.util.concurrent.CompletableFuture<
            io.canopy.proto.features.v1.WriteFeaturesResponse>();
    var stream =
        io.canopy.proto.features.v1.FeatureStoreServiceGrpc.newStub(serving.channel())
            .writeFeatures(io.canopy.common.testing.Observers.completing(done));
    stream.onNext(WriteFeaturesRequest.newBuilder().setFeatureView("wide").addRows(row).build());
    stream.onCompleted();
    done.join();

    GetOnlineFeaturesRequest attack =
        GetOnlineFeaturesRequest.newBuilder()
            .setFeatureView("wide")
            .addAllEntityKeys(Collections.nCopies(10_000, "k"))
            .build();
    System.gc();
    long before = heapUsed();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long start = System.nanoTime();
    String outcome;
    try {
      var answer =
          serving.features().withDeadlineAfter(60, TimeUnit.SECONDS).getOnlineFeatures(attack);
      outcome = "OK, " + answer.getSerializedSize() + " bytes";
    } catch (StatusRuntimeException e) {
      outcome = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        "feature-read amplification: request %d bytes; answer in %d ms: %s; heap before %d MB, peak %d MB (max %d MB)%n",
        attack.getSerializedSize(),
        millis,
        outcome,
        before >> 20,
        peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long heapUsed() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}

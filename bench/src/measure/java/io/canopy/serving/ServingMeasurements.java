package io.canopy.serving;

import io.canopy.bench.measure.Samples;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc.FeatureStoreServiceBlockingStub;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.InferenceServiceGrpc.InferenceServiceBlockingStub;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.predict.Predictor;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.health.v1.HealthGrpc.HealthBlockingStub;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The figures for the closing note, all in one run and each as a ratio against a floor measured in
 * the same run: single-row Predict p50/p99 against an empty gRPC call (health Check on the same
 * server); rows/s at batch 64 over gRPC against in-process inplace_predict at batch 64;
 * GetOnlineFeatures (1 entity × 32 features) p50 on RocksDB and on Redis against the empty call;
 * RSS after 100 version swaps against RSS after the first load.
 *
 * <p>Everything runs over Netty on loopback, one client thread, in this JVM (so RSS is the serving
 * process's, plus the client). Run it with a fixed, pre-touched heap ({@code -Xms512m -Xmx512m
 * -XX:+AlwaysPreTouch}) so RSS moves with native memory (XGBoost's), not with heap growth. Not a
 * test: run it by hand (see serving-service/README.md).
 */
public final class ServingMeasurements {

  private static final int WARMUP = 5_000;
  private static final int SAMPLES = 20_000;
  private static final long THROUGHPUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private ServingMeasurements() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("canopy-measure");
    String redisPrefix = "canopy-measure:" + UUID.randomUUID() + ":";
    FakeRegistry registry = new FakeRegistry();
    registry.addBreastCancer("bc", 1, Fixtures.BREAST_CANCER_UBJ);
    registry.setAlias("bc", "production", 1);
    try (GrpcServer registryServer =
            new GrpcServer(
                    GrpcTransports.server(
                        "127.0.0.1", 0, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
                    List.of(registry),
                    List.of())
                .start();
        ServingServer rocks =
            ServingServer.start(
                ServingConfig.create(
                    ServingHarness.config(
                        dir.resolve("rocks"),
                        Map.of("serving.registry.target", "127.0.0.1:" + registryServer.port()))));
        ServingServer redis =
            ServingServer.start(
                ServingConfig.create(
                    ServingHarness.config(
                        dir.resolve("redis"),
                        Map.of(
                            "serving.registry.target",
                            "127.0.0.1:" + registryServer.port(),
                            "serving.features.backend",
                            "redis",
                            "serving.features.redis.key-prefix",
                            redisPrefix))))) {
      ManagedChannel channel = channel(rocks);
      ManagedChannel redisChannel = channel(redis);
      Await.until("serving is ready", () -> rocks.isReady() && redis.isReady());
      HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      InferenceServiceBlockingStub inference = InferenceServiceGrpc.newBlockingStub(channel);
      PredictRequest oneRow = rows(1);
      PredictRequest batch64 = rows(64);
      inference.predict(oneRow);
      System.gc();
      long rssFirstLoad = rssKb();
      // Swaps first, right after the first load: later phases grow the heap and the JIT's code.
      long[] rssAfterSwaps = swap(registry, inference, oneRow);

      long[] empty = latencies(() -> health.check(HealthCheckRequest.getDefaultInstance()));
      long[] single = latencies(() -> inference.predict(oneRow));
      double grpcRowsPerSecond = 64 * callsPerSecond(() -> inference.predict(batch64));
      double inplaceRowsPerSecond = inplaceRowsPerSecond();

      long[] rocksLookup = lookupLatencies(FeatureStoreServiceGrpc.newBlockingStub(channel));
      long[] emptyRedisServer =
          latencies(
              () ->
                  HealthGrpc.newBlockingStub(redisChannel)
                      .check(HealthCheckRequest.getDefaultInstance()));
      long[] redisLookup = lookupLatencies(FeatureStoreServiceGrpc.newBlockingStub(redisChannel));

      double emptyP50 = p(empty, 50);
      System.out.printf(
          "%nserving-service measurements (%d samples after %d warm-up calls)%n", SAMPLES, WARMUP);
      System.out.printf(
          "empty gRPC call (health Check) p50   %8.1f us   = 1.00 (floor)%n", emptyP50 / 1e3);
      System.out.printf(
          "single-row Predict p50                %8.1f us   = %.2f x empty p50%n",
          p(single, 50) / 1e3, p(single, 50) / emptyP50);
      System.out.printf(
          "single-row Predict p99                %8.1f us   = %.2f x empty p50%n",
          p(single, 99) / 1e3, p(single, 99) / emptyP50);
      System.out.printf(
          "batch-64 Predict over gRPC            %8.0f rows/s = %.2f x in-process%n",
          grpcRowsPerSecond, grpcRowsPerSecond / inplaceRowsPerSecond);
      System.out.printf(
          "in-process inplace_predict batch 64   %8.0f rows/s = 1.00 (floor)%n",
          inplaceRowsPerSecond);
      System.out.printf(
          "GetOnlineFeatures 1x32 RocksDB p50    %8.1f us   = %.2f x empty p50 (p99 %.1f us)%n",
          p(rocksLookup, 50) / 1e3, p(rocksLookup, 50) / emptyP50, p(rocksLookup, 99) / 1e3);
      System.out.printf(
          "GetOnlineFeatures 1x32 Redis p50      %8.1f us   = %.2f x empty p50 (p99 %.1f us;"
              + " empty call on that server %.1f us)%n",
          p(redisLookup, 50) / 1e3,
          p(redisLookup, 50) / emptyP50,
          p(redisLookup, 99) / 1e3,
          p(emptyRedisServer, 50) / 1e3);
      System.out.printf(
          "RSS after first load                  %8d kB   = 1.00 (floor)%n", rssFirstLoad);
      for (int i = 0; i < rssAfterSwaps.length; i++) {
        System.out.printf(
            "RSS after %3d swaps                   %8d kB   = %.3f x first load%n",
            (i + 1) * 25, rssAfterSwaps[i], rssAfterSwaps[i] / (double) rssFirstLoad);
      }
      FeatureStoreServiceGrpc.newBlockingStub(redisChannel)
          .deleteFeatureView(DeleteFeatureViewRequest.newBuilder().setName("bench32").build());
      channel.shutdownNow();
      redisChannel.shutdownNow();
    }
  }

  private static ManagedChannel channel(ServingServer server) {
    return GrpcTransports.channel(
        "127.0.0.1:" + server.grpcPort(), GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  private static PredictRequest rows(int n) {
    float[] fixture = Fixtures.breastCancerRows();
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(30);
    for (int i = 0; i < n * 30; i++) {
      dense.addValues(fixture[i % fixture.length]);
    }
    return PredictRequest.newBuilder().setModel("bc").setDense(dense).build();
  }

  private static long[] latencies(Supplier<?> call) {
    for (int i = 0; i < WARMUP; i++) {
      call.get();
    }
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      long start = System.nanoTime();
      call.get();
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  /** The {@code percentile} of {@code nanos}, in nanoseconds (an HdrHistogram of them). */
  private static double p(long[] nanos, double percentile) {
    return Samples.of(nanos).nanos(percentile);
  }

  private static double callsPerSecond(Supplier<?> call) {
    for (int i = 0; i < WARMUP / 5; i++) {
      call.get();
    }
    long start = System.nanoTime();
    long calls = 0;
    while (System.nanoTime() - start < THROUGHPUT_NANOS) {
      call.get();
      calls++;
    }
    return calls / ((System.nanoTime() - start) / 1e9);
  }

  private static double inplaceRowsPerSecond() throws Exception {
    byte[] bytes = Fixtures.bytes(Fixtures.BREAST_CANCER_UBJ);
    try (Predictor predictor =
        Predictor.load(bytes, Fixtures.sha256(Fixtures.BREAST_CANCER_UBJ), 1)) {
      float[] values = new float[64 * 30];
      float[] fixture = Fixtures.breastCancerRows();
      for (int i = 0; i < values.length; i++) {
        values[i] = fixture[i % fixture.length];
      }
      return 64 * callsPerSecond(() -> predictor.predict(values, 64, PredictionKind.VALUE));
    }
  }

  /** A view of 32 float features, one entity written, then GetOnlineFeatures of all 32. */
  private static long[] lookupLatencies(FeatureStoreServiceBlockingStub features) throws Exception {
    FeatureView.Builder view = FeatureView.newBuilder().setName("bench32").setEntity("id");
    FeatureRow.Builder row = FeatureRow.newBuilder().setEntityKey("e1");
    for (int f = 0; f < 32; f++) {
      view.addFeatures(Feature.newBuilder().setName("x" + f).setType(ValueType.VALUE_TYPE_FLOAT));
      row.putValues("x" + f, FeatureValue.newBuilder().setFloatValue(f * 0.5f).build());
    }
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder().setFeatureView(view).setReplace(true).build());
    FutureObserver<WriteFeaturesRequest, WriteFeaturesResponse> done = new FutureObserver<>();
    StreamObserver<WriteFeaturesRequest> write =
        FeatureStoreServiceGrpc.newStub(features.getChannel()).writeFeatures(done);
    write.onNext(WriteFeaturesRequest.newBuilder().setFeatureView("bench32").addRows(row).build());
    write.onCompleted();
    done.future().get(10, TimeUnit.SECONDS);
    GetOnlineFeaturesRequest request =
        GetOnlineFeaturesRequest.newBuilder().setFeatureView("bench32").addEntityKeys("e1").build();
    return latencies(() -> features.getOnlineFeatures(request));
  }

  /**
   * 100 deployments: each registers a new version (alternately the UBJ and JSON artifact) and moves
   * production to it, so each loads one model and frees the previous. RSS every 25.
   */
  private static long[] swap(
      FakeRegistry registry, InferenceServiceBlockingStub inference, PredictRequest oneRow)
      throws IOException {
    long[] rss = new long[4];
    for (int i = 1; i <= 100; i++) {
      long version = i + 1;
      registry.addBreastCancer(
          "bc", version, i % 2 == 0 ? Fixtures.BREAST_CANCER_UBJ : Fixtures.BREAST_CANCER_JSON);
      registry.setAlias("bc", "production", version);
      Await.until(
          "v" + version + " serves", () -> inference.predict(oneRow).getVersion() == version);
      for (int k = 0; k < 100; k++) {
        inference.predict(oneRow);
      }
      if (i % 25 == 0) {
        System.gc();
        rss[i / 25 - 1] = rssKb();
      }
    }
    return rss;
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}

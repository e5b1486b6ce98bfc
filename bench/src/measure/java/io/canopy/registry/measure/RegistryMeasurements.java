package io.canopy.registry.measure;

import com.google.protobuf.ByteString;
import io.canopy.bench.measure.Samples;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.Fixtures;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import io.canopy.registry.TestConfigs;
import io.canopy.registry.validation.ProbeCommand;
import io.canopy.registry.validation.ValidatorPool;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Figures for the closing note, each next to a floor measured in the same run (not a test; nothing
 * is asserted). Runs the real wiring ({@code RegistryServer.start}, Netty on loopback):
 *
 * <ol>
 *   <li>upload throughput of a 50 MB model (a valid JSON model padded with whitespace, so the child
 *       really parses 50 MB) against a plain copy of the same bytes to a file with fsync; the time
 *       of the validation child alone is reported too;
 *   <li>watch fan-out: p50/p99 from the start of a write to each of 100 watchers (100 channels)
 *       seeing it, against the write RPC's own round trip.
 * </ol>
 *
 * <p>Run: {@code mvn -o -q install -pl registry-service -DskipTests && cd registry-service && java
 * --enable-native-access=ALL-UNNAMED -cp "target/test-classes:target/classes:target/lib/*"
 * io.canopy.registry.measure.RegistryMeasurements [sqlite|postgresql]}.
 */
public final class RegistryMeasurements {

  private static final int MB = 1_000_000;
  private static final int CHUNK = 1 << 20;
  private static final int WATCHERS = 100;
  private static final int WRITES = 200;

  private RegistryMeasurements() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "sqlite";
    Path dir = Files.createTempDirectory("registry-measure-");
    Map<String, String> overrides = new HashMap<>();
    overrides.put("registry.validation.processes", "1");
    overrides.put("registry.upload.max-bytes", Long.toString(200L * MB));
    if (backend.equals("postgresql")) {
      overrides.put("registry.store.backend", "postgresql");
      overrides.put("registry.artifacts.backend", "postgresql");
      overrides.put("registry.store.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/test");
      overrides.put(
          "registry.store.postgresql.schema", "registry_measure_" + ProcessHandle.current().pid());
    }
    RegistryConfig config = TestConfigs.registry(dir, overrides);
    try (RegistryServer server = RegistryServer.start(config)) {
      ManagedChannel channel = GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 4 << 20);
      try {
        upload(channel, dir);
        fanOut(server);
      } finally {
        channel.shutdownNow();
      }
    }
    if (backend.equals("postgresql")) {
      try (var c =
              java.sql.DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
          var st = c.createStatement()) {
        st.execute("DROP SCHEMA " + overrides.get("registry.store.postgresql.schema") + " CASCADE");
      }
    }
    System.out.println("backend: " + backend + ", data in " + dir);
  }

  private static void upload(ManagedChannel channel, Path dir) throws Exception {
    byte[] small = Fixtures.bytes(Fixtures.JSON);
    byte[] model = Fixtures.paddedJson(50 * MB - small.length);
    // Warm-up: JIT, the validation child's start, the file system.
    upload(channel, "warmup", small);
    upload(channel, "warmup", model);

    int rounds = 5;
    double[] uploadSec = new double[rounds];
    double[] copySec = new double[rounds];
    double[] smallSec = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      ModelVersion v = upload(channel, "big", model);
      uploadSec[i] = (System.nanoTime() - t0) / 1e9;
      if (v.getState() != VersionState.VERSION_STATE_READY) {
        throw new IllegalStateException("the 50 MB model was not READY: " + v.getFailureReason());
      }
      t0 = System.nanoTime();
      upload(channel, "small", small);
      smallSec[i] = (System.nanoTime() - t0) / 1e9;
      copySec[i] = copy(model, dir.resolve("copy-" + i));
    }
    double up = median(uploadSec);
    double cp = median(copySec);
    double sm = median(smallSec);
    System.out.printf(
        "upload 50 MB (stream, stage+fsync, sha256, child validates 50 MB JSON, store): median"
            + " %.3f s = %.0f MB/s%n",
        up, 50 / up);
    System.out.printf(
        "floor: plain file write+fsync of the same 50 MB: median %.3f s = %.0f MB/s;"
            + " upload/floor time ratio %.1fx%n",
        cp, 50 / cp, up / cp);
    System.out.printf(
        "small model (130 KB) upload incl. validation in a warm child: median %.1f ms%n",
        sm * 1000);
    Path file = Files.write(dir.resolve("model-50mb.json"), model);
    try (ValidatorPool pool =
        new ValidatorPool(
            ProbeCommand.currentJvm(512, 2048), dir.resolve("probe"), Duration.ofMinutes(2), 1)) {
      pool.validate(file, ModelFormat.MODEL_FORMAT_JSON); // starts the child
      double[] validateSec = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        pool.validate(file, ModelFormat.MODEL_FORMAT_JSON);
        validateSec[i] = (System.nanoTime() - t0) / 1e9;
      }
      double va = median(validateSec);
      System.out.printf(
          "of which validation of the 50 MB JSON in a warm child: median %.3f s (%.0f%% of the"
              + " upload); the rest (transport+staging+hash+store) %.0f MB/s%n",
          va, 100 * va / up, 50 / (up - va));
    }
    Files.delete(file);
  }

  private static double copy(byte[] bytes, Path target) throws IOException {
    long t0 = System.nanoTime();
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    double sec = (System.nanoTime() - t0) / 1e9;
    Files.delete(target);
    return sec;
  }

  private static ModelVersion upload(ManagedChannel channel, String model, byte[] bytes)
      throws Exception {
    FutureObserver<UploadVersionRequest, UploadVersionResponse> reply = new FutureObserver<>();
    CompletableFuture<ModelVersion> done =
        reply.future().thenApply(UploadVersionResponse::getVersion);
    StreamObserver<UploadVersionRequest> out =
        ModelRegistryServiceGrpc.newStub(channel).uploadVersion(reply);
    out.onNext(
        UploadVersionRequest.newBuilder()
            .setHeader(UploadVersionHeader.newBuilder().setModel(model).setCreateModel(true))
            .build());
    for (int off = 0; off < bytes.length; off += CHUNK) {
      out.onNext(
          UploadVersionRequest.newBuilder()
              .setChunk(ByteString.copyFrom(bytes, off, Math.min(CHUNK, bytes.length - off)))
              .build());
    }
    out.onCompleted();
    return done.get(5, TimeUnit.MINUTES);
  }

  private static void fanOut(RegistryServer server) throws Exception {
    Map<String, Long> writeStart = new ConcurrentHashMap<>();
    List<Long> latenciesNanos = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allSeen = new CountDownLatch(WATCHERS * WRITES);
    CountDownLatch snapshots = new CountDownLatch(WATCHERS);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < WATCHERS; i++) {
      ManagedChannel c = GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 4 << 20);
      channels.add(c);
      ModelRegistryServiceGrpc.newStub(c)
          .watchModels(
              WatchModelsRequest.getDefaultInstance(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchModelsResponse r) {
                  long now = System.nanoTime();
                  if (r.getModelsCount() == 1 && r.getModels(0).getName().startsWith("fan-")) {
                    Long start = writeStart.get(r.getModels(0).getName());
                    if (start != null) {
                      latenciesNanos.add(now - start);
                      allSeen.countDown();
                    }
                  } else if (snapshots.getCount() > 0 && r.getKindValue() != 0) {
                    snapshots.countDown();
                  }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
    }
    ManagedChannel writer = GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 4 << 20);
    channels.add(writer);
    try {
      if (!snapshots.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("watchers did not start");
      }
      var blocking = ModelRegistryServiceGrpc.newBlockingStub(writer);
      long[] rpc = new long[WRITES];
      for (int i = 0; i < WRITES; i++) {
        String name = "fan-" + i;
        long t0 = System.nanoTime();
        writeStart.put(name, t0);
        blocking.createModel(CreateModelRequest.newBuilder().setName(name).build());
        rpc[i] = System.nanoTime() - t0;
        Thread.sleep(5); // one write at a time: measures fan-out, not queueing behind writes
      }
      if (!allSeen.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not every watcher saw every write");
      }
      Samples seen = Samples.of(latenciesNanos.stream().mapToLong(Long::longValue).toArray());
      Samples write = Samples.of(rpc);
      System.out.printf(
          "watch fan-out to %d watchers (%d writes, %d deliveries): p50 %.2f ms, p99 %.2f ms,"
              + " max %.2f ms%n",
          WATCHERS, WRITES, seen.count(), seen.millis(50), seen.millis(99), seen.maxMillis());
      System.out.printf(
          "floor: the write RPC's own round trip: p50 %.2f ms, p99 %.2f ms;"
              + " fan-out p50/write p50 ratio %.1fx, p99 ratio %.1fx%n",
          write.millis(50),
          write.millis(99),
          seen.millis(50) / write.millis(50),
          seen.millis(99) / write.millis(99));
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
    }
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}

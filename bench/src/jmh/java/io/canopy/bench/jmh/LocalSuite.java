package io.canopy.bench.jmh;

import com.google.protobuf.ByteString;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the end-to-end benchmarks share: a registry in a temp dir, the settings of serving and
 * gateway instances pointed at it (port 0, own dirs, records and outcomes off), a model uploaded
 * and promoted, and the wait until a stub's server serves it.
 */
final class LocalSuite {

  private LocalSuite() {}

  static RegistryServer registry(Path dir) {
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dir.resolve("registry").toString());
    return RegistryServer.start(
        RegistryConfig.create(ConfigLoader.load("registry.yaml", settings)));
  }

  /** Serving and gateway settings on port 0 with their own dirs under {@code own}. */
  static Map<String, String> settings(Path own, int registryPort) {
    Map<String, String> settings = new HashMap<>();
    settings.put("serving.grpc.port", "0");
    settings.put("serving.admin.port", "0");
    settings.put("serving.cache-dir", own.resolve("serving-cache").toString());
    settings.put("serving.features.rocksdb.path", own.resolve("features").toString());
    settings.put("serving.recording.enabled", "false");
    settings.put("serving.registry.target", "127.0.0.1:" + registryPort);
    settings.put("gateway.outcomes.enabled", "false");
    settings.put("gateway.monitor.target", "");
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.port", "0");
    settings.put("gateway.upstream.registry-target", "127.0.0.1:" + registryPort);
    return settings;
  }

  static ManagedChannel channel(int port) {
    return GrpcTransports.channel(
        "127.0.0.1:" + port, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  /** Uploads {@code model} as a new version of {@code name} and points alias production at it. */
  static long uploadAndPromote(int registryPort, String name, byte[] model) throws Exception {
    ManagedChannel registry = channel(registryPort);
    try {
      FutureObserver<UploadVersionRequest, UploadVersionResponse> reply = new FutureObserver<>();
      StreamObserver<UploadVersionRequest> requests =
          ModelRegistryServiceGrpc.newStub(registry)
              .withDeadlineAfter(120, TimeUnit.SECONDS)
              .uploadVersion(reply);
      requests.onNext(
          UploadVersionRequest.newBuilder()
              .setHeader(UploadVersionHeader.newBuilder().setModel(name).setCreateModel(true))
              .build());
      requests.onNext(
          UploadVersionRequest.newBuilder().setChunk(ByteString.copyFrom(model)).build());
      requests.onCompleted();
      ModelVersion version = reply.future().get(125, TimeUnit.SECONDS).getVersion();
      if (!version.getFailureReason().isEmpty()) {
        throw new IllegalStateException("upload failed: " + version.getFailureReason());
      }
      ModelRegistryServiceGrpc.newBlockingStub(registry)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setModel(name)
                  .setAlias("production")
                  .setVersion(version.getVersion())
                  .build());
      return version.getVersion();
    } finally {
      registry.shutdownNow();
    }
  }

  /** Waits (60 s at most) until the server behind {@code stub} reports the version available. */
  static void awaitAvailable(
      InferenceServiceGrpc.InferenceServiceBlockingStub stub, String model, long version)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean available =
          stub
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
              .getVersionsList()
              .stream()
              .anyMatch(
                  s -> s.getVersion() == version && s.getState() == LoadState.LOAD_STATE_AVAILABLE);
      if (available) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(model + " v" + version + " was not served within 60 s");
  }

  /** Closes what was opened, last first (gateways before the serving and registry behind them). */
  static void close(java.util.List<AutoCloseable> opened) throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

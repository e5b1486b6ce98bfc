package io.canopy.serving;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.TestConfig;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.InferenceServiceGrpc.InferenceServiceBlockingStub;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.serving.metrics.ServingMetrics;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.helidon.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A fake registry and serving servers on the in-process transport, cleaned up after each test. */
public final class ServingHarness {

  public final FakeRegistry registry = new FakeRegistry();
  private ServingMetrics metrics = ServingMetrics.NOOP;
  private final GrpcCleanup cleanup;
  private final Path cacheDir;
  private final String registryName = InProcessServerBuilder.generateName();

  public ServingHarness(GrpcCleanup cleanup, Path cacheDir) {
    this.cleanup = cleanup;
    this.cacheDir = cacheDir;
  }

  /** Servers started from now on report to these metrics. */
  public ServingHarness metrics(ServingMetrics metrics) {
    this.metrics = metrics;
    return this;
  }

  /** Starts the fake registry; until then, serving finds the registry down. */
  public ServingHarness startRegistry() {
    try {
      cleanup.register(
          InProcessServerBuilder.forName(registryName).addService(registry).build().start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Settings for tests: port 0, this test's cache, fast reconnects. */
  public static Config config(Path cacheDir, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("serving.grpc.port", "0");
    values.put("serving.admin.port", "0");
    values.put("serving.cache-dir", cacheDir.toString());
    values.put("serving.features.rocksdb.path", cacheDir.resolve("features").toString());
    values.put("serving.recording.store.sqlite", cacheDir.resolve("records.db").toString());
    values.put("serving.registry.reconnect-initial", "10ms");
    values.put("serving.registry.reconnect-max", "100ms");
    values.putAll(overrides);
    return TestConfig.from(values, "serving.yaml");
  }

  public ServingConfig servingConfig(Map<String, String> overrides) {
    return ServingConfig.create(config(cacheDir, overrides));
  }

  /** A serving server (in-process gRPC) following the fake registry, and a channel to it. */
  public Serving startServing(Map<String, String> overrides) {
    String name = InProcessServerBuilder.generateName();
    Map<String, String> settings = new HashMap<>();
    // Each server its own RocksDB: two servers on one cache directory must not share its lock.
    settings.put("serving.features.rocksdb.path", cacheDir.resolve("features-" + name).toString());
    settings.putAll(overrides);
    ServingServer server =
        ServingServer.start(
            servingConfig(settings),
            ServingServer.Seams.real()
                .withTransport(InProcessServerBuilder.forName(name))
                .withRegistry(InProcessChannelBuilder.forName(registryName).build())
                .withMetrics(metrics));
    cleanup.register(server);
    ManagedChannel channel = cleanup.register(InProcessChannelBuilder.forName(name).build());
    return new Serving(server, channel);
  }

  public Serving startServing() {
    return startServing(Map.of());
  }

  /** A running serving server and a client channel to it. */
  public record Serving(ServingServer server, ManagedChannel channel) {

    public InferenceServiceBlockingStub inference() {
      return InferenceServiceGrpc.newBlockingStub(channel);
    }

    public FeatureStoreServiceGrpc.FeatureStoreServiceBlockingStub features() {
      return FeatureStoreServiceGrpc.newBlockingStub(channel);
    }

    public Serving awaitReady() {
      Await.until("serving is ready", server::isReady);
      return this;
    }
  }

  /** A Predict request with the 64 breast-cancer fixture rows. */
  public static PredictRequest.Builder breastCancerRequest(String model) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(30);
    for (float v : Fixtures.breastCancerRows()) {
      dense.addValues(v);
    }
    return PredictRequest.newBuilder().setModel(model).setDense(dense);
  }
}

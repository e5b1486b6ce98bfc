package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.registry.ModelUploader;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The topology the fault suite breaks: a registry on SQLite, two serving replicas with features in
 * a private Redis, one gateway over both, each a separate process on loopback. A test kills a part
 * and restarts it (same ports, same data and cache directories) before it ends.
 */
final class FaultTopology implements AutoCloseable {

  static final String MODEL = "faults";
  static final String VIEW = "faults_rows";
  static final int FEATURES = 30;

  private final Path dir;
  private final List<String> names = new ArrayList<>();
  private final float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
  private final double[] expected = Fixtures.column("breast_cancer_expected_probability.csv");
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<ServiceProcess> serving = new ArrayList<>();
  private final List<ManagedChannel> servingChannels = new ArrayList<>();
  private RedisProcess redis;
  private ServiceProcess registry;
  private ServiceProcess gateway;
  private ManagedChannel registryChannel;
  private ManagedChannel gatewayChannel;

  private FaultTopology(Path dir) {
    this.dir = dir;
    for (int i = 0; i < FEATURES; i++) {
      names.add("f" + i);
    }
  }

  private void launch() throws Exception {
    redis = RedisProcess.start(dir.resolve("redis"));
    registry = ServiceProcess.registry(registryDataDir(), Map.of(), dir);
    List<String> replicas = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ServiceProcess s =
          ServiceProcess.serving(
              "serving-" + i,
              registry.target(),
              dir.resolve("cache-" + i),
              Map.of(
                  "serving.features.backend", "redis",
                  "serving.features.redis.uri", redis.uri(),
                  "serving.features.redis.key-prefix", "canopy:faults:"),
              dir);
      serving.add(s);
      replicas.add(s.target());
      servingChannels.add(channel(s.grpcPort()));
    }
    gateway = ServiceProcess.gateway("gateway", String.join(",", replicas), registry.target(), dir);
    registryChannel = channel(registry.grpcPort());
    gatewayChannel = channel(gateway.grpcPort());
  }

  /**
   * Starts the topology, uploads the first version of {@link #MODEL} (bound to {@link #VIEW}),
   * points "production" at it, writes the fixture rows as features, and waits until every replica
   * serves it.
   */
  static FaultTopology start(Path dir) throws Exception {
    FaultTopology t = new FaultTopology(dir);
    try {
      t.launch();
      ModelVersion first = t.upload(MODEL, true);
      t.setAlias(MODEL, "production", first.getVersion());
      t.awaitAvailable(MODEL, first.getVersion());
      t.writeFeatures();
      return t;
    } catch (Exception | AssertionError e) {
      t.close();
      throw e;
    }
  }

  /**
   * Writes the fixture rows to Redis through replica 0. The write is one pipelined batch of upserts
   * under a 200 ms command timeout, which a busy machine can miss: UNAVAILABLE is retried (upserts
   * are idempotent), within a bound.
   */
  private void writeFeatures() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        FeatureRows.write(servingChannels.getFirst(), VIEW, names, rows);
        return;
      } catch (ExecutionException | StatusRuntimeException e) {
        Status status = Status.fromThrowable(e);
        if (status.getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel c = TestSuites.channel(port);
    channels.add(c);
    return c;
  }

  Path registryDataDir() {
    return dir.resolve("registry");
  }

  ManagedChannel registryChannel() {
    return registryChannel;
  }

  ManagedChannel gatewayChannel() {
    return gatewayChannel;
  }

  ManagedChannel servingChannel(int replica) {
    return servingChannels.get(replica);
  }

  RedisProcess redis() {
    return redis;
  }

  /** The fixture model with the input binding of {@link #VIEW}; the header for {@code model}. */
  UploadVersionHeader header(String model, boolean create) {
    return UploadVersionHeader.newBuilder()
        .setModel(model)
        .setCreateModel(create)
        .setInputBinding(InputBinding.newBuilder().setFeatureView(VIEW).addAllFeatures(names))
        .build();
  }

  /** Uploads the fixture model as a new version of {@code model}; it must come back READY. */
  ModelVersion upload(String model, boolean create) throws IOException {
    ModelVersion v =
        new ModelUploader(registryChannel)
            .upload(
                header(model, create),
                new ByteArrayInputStream(Fixtures.bytes("breast_cancer_binary.ubj")),
                120,
                sent -> {});
    assertThat(v.getState())
        .as("upload of %s: %s", model, v.getFailureReason())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    return v;
  }

  void setAlias(String model, String alias, long version) {
    ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(model)
                .setAlias(alias)
                .setVersion(version)
                .build());
  }

  /** Waits until every replica reports {@code version} of {@code model} AVAILABLE. */
  void awaitAvailable(String model, long version) {
    for (ManagedChannel c : servingChannels) {
      TestSuites.awaitAvailable(c, model, version, Duration.ofSeconds(90));
    }
  }

  /** Dense call number {@code n}: one fixture row by value. */
  SteadyLoad.Call dense(int n) {
    int row = n % expected.length;
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
    for (int f = 0; f < FEATURES; f++) {
      dense.addValues(rows[row * FEATURES + f]);
    }
    return new SteadyLoad.Call(
        PredictRequest.newBuilder().setModel(MODEL).setDense(dense).build(), expected[row]);
  }

  /** Entity call number {@code n}: one fixture row by its entity key, features from Redis. */
  SteadyLoad.Call entity(int n) {
    int row = n % expected.length;
    return new SteadyLoad.Call(
        PredictRequest.newBuilder()
            .setModel(MODEL)
            .setEntities(EntityRows.newBuilder().addKeys("row-" + row))
            .build(),
        expected[row]);
  }

  /** SIGKILLs serving replica {@code replica}. */
  void killServing(int replica) throws InterruptedException {
    serving.get(replica).kill();
  }

  /** Starts replica {@code replica} again on its ports with its cache directory. */
  void restartServing(int replica) throws IOException {
    serving.set(replica, serving.get(replica).restart());
  }

  void killRegistry() throws InterruptedException {
    registry.kill();
  }

  /** Starts the registry again on its ports with its data directory. */
  void restartRegistry() throws IOException {
    registry = registry.restart();
  }

  /** Predict calls replica {@code replica} answered OK since it started (its own metrics). */
  long servingOkCalls(int replica) throws IOException, InterruptedException {
    String text =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + serving.get(replica).httpPort()
                                + "/observe/metrics"))
                    .header("Accept", "text/plain")
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    long total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("canopy_serving_requests") && line.contains("code=\"OK\"")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Every process still running (for the suite's final check). */
  boolean allAlive() {
    List<ServiceProcess> all = new ArrayList<>(serving);
    all.add(registry);
    all.add(gateway);
    return all.stream().allMatch(ServiceProcess::isAlive);
  }

  /** What the processes printed, for a failure message. */
  String outputs() {
    Map<String, String> out = new HashMap<>();
    out.put("registry", registry.output());
    for (int i = 0; i < serving.size(); i++) {
      out.put("serving-" + i, serving.get(i).output());
    }
    out.put("gateway", gateway.output());
    StringBuilder b = new StringBuilder();
    out.forEach((k, v) -> b.append("=== ").append(k).append('\n').append(tail(v)).append('\n'));
    return b.toString();
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  @Override
  public void close() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    if (gateway != null) {
      gateway.close();
    }
    serving.forEach(ServiceProcess::close);
    if (registry != null) {
      registry.close();
    }
    if (redis != null) {
      redis.close();
    }
  }
}

package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out topology as separate processes on loopback: one registry on PostgreSQL, three
 * serving replicas with features in Redis, two gateways balancing over the three. Load goes through
 * both gateways, by dense rows and by entity key; nothing may fail and every answer must match the
 * Python-computed fixture.
 */
@ProcessSuite
class TopologyTest {

  private static final int FEATURES = 30;
  private static final String MODEL = "topology";
  private static final String VIEW = "topology_rows";
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  @TempDir static Path dir;
  private static final String schema =
      "canopy_topology_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final String redisPrefix = "canopy:topology:" + UUID.randomUUID() + ":";
  private static final List<ServiceProcess> processes = new ArrayList<>();
  private static final List<ManagedChannel> channels = new ArrayList<>();
  private static ServiceProcess registry;
  private static final List<ServiceProcess> serving = new ArrayList<>();
  private static final List<ServiceProcess> gateways = new ArrayList<>();
  private static ServiceProcess single;

  /** Outcome of one load run. */
  record Load(int requests, int failed, int wrong, double seconds) {
    double rowsPerSecond() {
      return requests / seconds;
    }
  }

  @BeforeAll
  static void startTopology() throws Exception {
    registry =
        track(
            ServiceProcess.registry(
                dir.resolve("registry"),
                Map.of(
                    "registry.store.backend", "postgresql",
                    "registry.artifacts.backend", "postgresql",
                    "registry.store.postgresql.url", PG_URL,
                    "registry.store.postgresql.user", "postgres",
                    "registry.store.postgresql.schema", schema),
                dir));
    List<String> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ServiceProcess s =
          track(
              ServiceProcess.serving(
                  "serving-" + i,
                  registry.target(),
                  dir.resolve("cache-" + i),
                  Map.of(
                      "serving.features.backend",
                      "redis",
                      "serving.features.redis.key-prefix",
                      redisPrefix),
                  dir));
      serving.add(s);
      replicas.add(s.target());
    }
    // For comparison in the same run: one gateway in front of one replica.
    single =
        track(
            ServiceProcess.gateway("gateway-single", replicas.getFirst(), registry.target(), dir));
    for (int i = 0; i < 2; i++) {
      gateways.add(
          track(
              ServiceProcess.gateway(
                  "gateway-" + i, String.join(",", replicas), registry.target(), dir)));
    }
  }

  /** Keeps {@code p} for {@link #stopTopology}, which closes in reverse order of start. */
  private static ServiceProcess track(ServiceProcess p) {
    processes.add(p);
    return p;
  }

  @AfterAll
  static void stopTopology() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    try (var client = io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379");
        var connection = client.connect()) {
      var keys = connection.sync().keys(redisPrefix + "*");
      if (!keys.isEmpty()) {
        connection.sync().del(keys.toArray(String[]::new));
      }
    }
  }

  private static ManagedChannel channel(String target) {
    ManagedChannel c =
        GrpcTransports.channel(target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    channels.add(c);
    return c;
  }

  @Test
  void loadThroughTwoGateways_overThreeReplicas_losesNothing() throws Exception {
    ManagedChannel registryChannel = channel(registry.target());
    ModelVersion version =
        TestSuites.uploadBreastCancer(registryChannel, TestSuites.breastCancerBoundTo(MODEL, VIEW));
    assertThat(version.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(MODEL)
                .setAlias("production")
                .setVersion(version.getVersion())
                .build());
    for (ServiceProcess s : serving) {
      TestSuites.awaitAvailable(
          channel(s.target()), MODEL, version.getVersion(), Duration.ofSeconds(90));
    }

    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    double[] expected = Fixtures.column("breast_cancer_expected_probability.csv");
    FeatureRows.write(
        channel(gateways.getFirst().target()), VIEW, TestSuites.BREAST_CANCER_FEATURES, rows);

    List<ManagedChannel> both = gateways.stream().map(g -> channel(g.target())).toList();
    List<ManagedChannel> one = List.of(channel(single.target()));
    drive(both, rows, expected, 4, 50); // warm-up of every JVM on the path
    drive(one, rows, expected, 4, 50);
    Load scaled = drive(both, rows, expected, 8, 150);
    Load baseline = drive(one, rows, expected, 8, 150);
    System.out.printf(
        "topology: 2 gateways x 3 replicas %.0f rows/s, 1 gateway x 1 replica %.0f rows/s (%.2fx), failed %d + %d%n",
        scaled.rowsPerSecond(),
        baseline.rowsPerSecond(),
        scaled.rowsPerSecond() / baseline.rowsPerSecond(),
        scaled.failed(),
        baseline.failed());
    for (Load load : List.of(scaled, baseline)) {
      assertThat(load.failed()).isZero();
      assertThat(load.wrong()).isZero();
    }
    assertThat(processes).allMatch(ServiceProcess::isAlive);
  }

  /** Single-row predictions from {@code clients} threads, half dense and half by entity key. */
  private static Load drive(
      List<ManagedChannel> fronts, float[] rows, double[] expected, int clients, int perClient)
      throws Exception {
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      done.add(
          pool.submit(
              () -> {
                var stub = InferenceServiceGrpc.newBlockingStub(fronts.get(client % fronts.size()));
                for (int i = 0; i < perClient; i++) {
                  int row = (client * perClient + i) % expected.length;
                  PredictRequest.Builder request = PredictRequest.newBuilder().setModel(MODEL);
                  if (i % 2 == 0) {
                    request.setEntities(EntityRows.newBuilder().addKeys("row-" + row));
                  } else {
                    DenseRows.Builder dense = request.getDenseBuilder().setNumFeatures(FEATURES);
                    for (int f = 0; f < FEATURES; f++) {
                      dense.addValues(rows[row * FEATURES + f]);
                    }
                  }
                  try {
                    PredictResponse r =
                        stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(request.build());
                    if (Math.abs(r.getValues(0) - expected[row]) > 1e-6) {
                      wrong.incrementAndGet();
                    }
                  } catch (StatusRuntimeException e) {
                    failures.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return new Load(
        clients * perClient, failures.get(), wrong.get(), (System.nanoTime() - start) / 1e9);
  }
}

package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.Rendezvous;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three serving replicas (fakes on Netty ports) behind the gateway: each model's requests reach
 * only its replicas, chosen by rendezvous hashing as any gateway would choose them; a replica that
 * goes away moves only its own models; a hot model spreads.
 */
@ProcessSuite
class GatewayPlacementTest {

  private static final int MODELS = 30;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  private final List<FakeServing> replicas = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      replicas.add(new FakeServing());
      targets.add(replicas.get(i).target());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (FakeServing r : replicas) {
      r.close();
    }
  }

  /** The gateway's placement picks by kind ("own", "spread", "beyond"). */
  private final Map<String, AtomicInteger> picks = new ConcurrentHashMap<>();

  private final GatewayMetrics countPicks =
      new GatewayMetrics() {
        @Override
        public void placementPick(String kind) {
          picks.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }
      };

  private int picks(String kind) {
    AtomicInteger n = picks.get(kind);
    return n == null ? 0 : n.get();
  }

  private ManagedChannel gateway(int replicasPerModel, int hotInFlight) throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(
                Map.of(
                    "gateway.upstream.serving-target",
                    String.join(",", targets),
                    "gateway.upstream.placement.replicas-per-model",
                    Integer.toString(replicasPerModel),
                    "gateway.upstream.placement.hot-in-flight",
                    Integer.toString(hotInFlight),
                    "gateway.batching.enabled",
                    "false"),
                countPicks));
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    // Every replica connected and healthy before placing anything.
    Await.until(
        "all replicas reached",
        Duration.ofSeconds(20),
        () -> {
          predict(channel, "warm-up-" + System.nanoTime());
          return replicas.stream().allMatch(r -> !r.predicts.isEmpty());
        });
    replicas.forEach(r -> r.predicts.clear());
    picks.clear();
    return channel;
  }

  private static void predict(ManagedChannel channel, String model) {
    InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(
            PredictRequest.newBuilder()
                .setModel(model)
                .setVersion(1)
                .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1))
                .build());
  }

  /** Per model, the replicas (by index) its requests reached. */
  private Map<String, Set<Integer>> reached() {
    Map<String, Set<Integer>> out = new HashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      for (PredictRequest r : replicas.get(i).predicts) {
        out.computeIfAbsent(r.getModel(), m -> new HashSet<>()).add(i);
      }
    }
    return out;
  }

  private int expectedReplica(String model, List<Integer> alive) {
    return ranked(model, alive).get(0);
  }

  /** {@code alive} replicas in {@code model}'s rendezvous order, as any gateway ranks them. */
  private List<Integer> ranked(String model, List<Integer> alive) {
    long[] hashes = new long[alive.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = Rendezvous.hash(targets.get(alive.get(i)));
    }
    List<Integer> out = new ArrayList<>();
    for (int i : Rendezvous.rank(Rendezvous.hash(model), hashes)) {
      out.add(alive.get(i));
    }
    return out;
  }

  @Test
  void oneReplicaPerModel_eachModelReachesOnlyItsOwn_asRendezvousHashingSays() throws Exception {
    ManagedChannel channel = gateway(1, 1000);
    for (int m = 0; m < MODELS; m++) {
      for (int i = 0; i < 5; i++) {
        predict(channel, "tenant-" + m);
      }
    }

    Map<String, Set<Integer>> reached = reached();
    Set<Integer> used = new HashSet<>();
    for (int m = 0; m < MODELS; m++) {
      String model = "tenant-" + m;
      assertThat(reached.get(model))
          .as(model)
          .containsExactly(expectedReplica(model, List.of(0, 1, 2)));
      used.addAll(reached.get(model));
    }
    assertThat(used).as("models spread over every replica").containsExactlyInAnyOrder(0, 1, 2);

    // Replica 2 goes away: its models move to the others, every other model stays where it was.
    replicas.get(2).close();
    replicas.forEach(r -> r.predicts.clear());
    for (int m = 0; m < MODELS; m++) {
      predict(channel, "tenant-" + m); // retried past the dead replica if it is still listed
    }
    Await.until(
        "the gateway sees replica 2 gone",
        Duration.ofSeconds(20),
        () -> {
          replicas.forEach(r -> r.predicts.clear());
          for (int m = 0; m < MODELS; m++) {
            predict(channel, "tenant-" + m);
          }
          Map<String, Set<Integer>> now = reached();
          for (int m = 0; m < MODELS; m++) {
            String model = "tenant-" + m;
            if (!now.get(model).equals(Set.of(expectedReplica(model, List.of(0, 1))))) {
              return false;
            }
          }
          return true;
        });
    for (int m = 0; m < MODELS; m++) {
      String model = "tenant-" + m;
      int before = expectedReplica(model, List.of(0, 1, 2));
      if (before != 2) {
        assertThat(reached().get(model)).as(model + " stays").containsExactly(before);
      }
    }
  }

  @Test
  void twoReplicasPerModel_eachModelReachesAtMostTwo() throws Exception {
    ManagedChannel channel = gateway(2, 1000);
    for (int m = 0; m < MODELS; m++) {
      for (int i = 0; i < 10; i++) {
        predict(channel, "tenant-" + m);
      }
    }

    Map<String, Set<Integer>> reached = reached();
    int both = 0;
    for (int m = 0; m < MODELS; m++) {
      assertThat(reached.get("tenant-" + m)).hasSizeLessThanOrEqualTo(2);
      both += reached.get("tenant-" + m).size() == 2 ? 1 : 0;
    }
    assertThat(both)
        .as("requests spread over both of a model's replicas")
        .isGreaterThan(MODELS / 2);
  }

  @Test
  void aHotModel_spreadsPastItsOneReplica() throws Exception {
    ManagedChannel channel = gateway(1, 2);
    for (FakeServing r : replicas) {
      var echo = r.onPredict;
      r.onPredict =
          q -> {
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return echo.apply(q);
          };
    }
    ExecutorService clients = Executors.newFixedThreadPool(12);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int c = 0; c < 12; c++) {
        calls.add(clients.submit(() -> predict(channel, "hot")));
      }
      for (Future<?> f : calls) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }

    assertThat(reached().get("hot")).hasSizeGreaterThan(1);
    assertThat(picks("spread")).as("picks on the widened set").isPositive();

    // The burst over, the set narrows again: one call at a time reaches only the model's own.
    replicas.forEach(r -> r.predicts.clear());
    for (int i = 0; i < 10; i++) {
      predict(channel, "hot");
    }
    assertThat(reached().get("hot")).containsExactly(expectedReplica("hot", List.of(0, 1, 2)));
  }

  @Test
  void retries_walkTheModelsSetFirst_thenReachTheReplicaPastIt() throws Exception {
    ManagedChannel channel = gateway(2, 1000);
    String model = "tenant-7";
    List<Integer> order = ranked(model, List.of(0, 1, 2));
    for (int own : order.subList(0, 2)) {
      replicas.get(own).onPredict =
          q -> {
            throw Status.UNAVAILABLE
                .withDescription("replica " + own + " is down")
                .asRuntimeException();
          };
    }

    predict(channel, model); // three attempts: both of its own, then the one past the set

    Map<String, Set<Integer>> reached = reached();
    assertThat(reached.get(model)).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(replicas.get(order.get(2)).predicts).hasSize(1);
    assertThat(replicas.get(order.get(0)).predicts).hasSize(1);
    assertThat(replicas.get(order.get(1)).predicts).hasSize(1);
    assertThat(picks("own")).isEqualTo(2);
    assertThat(picks("beyond")).isEqualTo(1);
  }
}

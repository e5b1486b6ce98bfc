package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two real serving replicas (fakes on Netty ports) behind the gateway's static list. */
@ProcessSuite
class GatewayResilienceTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final RecordingMetrics metrics = new RecordingMetrics();
  private FakeServing a;
  private FakeServing b;
  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    a = new FakeServing();
    b = new FakeServing();
    gw =
        cleanup.register(
            new RunningGateway(
                Map.of("gateway.upstream.serving-target", a.target() + "," + b.target()), metrics));
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
  }

  private PredictResponse predict(int i) {
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(
            PredictRequest.newBuilder()
                .setModel("m")
                .setVersion(1)
                .setRequestId("r" + i)
                .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(i))
                .build());
  }

  /** Once the budget is spent, a's failures may reach the caller; these loops only count calls. */
  private void tryPredict(int i) {
    try {
      predict(i);
    } catch (RuntimeException e) {
      assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void predict_bothReplicasServe_roundRobin() {
    Await.until(
        "both replicas reached",
        Duration.ofSeconds(20),
        () -> predict(0) != null && !a.predicts.isEmpty() && !b.predicts.isEmpty());
  }

  @Test
  void predict_oneReplicaKilledMidLoad_noRequestFails() throws Exception {
    try (ServingProcess child = new ServingProcess();
        RunningGateway two =
            new RunningGateway(
                Map.of("gateway.upstream.serving-target", child.target() + "," + b.target()))) {
      ManagedChannel toTwo = cleanup.register(GrpcTransports.channel(two.grpcTarget(), 1 << 20));
      var stub = InferenceServiceGrpc.newBlockingStub(toTwo);
      ExecutorService clients = Executors.newFixedThreadPool(16);
      AtomicInteger done = new AtomicInteger();
      java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
          runs.add(
              clients.submit(
                  () -> {
                    for (int i = 0; i < 250; i++) {
                      try {
                        PredictResponse r =
                            stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                                .predict(
                                    PredictRequest.newBuilder()
                                        .setModel("m")
                                        .setVersion(1)
                                        .setRequestId("r" + i)
                                        .setDense(
                                            DenseRows.newBuilder().setNumFeatures(1).addValues(i))
                                        .build());
                        assertThat(r.getRequestId()).isEqualTo("r" + i);
                      } catch (RuntimeException e) {
                        failures.add(Status.fromThrowable(e).toString());
                      }
                      done.incrementAndGet();
                    }
                  }));
        }
        Await.until("load under way", Duration.ofSeconds(60), () -> done.get() >= 1000);
        int bBefore = b.predicts.size();
        child.kill();
        for (Future<?> run : runs) {
          run.get(120, TimeUnit.SECONDS);
        }
        assertThat(failures).isEmpty();
        assertThat(done.get()).isEqualTo(4000);
        assertThat(b.predicts.size()).isGreaterThan(bBefore);
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @Test
  void replicaOutcomes_areCountedPerReplica_andTheChannelStateIsObserved() {
    Await.until(
        "both replicas reached",
        Duration.ofSeconds(20),
        () -> predict(0) != null && !a.predicts.isEmpty() && !b.predicts.isEmpty());
    assertThat(metrics.channelState.get()).isEqualTo("READY");
    a.onPredict =
        r -> {
          throw Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException();
        };
    for (int i = 0; i < 6; i++) {
      predict(i);
    }
    assertThat(metrics.replicaOutcomes).contains(a.target() + " UNAVAILABLE", b.target() + " OK");
    assertThat(metrics.replicaOutcomes)
        .doesNotContain(b.target() + " UNAVAILABLE", a.target() + " NOT_FOUND");
  }

  @Test
  void predict_replicaFailingWithUnavailable_isRetriedElsewhere_ejected_thenReadmitted() {
    Await.until(
        "both replicas reached",
        Duration.ofSeconds(20),
        () -> predict(0) != null && !a.predicts.isEmpty() && !b.predicts.isEmpty());
    a.onPredict =
        r -> {
          throw Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException();
        };
    // Within the retry budget (10 per window plus 20 % of requests) no caller sees a's failures.
    for (int i = 0; i < 10; i++) {
      assertThat(predict(i).getRequestId()).isEqualTo("r" + i);
    }
    assertThat(metrics.retries.get()).isPositive();
    // Outlier detection ejects the failing replica: a run of requests reaches only b.
    Await.until(
        "replica a ejected",
        Duration.ofSeconds(20),
        () -> {
          int before = a.predicts.size();
          for (int i = 0; i < 20; i++) {
            tryPredict(i);
          }
          return a.predicts.size() == before;
        });
    a.onPredict = FakeServing::oneValuePerRow;
    Await.until(
        "replica a re-admitted",
        Duration.ofSeconds(30),
        () -> {
          int before = a.predicts.size();
          for (int i = 0; i < 20; i++) {
            tryPredict(i);
          }
          return a.predicts.size() > before;
        });
  }
}

package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hedging: one replica never answers until cancelled, the other answers at once. */
class GatewayHedgingTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final AtomicInteger slowCancelled = new AtomicInteger();
  private FakeServing slow;
  private FakeServing fast;
  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    slow = new FakeServing();
    fast = new FakeServing();
    slow.onPredict =
        r -> {
          Context call = Context.current();
          Await.until("the hedge's loser cancelled", Duration.ofSeconds(20), call::isCancelled);
          slowCancelled.incrementAndGet();
          throw Status.CANCELLED.asRuntimeException();
        };
    gw =
        cleanup.register(
            new RunningGateway(
                Map.of(
                    "gateway.upstream.serving-target", slow.target() + "," + fast.target(),
                    "gateway.upstream.hedging.delay", "50ms",
                    "gateway.batching.enabled", "false"),
                metrics));
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
  }

  @AfterEach
  void stop() throws Exception {
    slow.close();
    fast.close();
  }

  @Test
  void predict_slowReplica_isHedgedToTheFastOne_andTheLoserIsCancelled() {
    for (int i = 0; i < 8; i++) {
      // Without hedging a call the slow replica took would run into this deadline.
      assertThat(
              InferenceServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .predict(
                      PredictRequest.newBuilder()
                          .setModel("m")
                          .setVersion(1)
                          .setRequestId("r" + i)
                          .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(i))
                          .build())
                  .getRequestId())
          .isEqualTo("r" + i);
    }
    assertThat(slow.predicts).isNotEmpty();
    assertThat(metrics.hedges.get()).isPositive();
    Await.until("a loser cancelled", Duration.ofSeconds(10), () -> slowCancelled.get() > 0);
  }
}

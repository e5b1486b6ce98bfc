package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.Observers;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's thread model (see {@link GatewayServer}), on the real wiring: a gRPC Predict runs
 * on Netty's event loops from the handler to the relayed answer, with no executor hand-off; a call
 * waiting on serving holds no event loop; the HTTP front's blocking waits are on virtual threads.
 */
class GatewayThreadsTest {

  /** grpc-netty's shared worker loops (epoll or NIO); the default executor is not one of them. */
  private static final String EVENT_LOOP = "grpc-(default|nio)-worker-ELG-\\d+-\\d+";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final ThreadProbe probe = new ThreadProbe();
  private RunningGateway gw;
  private ManagedChannel channel;

  /** Records the thread of the first call of each hook it cares about. */
  private static final class ThreadProbe implements GatewayMetrics {
    /** Batcher.send, which runs in the handler when a batch slot is free. */
    final CompletableFuture<Thread> batchSent = new CompletableFuture<>();

    /** The upstream call's own completion callback. */
    final CompletableFuture<Thread> upstreamAnswered = new CompletableFuture<>();

    /** The pipeline's completion, just before the answer is relayed to the caller. */
    final CompletableFuture<Thread> requestDone = new CompletableFuture<>();

    @Override
    public void batchRows(int rows) {
      batchSent.complete(Thread.currentThread());
    }

    @Override
    public void upstreamLatency(long nanos) {
      upstreamAnswered.complete(Thread.currentThread());
    }

    @Override
    public void request(
        String front, String model, String version, String route, String code, long nanos) {
      requestDone.complete(Thread.currentThread());
    }
  }

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of(), probe));
    channel =
        cleanup.register(
            GrpcTransports.channel(
                gw.grpcTarget(), GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
  }

  @Test
  void grpcPredict_runsOnEventLoopsFromHandlerToAnswer() throws Exception {
    PredictResponse response =
        InferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .predict(oneRow().setVersion(1).build());

    assertThat(response.getValuesList()).containsExactly(0.5f);
    // Routed, batched and sent upstream on the loop that read the call...
    assertThat(probe.batchSent.get(10, TimeUnit.SECONDS).getName()).matches(EVENT_LOOP);
    // ...and serving's answer completed and relayed on the loop that read it.
    assertThat(probe.upstreamAnswered.get(10, TimeUnit.SECONDS).getName()).matches(EVENT_LOOP);
    assertThat(probe.requestDone.get(10, TimeUnit.SECONDS).getName()).matches(EVENT_LOOP);
  }

  @Test
  void grpcPredictsWaitingOnServing_leaveTheEventLoopsFree() throws Exception {
    // More calls than the loop group has threads (Netty's default: two per core).
    int calls = Runtime.getRuntime().availableProcessors() * 2 + 1;
    CountDownLatch arrived = new CountDownLatch(calls);
    CountDownLatch release = new CountDownLatch(1);
    gw.serving.onPredict =
        request -> {
          arrived.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeServing.oneValuePerRow(request);
        };
    List<CompletableFuture<PredictResponse>> answers = new ArrayList<>();
    InferenceServiceGrpc.InferenceServiceStub async =
        InferenceServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    for (int i = 0; i < calls; i++) {
      // No version: not batched, so every call is its own upstream call, all of them waiting.
      CompletableFuture<PredictResponse> answer = new CompletableFuture<>();
      async.predict(oneRow().build(), Observers.completing(answer));
      answers.add(answer);
    }
    assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();

    // Every one of them is waiting on serving, yet the gateway still answers, locally and upstream.
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(
            InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel("iris").build())
                .getVersionsCount())
        .isEqualTo(1);

    release.countDown();
    for (CompletableFuture<PredictResponse> answer : answers) {
      assertThat(answer.get(30, TimeUnit.SECONDS).getValuesList()).containsExactly(0.5f);
    }
  }

  @Test
  void httpPredict_waitsOnAVirtualThread() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris/versions/1:predict", "{\"instances\": [[1, 2]]}");

    assertThat(response.statusCode()).isEqualTo(200);
    // The HTTP handler, which blocks until the answer, sent the batch itself: not a Netty loop.
    Thread handler = probe.batchSent.get(10, TimeUnit.SECONDS);
    assertThat(handler.isVirtual()).isTrue();
    assertThat(handler.getName()).doesNotMatch(EVENT_LOOP);
  }

  private static PredictRequest.Builder oneRow() {
    return PredictRequest.newBuilder()
        .setModel("iris")
        .setDense(DenseRows.newBuilder().setNumFeatures(2).addValues(1).addValues(2));
  }
}

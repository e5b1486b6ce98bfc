package io.canopy.gateway.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchersTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<PredictRequest> sent = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static BatchingSettings settings(int maxInFlight, String... unbatched) {
    return new BatchingSettings(true, 64, maxInFlight, Duration.ZERO, Set.of(unbatched));
  }

  private Batchers batchers(PredictCall upstream, BatchingSettings settings) {
    PredictCall recording =
        (request, deadline) -> {
          sent.add(request);
          return upstream.predict(request, deadline);
        };
    return new Batchers(
        recording, settings, scheduler, System::nanoTime, GatewayMetrics.NOOP, Tracing.off());
  }

  /** Rows of two features; the first is the caller's id, the second the row's index. */
  private static PredictRequest rows(String model, int caller, int count) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(2);
    for (int i = 0; i < count; i++) {
      dense.addValues(caller).addValues(i);
    }
    return PredictRequest.newBuilder()
        .setModel(model)
        .setVersion(1)
        .setDense(dense)
        .setRequestId("r" + caller)
        .build();
  }

  /** Answers each row with caller * 1000 + row index, shape [rows, 1]. */
  private static PredictResponse echo(PredictRequest request) {
    PredictResponse.Builder response =
        PredictResponse.newBuilder().setModel(request.getModel()).setVersion(request.getVersion());
    List<Float> v = request.getDense().getValuesList();
    int rows = v.size() / 2;
    response.addShape(rows).addShape(1);
    for (int r = 0; r < rows; r++) {
      response.addValues(v.get(2 * r) * 1000 + v.get(2 * r + 1));
    }
    return response.build();
  }

  private static Deadline soon() {
    return Deadline.after(10, TimeUnit.SECONDS);
  }

  @Test
  void predict_concurrentCallers_eachGetsExactlyItsOwnRows() throws Exception {
    ExecutorService upstreamPool = Executors.newFixedThreadPool(2);
    ExecutorService callers = Executors.newFixedThreadPool(32);
    try {
      Batchers batchers =
          batchers(
              (r, d) -> CompletableFuture.supplyAsync(() -> echo(r), upstreamPool), settings(2));
      List<CompletableFuture<Void>> checks = new ArrayList<>();
      for (int caller = 0; caller < 2000; caller++) {
        int id = caller;
        int count = 1 + caller % 3;
        checks.add(
            CompletableFuture.runAsync(
                () -> {
                  PredictResponse response = batchers.predict(rows("m", id, count), soon()).join();
                  assertThat(response.getRequestId()).isEqualTo("r" + id);
                  assertThat(response.getShapeList()).containsExactly(count, 1);
                  for (int i = 0; i < count; i++) {
                    assertThat(response.getValues(i)).isEqualTo(id * 1000f + i);
                  }
                },
                callers));
      }
      CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      int upstreamRows = sent.stream().mapToInt(BatchCodec::rows).sum();
      assertThat(upstreamRows).isEqualTo(2000 / 3 * 6 + 1 + 2);
    } finally {
      callers.shutdownNow();
      upstreamPool.shutdownNow();
    }
  }

  @Test
  void predict_whileTheSlotIsBusy_arrivalsLeaveTogetherInOneBatch() {
    List<CompletableFuture<PredictResponse>> upstream = new ArrayList<>();
    Batchers batchers =
        batchers(
            (r, d) -> {
              CompletableFuture<PredictResponse> f = new CompletableFuture<>();
              synchronized (upstream) {
                upstream.add(f);
              }
              return f.thenApply(ignored -> echo(r));
            },
            settings(1));
    CompletableFuture<PredictResponse> first = batchers.predict(rows("m", 1, 1), soon());
    CompletableFuture<PredictResponse> second = batchers.predict(rows("m", 2, 2), soon());
    CompletableFuture<PredictResponse> third = batchers.predict(rows("m", 3, 1), soon());
    assertThat(sent).hasSize(1);
    upstream.get(0).complete(PredictResponse.getDefaultInstance());
    assertThat(first.join().getValues(0)).isEqualTo(1000f);
    assertThat(sent).hasSize(2);
    assertThat(BatchCodec.rows(List.copyOf(sent).get(1))).isEqualTo(3);
    upstream.get(1).complete(PredictResponse.getDefaultInstance());
    assertThat(second.join().getValuesList()).containsExactly(2000f, 2001f);
    assertThat(third.join().getValuesList()).containsExactly(3000f);
  }

  @Test
  void predict_unbatchedModel_goesUpstreamAlone() {
    Batchers batchers = batchers((r, d) -> new CompletableFuture<>(), settings(1, "solo"));
    for (int i = 0; i < 3; i++) {
      batchers.predict(rows("solo", i, 1), soon());
    }
    assertThat(sent).hasSize(3);
  }

  @Test
  void predict_deadlinePassedWhileQueued_failsWithDeadlineExceededWithoutComputing() {
    CompletableFuture<PredictResponse> busy = new CompletableFuture<>();
    Batchers batchers = batchers((r, d) -> busy.thenApply(x -> echo(r)), settings(1));
    batchers.predict(rows("m", 1, 1), soon());
    CompletableFuture<PredictResponse> late =
        batchers.predict(rows("m", 2, 1), Deadline.after(-1, TimeUnit.NANOSECONDS));
    busy.complete(PredictResponse.getDefaultInstance());
    assertThatThrownBy(late::get)
        .isInstanceOf(ExecutionException.class)
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(sent).hasSize(1);
  }

  @Test
  void predict_invalidBatch_isRetriedPerCaller_soOnlyTheBadOneFails() {
    CompletableFuture<PredictResponse> busy = new CompletableFuture<>();
    Batchers batchers =
        batchers(
            (r, d) -> {
              if (r.getDense().getValuesList().contains(-1f)) {
                return CompletableFuture.failedFuture(Status.INVALID_ARGUMENT.asRuntimeException());
              }
              return busy.thenApply(x -> echo(r));
            },
            settings(1));
    CompletableFuture<PredictResponse> first = batchers.predict(rows("m", 1, 1), soon());
    CompletableFuture<PredictResponse> good = batchers.predict(rows("m", 2, 1), soon());
    CompletableFuture<PredictResponse> bad = batchers.predict(rows("m", -1, 1), soon());
    busy.complete(PredictResponse.getDefaultInstance());
    assertThat(first.join().getValues(0)).isEqualTo(1000f);
    assertThat(good.join().getValues(0)).isEqualTo(2000f);
    assertThatThrownBy(bad::join)
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT));
  }
}

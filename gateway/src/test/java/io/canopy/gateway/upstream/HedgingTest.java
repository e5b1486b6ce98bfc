package io.canopy.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.Await;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgingTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<CompletableFuture<String>> started = new CopyOnWriteArrayList<>();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final CountDownLatch secondStarted = new CountDownLatch(2);
  private final List<Boolean> hedgeFlags = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private Hedging.Attempt<String> attempt(boolean hedge) {
    hedgeFlags.add(hedge);
    CompletableFuture<String> result = new CompletableFuture<>();
    started.add(result);
    secondStarted.countDown();
    return new Hedging.Attempt<>(result, cancelled::incrementAndGet);
  }

  /**
   * Waits until the race listens to {@code attempt}: the hedge is counted as started inside the
   * attempt supplier, a moment before the race registers its completion callback.
   */
  private static void awaitWatched(CompletableFuture<String> attempt) {
    Await.until(
        "the race listens to the attempt",
        Duration.ofSeconds(10),
        () -> attempt.getNumberOfDependents() > 0);
  }

  @Test
  void off_sendsOneAttempt() {
    CompletableFuture<String> result =
        new Hedging(Duration.ZERO, scheduler, () -> true, GatewayMetrics.NOOP)
            .run(this::attempt, () -> true);
    started.get(0).complete("a");
    assertThat(result).isCompletedWithValue("a");
    assertThat(started).hasSize(1);
  }

  @Test
  void slowFirst_isHedged_theFirstAnswerWins_andTheLoserIsCancelled() throws Exception {
    AtomicInteger hedges = new AtomicInteger();
    GatewayMetrics metrics =
        new GatewayMetrics() {
          @Override
          public void hedge() {
            hedges.incrementAndGet();
          }
        };
    CompletableFuture<String> result =
        new Hedging(Duration.ofMillis(10), scheduler, () -> true, metrics)
            .run(this::attempt, () -> true);
    assertThat(secondStarted.await(10, TimeUnit.SECONDS)).isTrue();
    started.get(1).complete("hedge");
    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(cancelled.get()).isEqualTo(1);
    assertThat(hedges.get()).isEqualTo(1);
    // The second start is the hedge (its span says so).
    assertThat(hedgeFlags).containsExactly(false, true);
  }

  @Test
  void hedgeFailing_waitsForTheOther_bothFailing_failsWithTheLast() throws Exception {
    CompletableFuture<String> result =
        new Hedging(Duration.ofMillis(10), scheduler, () -> true, GatewayMetrics.NOOP)
            .run(this::attempt, () -> true);
    assertThat(secondStarted.await(10, TimeUnit.SECONDS)).isTrue();
    awaitWatched(started.get(1));
    started.get(1).completeExceptionally(Status.UNAVAILABLE.asRuntimeException());
    assertThat(result).isNotDone();
    started.get(0).completeExceptionally(Status.INTERNAL.asRuntimeException());
    assertThat(result).isCompletedExceptionally();
    assertThat(Status.fromThrowable(result.handle((r, t) -> t).join()).getCode())
        .isEqualTo(Status.Code.INTERNAL);
  }

  @Test
  void budgetSpent_orFirstFailedEarly_noHedge() throws Exception {
    CompletableFuture<String> noBudget =
        new Hedging(Duration.ofMillis(1), scheduler, () -> false, GatewayMetrics.NOOP)
            .run(this::attempt, () -> true);
    // The scheduler is single-threaded: once this runs, the hedge timer has run and declined.
    scheduler.schedule(() -> {}, 5, TimeUnit.MILLISECONDS).get();
    assertThat(started).hasSize(1);
    started.get(0).complete("a");
    assertThat(noBudget).isCompletedWithValue("a");

    started.clear();
    CompletableFuture<String> failed =
        new Hedging(Duration.ofSeconds(30), scheduler, () -> true, GatewayMetrics.NOOP)
            .run(this::attempt, () -> true);
    started.get(0).completeExceptionally(Status.UNAVAILABLE.asRuntimeException());
    assertThat(failed).isCompletedExceptionally();
    assertThat(started).hasSize(1);
  }
}

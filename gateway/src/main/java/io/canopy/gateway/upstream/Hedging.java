package io.canopy.gateway.upstream;

import io.canopy.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Hedged upstream attempts: when the first has not answered after the delay, a second is sent
 * (round_robin hands it to the next replica), the first success wins and the other is cancelled. A
 * hedge spends the retry budget, so hedges and retries together stay within it. If every attempt
 * started fails, the last failure is the outcome (and the Retry around may try again).
 */
final class Hedging {

  /** One upstream attempt that can be cancelled. */
  record Attempt<T>(CompletableFuture<T> result, Runnable cancel) {}

  /** Starts an attempt; {@code hedge} is true for the copy sent after the delay. */
  @FunctionalInterface
  interface Starter<T> {
    Attempt<T> start(boolean hedge);
  }

  private final long delayNanos;
  private final ScheduledExecutorService scheduler;
  private final BooleanSupplier budget;
  private final GatewayMetrics metrics;

  /**
   * @param budget true, and counted, when one more attempt fits in the retry budget
   */
  Hedging(
      Duration delay,
      ScheduledExecutorService scheduler,
      BooleanSupplier budget,
      GatewayMetrics metrics) {
    this.delayNanos = delay.toNanos();
    this.scheduler = scheduler;
    this.budget = budget;
    this.metrics = metrics;
  }

  /**
   * @param mayStart false when a hedge would start too late (the deadline passed)
   */
  <T> CompletableFuture<T> run(Starter<T> start, BooleanSupplier mayStart) {
    if (delayNanos == 0) {
      return start.start(false).result();
    }
    Race<T> race = new Race<>();
    race.start(start, false);
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () -> {
              if (!race.winner.isDone() && mayStart.getAsBoolean() && budget.getAsBoolean()) {
                metrics.hedge();
                race.start(start, true);
              }
            },
            delayNanos,
            TimeUnit.NANOSECONDS);
    race.winner.whenComplete((r, t) -> timer.cancel(false));
    return race.winner;
  }

  private static final class Race<T> {
    final CompletableFuture<T> winner = new CompletableFuture<>();
    private final List<Attempt<T>> attempts = new ArrayList<>();
    private int running;
    private boolean decided;

    void start(Starter<T> start, boolean hedge) {
      Attempt<T> attempt;
      synchronized (this) {
        if (decided) {
          return;
        }
        running++;
        attempt = start.start(hedge);
        attempts.add(attempt);
      }
      attempt.result().whenComplete((value, failure) -> finished(value, failure));
    }

    private void finished(T value, Throwable failure) {
      List<Attempt<T>> losers;
      synchronized (this) {
        running--;
        if (decided || (failure != null && running > 0)) {
          return;
        }
        decided = true;
        losers = List.copyOf(attempts);
      }
      if (failure != null) {
        winner.completeExceptionally(failure);
        return;
      }
      // Losers are cancelled before the caller hears of the winner.
      for (Attempt<T> loser : losers) {
        if (!loser.result().isDone()) {
          loser.cancel().run();
        }
      }
      winner.complete(value);
    }
  }
}

package io.canopy.gateway.upstream;

import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.retry.Backoff;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.Placement;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one place upstream calls are retried: Resilience4j Retry on UNAVAILABLE only, with Canopy's
 * jittered exponential {@link Backoff}, within a {@link RetryBudget}, and each attempt carrying
 * what is left of the caller's deadline; the model's placement sends the next attempt to its next
 * replica ({@link Placement}). Calls run outside the caller's gRPC context: a batch serves several
 * callers and must not be cancelled by one of them. With {@code hedging.delay} set, each attempt
 * may be hedged ({@link Hedging}).
 */
public final class ResilientPredict implements PredictCall {

  private final InferenceServiceGrpc.InferenceServiceStub stub;
  private final Retry retry;
  private final RetryBudget budget;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final GatewayMetrics metrics;
  private final Hedging hedging;
  private final Placement placement;

  ResilientPredict(
      InferenceServiceGrpc.InferenceServiceStub stub,
      Placement placement,
      RetrySettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics) {
    this.stub = stub;
    this.placement = placement;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
    this.budget =
        new RetryBudget(
            settings.budgetRatio(), settings.budgetMinRetries(), settings.budgetWindow(), nanoTime);
    Backoff backoff =
        new Backoff(
            settings.initialBackoff(),
            settings.maxBackoff(),
            // Shared by the event loops: each thread draws from its own generator.
            () -> ThreadLocalRandom.current().nextLong());
    this.hedging = new Hedging(settings.hedgingDelay(), scheduler, this::spendOnHedge, metrics);
    this.retry =
        Retry.of(
            "serving-predict",
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                // Canopy's one backoff; attempts count from 1 here, retries from 0 there.
                .intervalFunction(attempt -> backoff.delay(attempt - 1).toMillis())
                .retryOnException(this::shouldRetry)
                .failAfterMaxAttempts(false)
                .build());
  }

  /**
   * UNAVAILABLE is retried up to max-attempts. A replica's own UNAVAILABLE spends the retry budget
   * (a struggling fleet must not get more calls than it was sent); one no replica answered — the
   * channel could not reach it, as when a host is cut off — does not, since it cost no replica
   * anything: NetworkFaultsTest lost calls to a spent budget in the second a partition began.
   */
  private boolean shouldRetry(Throwable t) {
    Throwable cause = UpstreamErrors.unwrap(t);
    if (Status.fromThrowable(cause).getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    if (!UpstreamErrors.unansweredUnavailable(cause) && !budget.tryRetry()) {
      metrics.retryBudgetExhausted();
      return false;
    }
    metrics.retry();
    return true;
  }

  private boolean spendOnHedge() {
    if (budget.tryRetry()) {
      return true;
    }
    metrics.retryBudgetExhausted();
    return false;
  }

  @Override
  public CompletableFuture<PredictResponse> predict(PredictRequest request, Deadline deadline) {
    AtomicInteger attempts = new AtomicInteger();
    int salt = ThreadLocalRandom.current().nextInt();
    return withRetries(
        () ->
            hedging.run(
                () -> attempt(request, deadline, attempts.getAndIncrement(), salt),
                () -> !deadline.isExpired()));
  }

  /** Any idempotent unary upstream call, with the same retries, budget and backoff. */
  public <T> CompletableFuture<T> withRetries(Supplier<CompletableFuture<T>> attempt) {
    budget.onRequest();
    CompletionStage<T> stage = Retry.decorateCompletionStage(retry, scheduler, attempt::get).get();
    return stage.toCompletableFuture();
  }

  /** Attempt {@code n} (0 first; retries and hedges count on) goes to the model's replicas. */
  private Hedging.Attempt<PredictResponse> attempt(
      PredictRequest request, Deadline deadline, int n, int salt) {
    if (deadline.isExpired()) {
      // A backoff may end after the deadline: never call upstream past it.
      return new Hedging.Attempt<>(
          CompletableFuture.failedFuture(
              Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException()),
          () -> {});
    }
    FutureObserver<PredictRequest, PredictResponse> call = new FutureObserver<>();
    long start = nanoTime.getAsLong();
    CompletableFuture<PredictResponse> result =
        call.future().whenComplete((r, t) -> metrics.upstreamLatency(nanoTime.getAsLong() - start));
    InferenceServiceGrpc.InferenceServiceStub placed =
        placement.forModel(stub, request.getModel(), n, salt);
    Context.ROOT.run(() -> placed.withDeadline(deadline).predict(request, call));
    return new Hedging.Attempt<>(result, () -> call.cancel("a hedged attempt answered first"));
  }
}

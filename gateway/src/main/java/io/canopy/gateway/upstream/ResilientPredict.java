package io.canopy.gateway.upstream;

import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one place upstream Predicts are retried: Resilience4j Retry on UNAVAILABLE only, with
 * jittered exponential backoff, within a {@link RetryBudget}, and each attempt carrying what is
 * left of the caller's deadline (round_robin sends the next attempt to another replica). Calls
 * run outside the caller's gRPC context: a batch serves several callers and must not be
 * cancelled by one of them. With {@code hedging.delay} set, each attempt may be hedged ({@link
 * Hedging}).
 */
public final class ResilientPredict implements PredictCall {

  private final InferenceServiceGrpc.InferenceServiceStub stub;
  private final Retry retry;
  private final RetryBudget budget;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final GatewayMetrics metrics;
  private final Hedging hedging;

  ResilientPredict(
      InferenceServiceGrpc.InferenceServiceStub stub,
      RetrySettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics) {
    this.stub = stub;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
    this.budget =
        new RetryBudget(settings.budgetRatio(), settings.budgetMinRetries(), settings.budgetWindow(), nanoTime);
    this.hedging = new Hedging(settings.hedgingDelay(), scheduler, this::spendOnHedge, metrics);
    this.retry =
        Retry.of(
            "serving-predict",
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff()))
                .retryOnException(this::shouldRetry)
                .failAfterMaxAttempts(false)
                .build());
  }

  private boolean shouldRetry(Throwable t) {
    Throwable cause = UpstreamErrors.unwrap(t);
    if (Status.fromThrowable(cause).getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    if (!budget.tryRetry()) {
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
    return withRetries(
        () -> hedging.run(() -> attempt(request, deadline), () -> !deadline.isExpired()));
  }

  /** Any idempotent unary upstream call, with the same retries, budget and backoff. */
  public <T> CompletableFuture<T> withRetries(Supplier<CompletableFuture<T>> attempt) {
    budget.onRequest();
    CompletionStage<T> stage = Retry.decorateCompletionStage(retry, scheduler, attempt::get).get();
    return stage.toCompletableFuture();
  }

  private Hedging.Attempt<PredictResponse> attempt(PredictRequest request, Deadline deadline) {
    CompletableFuture<PredictResponse> result = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<PredictRequest>> call = new AtomicReference<>();
    Hedging.Attempt<PredictResponse> attempt =
        new Hedging.Attempt<>(
            result,
            () -> {
              ClientCallStreamObserver<PredictRequest> c = call.get();
              if (c != null) {
                c.cancel("a hedged attempt answered first", null);
              }
            });
    if (deadline.isExpired()) {
      // A backoff may end after the deadline: never call upstream past it.
      result.completeExceptionally(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException());
      return attempt;
    }
    long start = nanoTime.getAsLong();
    Context.ROOT.run(
        () ->
            stub.withDeadline(deadline)
                .predict(
                    request,
                    new ClientResponseObserver<PredictRequest, PredictResponse>() {
                      @Override
                      public void beforeStart(ClientCallStreamObserver<PredictRequest> stream) {
                        call.set(stream);
                      }

                      @Override
                      public void onNext(PredictResponse value) {
                        result.complete(value);
                      }

                      @Override
                      public void onError(Throwable t) {
                        metrics.upstreamLatency(nanoTime.getAsLong() - start);
                        result.completeExceptionally(t);
                      }

                      @Override
                      public void onCompleted() {
                        metrics.upstreamLatency(nanoTime.getAsLong() - start);
                        if (!result.isDone()) {
                          result.completeExceptionally(
                              Status.INTERNAL.withDescription("no response").asRuntimeException());
                        }
                      }
                    }));
    return attempt;
  }
}

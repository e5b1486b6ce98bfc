package io.canopy.gateway.upstream;

import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.retry.Backoff;
import io.canopy.common.tracing.CallAttempt;
import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
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
  private final Tracing tracing;

  ResilientPredict(
      InferenceServiceGrpc.InferenceServiceStub stub,
      Placement placement,
      RetrySettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics,
      Tracing tracing) {
    this.stub = stub;
    this.tracing = tracing;
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

  /**
   * With tracing on, the call is a {@code canopy.upstream} span, child of the current context (the
   * batch's, or the caller's when unbatched), over a client span per attempt, retry and hedge.
   */
  @Override
  public CompletableFuture<PredictResponse> predict(PredictRequest request, Deadline deadline) {
    AtomicInteger attempts = new AtomicInteger();
    int salt = ThreadLocalRandom.current().nextInt();
    if (!tracing.enabled()) {
      return withRetries(
          () ->
              hedging.run(
                  hedge ->
                      attempt(request, deadline, attempts.getAndIncrement(), salt, null, hedge),
                  () -> !deadline.isExpired()));
    }
    io.opentelemetry.context.Context parent = io.opentelemetry.context.Context.current();
    Span span = tracing.start("canopy.upstream", parent);
    span.setAttribute(TraceAttributes.MODEL, request.getModel());
    if (request.getVersionSelectorCase() == PredictRequest.VersionSelectorCase.VERSION) {
      span.setAttribute(TraceAttributes.VERSION, request.getVersion());
    }
    io.opentelemetry.context.Context traced = parent.with(span);
    CompletableFuture<PredictResponse> result;
    try (Scope ignored = traced.makeCurrent()) {
      result =
          withRetries(
              () ->
                  hedging.run(
                      hedge ->
                          attempt(
                              request, deadline, attempts.getAndIncrement(), salt, traced, hedge),
                      () -> !deadline.isExpired()));
    }
    return result.whenComplete(
        (response, failure) -> {
          span.setAttribute(TraceAttributes.ATTEMPTS, attempts.get());
          Spans.end(span, failure);
        });
  }

  /**
   * Any idempotent unary upstream call, with the same retries, budget and backoff. Each attempt,
   * also a retry on the scheduler's thread, runs in the trace context current now.
   */
  public <T> CompletableFuture<T> withRetries(Supplier<CompletableFuture<T>> attempt) {
    budget.onRequest();
    Supplier<CompletableFuture<T>> call = attempt;
    if (tracing.enabled()) {
      io.opentelemetry.context.Context context = io.opentelemetry.context.Context.current();
      call =
          () -> {
            try (Scope ignored = context.makeCurrent()) {
              return attempt.get();
            }
          };
    }
    CompletionStage<T> stage = Retry.decorateCompletionStage(retry, scheduler, call::get).get();
    return stage.toCompletableFuture();
  }

  /**
   * Attempt {@code n} (0 first; retries and hedges count on) goes to the model's replicas; traced
   * (when not null) as attempt {@code n + 1}, a hedge or not.
   */
  private Hedging.Attempt<PredictResponse> attempt(
      PredictRequest request,
      Deadline deadline,
      int n,
      int salt,
      io.opentelemetry.context.Context traced,
      boolean hedge) {
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
    if (traced == null) {
      Context.ROOT.run(() -> placed.withDeadline(deadline).predict(request, call));
    } else {
      // The client span of this call is the attempt's: made current where the call is created.
      try (Scope ignored = new CallAttempt(n + 1, hedge).in(traced).makeCurrent()) {
        Context.ROOT.run(() -> placed.withDeadline(deadline).predict(request, call));
      }
    }
    return new Hedging.Attempt<>(result, () -> call.cancel("a hedged attempt answered first"));
  }
}

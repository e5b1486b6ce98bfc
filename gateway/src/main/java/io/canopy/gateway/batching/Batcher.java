package io.canopy.gateway.batching;

import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The adaptive micro-batch queue of one (model, version, output, row layout). A request goes
 * upstream at once while fewer than {@code maxInFlight} batches are in flight; otherwise it waits
 * and, when a batch returns, every waiting row (up to {@code maxBatchRows}) leaves together. With a
 * {@code maxDelay} a lone request also waits up to that long for company.
 */
final class Batcher {

  private final PredictCall upstream;
  private final int maxBatchRows;
  private final int maxInFlight;
  private final long maxDelayNanos;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final GatewayMetrics metrics;
  private final Tracing tracing;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedRows;
  private int inFlight;
  private boolean flushScheduled;

  Batcher(
      PredictCall upstream,
      BatchingSettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics,
      Tracing tracing) {
    this.upstream = upstream;
    this.tracing = tracing;
    this.maxBatchRows = settings.maxBatchRows();
    this.maxInFlight = settings.maxInFlight();
    this.maxDelayNanos = settings.maxDelay().toNanos();
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
  }

  void submit(Pending pending) {
    List<Pending> batch;
    synchronized (this) {
      queue.add(pending);
      queuedRows += pending.rows();
      batch = takeIfSlotFree(false);
    }
    if (batch != null) {
      send(batch);
    }
  }

  /** Under the lock: the next batch when a slot is free (and the delay, if any, has passed). */
  private List<Pending> takeIfSlotFree(boolean flushing) {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return null;
    }
    if (maxDelayNanos > 0 && !flushing && queuedRows < maxBatchRows) {
      long waited = nanoTime.getAsLong() - queue.peekFirst().enqueuedNanos();
      if (waited < maxDelayNanos) {
        if (!flushScheduled) {
          flushScheduled = true;
          scheduler.schedule(this::flush, maxDelayNanos - waited, TimeUnit.NANOSECONDS);
        }
        return null;
      }
    }
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    while (!queue.isEmpty()
        && (batch.isEmpty() || rows + queue.peekFirst().rows() <= maxBatchRows)) {
      Pending next = queue.pollFirst();
      rows += next.rows();
      batch.add(next);
    }
    queuedRows -= rows;
    inFlight++;
    return batch;
  }

  private void flush() {
    List<Pending> batch;
    synchronized (this) {
      flushScheduled = false;
      batch = takeIfSlotFree(true);
    }
    if (batch != null) {
      send(batch);
    }
  }

  private void send(List<Pending> taken) {
    long now = nanoTime.getAsLong();
    List<Pending> batch = new ArrayList<>(taken.size());
    Deadline latest = null;
    int rows = 0;
    for (Pending p : taken) {
      metrics.queueWait(now - p.enqueuedNanos());
      if (p.deadline().isExpired()) {
        p.result()
            .completeExceptionally(
                Status.DEADLINE_EXCEEDED
                    .withDescription("deadline passed in the batch queue")
                    .asRuntimeException());
        continue;
      }
      batch.add(p);
      rows += p.rows();
      // The batch may run until its most patient member's deadline; earlier callers time out alone.
      latest = latest == null || latest.isBefore(p.deadline()) ? p.deadline() : latest;
    }
    if (batch.isEmpty()) {
      done();
      return;
    }
    metrics.batchRows(rows);
    int totalRows = rows;
    // The upstream call (and its retries) run in the batch's trace context, under its first
    // request's; with tracing off that is the root context, and nothing here allocates.
    Span span = tracing.enabled() ? batchSpan(batch, rows) : Span.getInvalid();
    Context trace = tracing.enabled() ? batch.get(0).trace().with(span) : batch.get(0).trace();
    CompletableFuture<PredictResponse> sent;
    try (Scope ignored = trace.makeCurrent()) {
      sent = upstream.predict(BatchCodec.merge(batch), latest);
    }
    sent.whenComplete(
        (response, failure) -> {
          Spans.end(span, failure);
          try {
            if (failure != null) {
              fail(batch, failure);
            } else {
              complete(batch, response, totalRows);
            }
          } finally {
            done();
          }
        });
  }

  /**
   * {@code canopy.batch}: child of the first request's span (a batch belongs to one trace), linked
   * to the span of every request it carries, so each caller's trace leads to the batch that served
   * it.
   */
  private Span batchSpan(List<Pending> batch, int rows) {
    PredictRequest first = batch.get(0).request();
    SpanBuilder builder =
        tracing
            .tracer()
            .spanBuilder("canopy.batch")
            .setParent(batch.get(0).trace())
            .setAttribute(TraceAttributes.MODEL, first.getModel())
            .setAttribute(TraceAttributes.VERSION, first.getVersion())
            .setAttribute(TraceAttributes.BATCH_ROWS, rows)
            .setAttribute(TraceAttributes.BATCH_REQUESTS, batch.size());
    for (Pending p : batch) {
      SpanContext caller = Span.fromContext(p.trace()).getSpanContext();
      if (caller.isValid()) {
        builder.addLink(caller);
      }
    }
    return builder.startSpan();
  }

  private void complete(List<Pending> batch, PredictResponse response, int totalRows) {
    if (batch.size() == 1) {
      // Sent as it came: serving answered under its id, and the answer needs no copy.
      String id = batch.get(0).request().getRequestId();
      batch
          .get(0)
          .result()
          .complete(
              response.getRequestId().equals(id)
                  ? response
                  : response.toBuilder().setRequestId(id).build());
      return;
    }
    int offset = 0;
    for (Pending p : batch) {
      try {
        p.result().complete(BatchCodec.slice(response, p, offset, totalRows));
      } catch (RuntimeException e) {
        p.result().completeExceptionally(e);
      }
      offset += p.rows();
    }
  }

  private void fail(List<Pending> batch, Throwable failure) {
    Status status = Status.fromThrowable(failure);
    if (batch.size() > 1 && status.getCode() == Status.Code.INVALID_ARGUMENT) {
      // One caller's bad row must not fail the others: each goes again on its own.
      for (Pending p : batch) {
        CompletableFuture<PredictResponse> alone;
        try (Scope ignored = p.trace().makeCurrent()) {
          alone = upstream.predict(p.request(), p.deadline());
        }
        alone.whenComplete(
            (r, t) -> {
              if (t != null) {
                p.result().completeExceptionally(t);
              } else {
                p.result().complete(r);
              }
            });
      }
      return;
    }
    for (Pending p : batch) {
      p.result().completeExceptionally(failure);
    }
  }

  private void done() {
    List<Pending> next;
    synchronized (this) {
      inFlight--;
      next = takeIfSlotFree(false);
    }
    if (next != null) {
      send(next);
    }
  }
}

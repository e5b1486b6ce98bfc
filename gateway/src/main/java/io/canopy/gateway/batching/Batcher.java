package io.canopy.gateway.batching;

import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedRows;
  private int inFlight;
  private boolean flushScheduled;

  Batcher(
      PredictCall upstream,
      BatchingSettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics) {
    this.upstream = upstream;
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
    upstream
        .predict(BatchCodec.merge(batch), latest)
        .whenComplete(
            (response, failure) -> {
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

  private void complete(List<Pending> batch, PredictResponse response, int totalRows) {
    if (batch.size() == 1) {
      batch
          .get(0)
          .result()
          .complete(
              response.toBuilder().setRequestId(batch.get(0).request().getRequestId()).build());
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
        upstream
            .predict(p.request(), p.deadline())
            .whenComplete(
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

package io.canopy.monitor.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bounded buffer in front of a slow sink, so that recording never blocks or fails the work that
 * produces the items: {@link #offer} never waits; an item that does not fit in the byte budget is
 * dropped and counted ({@code buffer_full}). One thread drains the buffer in batches, woken when a
 * batch's worth is waiting or every flush interval, never per item (a wake-up per item cost a
 * thread switch and a one-row transaction per prediction); a batch the sink refuses is dropped and
 * counted ({@code sink_error}), and the thread waits a little longer after each consecutive failure
 * (up to {@code maxPause}), so a sink that is down costs no CPU and recording resumes by itself
 * when it returns. {@link #close} flushes what is buffered, for at most the given time ({@code
 * shutdown} counts what is left).
 *
 * @param <T> a buffered item
 */
public final class AsyncWriter<T> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AsyncWriter.class.getName());

  /** Counts what was dropped and why (buffer_full, sink_error, shutdown), in records. */
  public interface Drops {
    Drops NOOP = (reason, records) -> {};

    void dropped(String reason, long records);
  }

  /** How much of the budget an item takes, and how many records it stands for. */
  public interface Weigher<T> {
    long bytes(T item);

    int records(T item);
  }

  private record Entry<T>(T item, long bytes) {}

  private final ConcurrentLinkedQueue<Entry<T>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicInteger waiting = new AtomicInteger();
  private final long flushNanos;
  private final long budgetBytes;
  private final int batchItems;
  private final Consumer<List<T>> sink;
  private final Weigher<T> weigher;
  private final Drops drops;
  private final Duration maxPause;
  private final Thread drainer;
  private volatile boolean closed;
  private volatile boolean stopped;

  /**
   * @param budgetBytes items are refused while this many bytes are buffered
   * @param batchItems at most this many items per call to {@code sink}
   * @param sink writes a batch; throwing drops it
   * @param flush how long an item may wait for its batch to fill
   */
  public AsyncWriter(
      String name,
      long budgetBytes,
      int batchItems,
      Consumer<List<T>> sink,
      Weigher<T> weigher,
      Drops drops,
      Duration maxPause,
      Duration flush) {
    if (budgetBytes <= 0 || batchItems <= 0) {
      throw new IllegalArgumentException(
          name + ": budget " + budgetBytes + " bytes and batch " + batchItems + " must be > 0");
    }
    this.budgetBytes = budgetBytes;
    this.batchItems = batchItems;
    this.sink = sink;
    this.weigher = weigher;
    this.drops = drops;
    this.maxPause = maxPause;
    this.flushNanos = flush.toNanos();
    this.drainer = Thread.ofPlatform().name(name).daemon().start(this::drain);
  }

  /** Buffers {@code item}, or drops and counts it when the budget is spent or this is closed. */
  public boolean offer(T item) {
    long bytes = weigher.bytes(item);
    if (closed) {
      drops.dropped("shutdown", weigher.records(item));
      return false;
    }
    if (bufferedBytes.addAndGet(bytes) > budgetBytes) {
      bufferedBytes.addAndGet(-bytes);
      drops.dropped("buffer_full", weigher.records(item));
      return false;
    }
    queue.add(new Entry<>(item, bytes));
    if (waiting.incrementAndGet() == batchItems) {
      LockSupport.unpark(drainer); // a batch is ready: no need to wait for the interval
    }
    return true;
  }

  /** Bytes buffered now. */
  public long bufferedBytes() {
    return bufferedBytes.get();
  }

  private void drain() {
    List<T> batch = new ArrayList<>(batchItems);
    long pauseMillis = 0;
    while (true) {
      if (waiting.get() < batchItems && !stopped) {
        LockSupport.parkNanos(this, flushNanos);
      }
      if (Thread.interrupted()) {
        return; // close() timed out: what is left is counted there
      }
      boolean last = stopped; // read before draining: nothing is added after it turns true
      while (!queue.isEmpty()) {
        batch.clear();
        long bytes = 0;
        for (Entry<T> e; batch.size() < batchItems && (e = queue.poll()) != null; ) {
          batch.add(e.item());
          bytes += e.bytes();
        }
        waiting.addAndGet(-batch.size());
        try {
          sink.accept(batch);
          pauseMillis = 0;
        } catch (RuntimeException e) {
          drops.dropped("sink_error", records(batch));
          if (pauseMillis == 0) {
            LOG.log(Level.WARNING, Thread.currentThread().getName() + ": the sink failed", e);
          }
          pauseMillis = Math.min(maxPause.toMillis(), Math.max(50, pauseMillis * 2));
        } finally {
          bufferedBytes.addAndGet(-bytes);
        }
        if (pauseMillis > 0 && !last) {
          LockSupport.parkNanos(this, pauseMillis * 1_000_000);
          if (Thread.interrupted()) {
            return;
          }
        }
      }
      if (last) {
        return;
      }
    }
  }

  private long records(List<T> batch) {
    long records = 0;
    for (T item : batch) {
      records += weigher.records(item);
    }
    return records;
  }

  /** Stops taking items and writes what is buffered, waiting at most {@code flush}. */
  public void close(Duration flush) {
    if (closed) {
      return;
    }
    closed = true;
    stopped = true;
    LockSupport.unpark(drainer);
    try {
      if (!drainer.join(flush)) {
        drainer.interrupt();
        drainer.join(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = 0;
    for (Entry<T> e; (e = queue.poll()) != null; ) {
      left += weigher.records(e.item());
    }
    if (left > 0) {
      drops.dropped("shutdown", left);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /** Waits until everything offered so far was handed to the sink (tests, and the demo). */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (bufferedBytes.get() > 0) {
      LockSupport.unpark(drainer);
      if (System.nanoTime() - end > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return true;
  }
}

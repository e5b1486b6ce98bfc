package io.canopy.monitor.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bounded buffer in front of a slow sink, so that recording never blocks or fails the work that
 * produces the items: {@link #offer} never waits; an item that does not fit in the byte budget is
 * dropped and counted ({@code buffer_full}). One thread drains the buffer in batches; a batch the
 * sink refuses is dropped and counted ({@code sink_error}), and the thread waits a little longer
 * after each consecutive failure (up to {@code maxPause}), so a sink that is down costs no CPU and
 * recording resumes by itself when it returns. {@link #close} flushes what is buffered, for at most
 * the given time ({@code shutdown} counts what is left).
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

  private static final Object STOP = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final long budgetBytes;
  private final int batchItems;
  private final Consumer<List<T>> sink;
  private final Weigher<T> weigher;
  private final Drops drops;
  private final Duration maxPause;
  private final Thread drainer;
  private volatile boolean closed;

  /**
   * @param budgetBytes items are refused while this many bytes are buffered
   * @param batchItems at most this many items per call to {@code sink}
   * @param sink writes a batch; throwing drops it
   */
  public AsyncWriter(
      String name,
      long budgetBytes,
      int batchItems,
      Consumer<List<T>> sink,
      Weigher<T> weigher,
      Drops drops,
      Duration maxPause) {
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
    return true;
  }

  /** Bytes buffered now. */
  public long bufferedBytes() {
    return bufferedBytes.get();
  }

  @SuppressWarnings("unchecked")
  private void drain() {
    List<T> batch = new ArrayList<>(batchItems);
    long pauseMillis = 0;
    boolean stopping = false;
    while (!stopping) {
      Object first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        break; // close() timed out: what is left is counted there
      }
      batch.clear();
      long bytes = 0;
      Object next = first;
      while (next != null) {
        if (next == STOP) {
          stopping = true;
          break;
        }
        Entry<T> entry = (Entry<T>) next;
        batch.add(entry.item());
        bytes += entry.bytes();
        if (batch.size() >= batchItems) {
          break;
        }
        next = queue.poll();
      }
      if (batch.isEmpty()) {
        continue;
      }
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
      if (pauseMillis > 0 && !stopping && !closed) {
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          break;
        }
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
    queue.add(STOP);
    try {
      if (!drainer.join(flush)) {
        drainer.interrupt();
        drainer.join(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = 0;
    for (Object o; (o = queue.poll()) != null; ) {
      if (o != STOP) {
        @SuppressWarnings("unchecked")
        Entry<T> entry = (Entry<T>) o;
        left += weigher.records(entry.item());
      }
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
      if (System.nanoTime() - end > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return true;
  }
}

package io.canopy.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects call outcomes from many threads without locks: a live {@link Recorder} drained every
 * second for the progress line (warm-up included), and a measured one holding only calls started
 * after the warm-up, which make the report. Latencies are nanoseconds.
 */
final class LatencyRecorder {

  /**
   * Latencies above an hour are clamped: nothing sane takes longer, and HdrHistogram needs a cap.
   */
  static final long HIGHEST_NANOS = 3_600_000_000_000L;

  private final Recorder live = new Recorder(HIGHEST_NANOS, 3);
  private final Recorder measured = new Recorder(HIGHEST_NANOS, 3);
  private final LongAdder liveErrors = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong lastMeasuredEnd = new AtomicLong(Long.MIN_VALUE);
  private Histogram liveInterval;

  /** Records one finished call; {@code failure} is null on success. */
  void record(long latencyNanos, long endNanos, boolean isMeasured, Throwable failure) {
    if (failure == null) {
      long value = Math.min(Math.max(latencyNanos, 1), HIGHEST_NANOS);
      live.recordValue(value);
      if (isMeasured) {
        measured.recordValue(value);
      }
    } else {
      liveErrors.increment();
      if (isMeasured) {
        errors.computeIfAbsent(Outcomes.code(failure), k -> new LongAdder()).increment();
      }
    }
    if (isMeasured) {
      lastMeasuredEnd.accumulateAndGet(endNanos, Math::max);
    }
  }

  /** Successes and errors since the previous call, for the progress line. */
  synchronized Interval drainInterval() {
    liveInterval = live.getIntervalHistogram(liveInterval);
    return new Interval(liveInterval, liveErrors.sumThenReset());
  }

  /** Every measured success so far (call once, at the end). */
  Histogram measuredHistogram() {
    return measured.getIntervalHistogram();
  }

  /** Measured errors by code, sorted by code. */
  Map<String, Long> errorsByCode() {
    Map<String, Long> sorted = new TreeMap<>();
    errors.forEach((code, count) -> sorted.put(code, count.sum()));
    return sorted;
  }

  /** When the last measured call ended, or {@link Long#MIN_VALUE} if none did. */
  long lastMeasuredEndNanos() {
    return lastMeasuredEnd.get();
  }

  /** One progress interval: its successes' latencies and its error count. */
  record Interval(Histogram successes, long errors) {}
}

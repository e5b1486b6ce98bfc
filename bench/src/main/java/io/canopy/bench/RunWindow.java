package io.canopy.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The time line of one run: calls starting before {@code measureStart} are warm-up (sent, shown
 * live, left out of the report); after it, calls may start until the duration ends or the request
 * count is used up. Times are {@link System#nanoTime()} values (or a test's clock).
 */
final class RunWindow {

  private final long measureStart;
  private final long end;
  private final long requests;
  private final AtomicLong claimed = new AtomicLong();

  private RunWindow(long measureStart, long end, long requests) {
    this.measureStart = measureStart;
    this.end = end;
    this.requests = requests;
  }

  static RunWindow starting(LoadShape shape, long startNanos) {
    long measureStart = startNanos + shape.warmup().toNanos();
    long end = shape.requests() > 0 ? Long.MAX_VALUE : measureStart + shape.duration().toNanos();
    return new RunWindow(measureStart, end, shape.requests());
  }

  /** Warm-up until {@code measureStart}, then measured calls may start until {@code end}. */
  static RunWindow between(long measureStart, long end) {
    return new RunWindow(measureStart, end, 0);
  }

  /** Whether a call (intended to start) at {@code nanos} may be sent; claims a counted slot. */
  boolean admit(long nanos) {
    if (nanos < measureStart) {
      return true;
    }
    if (requests > 0) {
      return claimed.getAndIncrement() < requests;
    }
    return nanos < end;
  }

  boolean measured(long startNanos) {
    return startNanos >= measureStart;
  }

  long measureStart() {
    return measureStart;
  }
}

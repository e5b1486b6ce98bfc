package io.canopy.serving.model;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for one model: at most {@code max} requests compute at once; the rest are
 * refused at once (never queued), so an overloaded replica sheds load instead of building latency.
 */
final class InFlightLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    this.max = max;
  }

  boolean tryAcquire() {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}

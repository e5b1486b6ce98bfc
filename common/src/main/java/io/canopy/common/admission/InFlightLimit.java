package io.canopy.common.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Canopy's one admission limit, per model at serving and at the gateway: at most {@code max}
 * requests in flight at once; the rest are refused at once (never queued, so it never blocks an
 * event loop), and an overloaded process sheds load instead of building latency. Lock-free.
 */
public final class InFlightLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    this.max = max;
  }

  /** Takes a slot, or returns false when all {@code max} are taken. */
  public boolean tryAcquire() {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquire()}. */
  public void release() {
    inFlight.decrementAndGet();
  }

  /** Slots taken now. */
  public int inFlight() {
    return inFlight.get();
  }
}

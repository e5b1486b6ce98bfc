package io.canopy.registry.store;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Whether the metadata store can write. A write that failed for lack of space marks it unable; the
 * registry then reports not-ready. A later successful write clears the mark, and so does a probe
 * write, tried at most once per {@code probeInterval} while readiness is asked for, so the registry
 * recovers by itself once space returns, even when no client writes.
 */
public final class StoreHealth {

  private static final Logger LOG = Logger.getLogger(StoreHealth.class.getName());

  private final LongSupplier nanoTime;
  private final long probeIntervalNanos;
  private volatile boolean full;
  private volatile long nextProbe;

  public StoreHealth(Duration probeInterval, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.probeIntervalNanos = probeInterval.toNanos();
  }

  void writeFailedForSpace() {
    if (!full) {
      full = true;
      nextProbe = nanoTime.getAsLong() + probeIntervalNanos;
      LOG.warning(
          "the metadata store cannot write: no space left; the registry reports not-ready until"
              + " a write succeeds again");
    }
  }

  void writeSucceeded() {
    if (full) {
      full = false;
      LOG.info("the metadata store can write again; the registry is ready");
    }
  }

  /**
   * True when the last write did not fail for lack of space, or when {@code probe} (a small write,
   * which itself reports success or failure here) succeeds now.
   */
  boolean writable(BooleanSupplier probe) {
    if (!full) {
      return true;
    }
    long now = nanoTime.getAsLong();
    if (now - nextProbe >= 0) {
      nextProbe = now + probeIntervalNanos;
      probe.getAsBoolean();
    }
    return !full;
  }
}

package io.canopy.common.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One short log line per interval for a kind of event a remote peer can cause at will (garbage
 * bytes, half-sent requests): the first occurrence logs at once, later ones within the interval are
 * counted and the count is reported with the next line. Never logs a stack trace, so a client
 * cannot fill the disk or hide other lines.
 */
public final class RateLimitedLog {

  private final Logger logger;
  private final Level level;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * @param nanoTime the clock ({@code System::nanoTime} in production, a fake one in tests)
   */
  public RateLimitedLog(Logger logger, Level level, Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " must be positive");
    }
    this.logger = logger;
    this.level = level;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
  }

  /** Logs {@code message} unless a line was logged less than one interval ago. */
  public void log(String message) {
    long now = nanoTime.getAsLong();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (logger.isLoggable(level)) {
      logger.log(
          level, skipped == 0 ? message : message + " (" + skipped + " more like it not logged)");
    }
  }
}

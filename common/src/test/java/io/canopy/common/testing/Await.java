package io.canopy.common.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The tests' one way to wait: for a condition, with a bound, failing the test when it does not come
 * true in time (no fixed sleeps in tests).
 */
public final class Await {

  /** The bound when a test names none. */
  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  /** Waits up to {@link #DEFAULT} until {@code condition} holds; {@code what} names it. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  /** Waits up to {@code bound} until {@code condition} holds; {@code what} names it. */
  public static void until(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + bound + " waiting until " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }
}

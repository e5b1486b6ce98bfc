package io.canopy.serving;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a bound: the test fails when it does not come true in time. */
public final class Await {

  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + bound + " waiting until " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }
}

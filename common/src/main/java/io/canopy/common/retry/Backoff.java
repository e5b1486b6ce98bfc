package io.canopy.common.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Canopy's one backoff: exponential with "equal jitter", attempt n waits between half and all of
 * min(max, initial × 2^n), so clients that failed together do not retry in lockstep. Used by the
 * registry followers of serving and the gateway, serving's download retries and the gateway's
 * upstream retries.
 */
public record Backoff(Duration initial, Duration max, RandomGenerator random) {

  /** With a fresh {@link java.util.SplittableRandom} as the jitter source. */
  public static Backoff jittered(Duration initial, Duration max) {
    return new Backoff(initial, max, new java.util.SplittableRandom());
  }

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** The wait before retry number {@code attempt} (0 for the first retry). */
  public Duration delay(int attempt) {
    long initialNanos = initial.toNanos();
    long maxNanos = max.toNanos();
    int shift = Math.min(Math.max(attempt, 0), 62);
    long ceiling =
        initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random.nextDouble() * (ceiling - half)));
  }
}

package io.canopy.bench;

import java.time.Duration;

/**
 * How load is applied: closed loop (a fixed number of outstanding calls) when {@code rate} is 0,
 * else open loop at {@code rate} calls per second with at most {@code maxOutstanding} in flight.
 * The run lasts {@code duration} after the warm-up, or until {@code requests} calls were started
 * after it when {@code requests} is positive.
 */
record LoadShape(
    int concurrency,
    double rate,
    int maxOutstanding,
    Duration warmup,
    Duration duration,
    long requests,
    Duration timeout) {

  /** Phaser parties are capped at 65535; the loops register one per outstanding call. */
  static final int MAX_OUTSTANDING_LIMIT = 60_000;

  LoadShape {
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a positive number, got " + rate);
    }
    if (rate == 0 && (concurrency < 1 || concurrency > MAX_OUTSTANDING_LIMIT)) {
      throw new IllegalArgumentException(
          "--concurrency must be in 1.." + MAX_OUTSTANDING_LIMIT + ", got " + concurrency);
    }
    if (maxOutstanding < 1 || maxOutstanding > MAX_OUTSTANDING_LIMIT) {
      throw new IllegalArgumentException(
          "--max-outstanding must be in 1.." + MAX_OUTSTANDING_LIMIT + ", got " + maxOutstanding);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
    }
    if (requests < 0) {
      throw new IllegalArgumentException("--requests must be positive, got " + requests);
    }
    if (requests == 0 && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
    }
  }

  boolean openLoop() {
    return rate > 0;
  }

  /** "closed, 8 clients" or "open, 500 req/s". */
  String describe() {
    return openLoop()
        ? String.format("open loop, %.0f req/s", rate)
        : "closed loop, " + concurrency + " clients";
  }
}

package io.canopy.gateway.upstream;

import java.util.function.LongSupplier;

/**
 * Caps retries at a fraction of requests over a sliding window (ten buckets), plus a small floor so
 * that a quiet gateway can still retry. When replicas fail wholesale, retries stop adding load.
 */
final class RetryBudget {

  private static final int BUCKETS = 10;

  private final double ratio;
  private final int minPerWindow;
  private final long bucketNanos;
  private final LongSupplier nanoTime;
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long currentBucket;

  RetryBudget(double ratio, int minPerWindow, java.time.Duration window, LongSupplier nanoTime) {
    if (ratio < 0 || ratio > 1) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.budget-ratio: " + ratio + " not in [0, 1]");
    }
    this.ratio = ratio;
    this.minPerWindow = minPerWindow;
    this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    this.nanoTime = nanoTime;
    this.currentBucket = nanoTime.getAsLong() / bucketNanos;
  }

  synchronized void onRequest() {
    requests[advance()]++;
  }

  /** True, and counted, when one more retry fits in the budget. */
  synchronized boolean tryRetry() {
    int slot = advance();
    long totalRequests = 0;
    long totalRetries = 0;
    for (int i = 0; i < BUCKETS; i++) {
      totalRequests += requests[i];
      totalRetries += retries[i];
    }
    if (totalRetries + 1 > minPerWindow + ratio * totalRequests) {
      return false;
    }
    retries[slot]++;
    return true;
  }

  private int advance() {
    long bucket = nanoTime.getAsLong() / bucketNanos;
    long steps = Math.min(BUCKETS, bucket - currentBucket);
    for (long s = 1; s <= steps; s++) {
      int slot = (int) Math.floorMod(currentBucket + s, (long) BUCKETS);
      requests[slot] = 0;
      retries[slot] = 0;
    }
    currentBucket = Math.max(currentBucket, bucket);
    return (int) Math.floorMod(currentBucket, (long) BUCKETS);
  }
}

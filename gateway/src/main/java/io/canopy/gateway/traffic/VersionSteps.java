package io.canopy.gateway.traffic;

import java.util.Arrays;

/**
 * One (model, version)'s traffic in a ring of {@link TrafficHistory#RING} steps: requests, errors,
 * a latency histogram, shadow comparisons and agreements. A slot remembers which step it holds, so
 * a slot left from a step long past reads as zero rather than as stale numbers. Synchronized: the
 * lock is held for a few array writes, and requests of one version rarely collide on it.
 *
 * <p>Bytes: 4 int arrays and 1 long array of {@code RING} entries plus {@code RING × 40} histogram
 * ints, about 22 KiB per series.
 */
final class VersionSteps {

  private static final int RING = TrafficHistory.RING;

  final long version;
  private final long[] stepOf = new long[RING];
  private final int[] requests = new int[RING];
  private final int[] errors = new int[RING];
  private final int[] compared = new int[RING];
  private final int[] agreed = new int[RING];
  private final int[] latency = new int[RING * LatencyBuckets.COUNT];
  private long lastStep = Long.MIN_VALUE;

  VersionSteps(long version) {
    this.version = version;
    Arrays.fill(stepOf, Long.MIN_VALUE);
  }

  synchronized void request(long step, boolean error, long nanos) {
    int slot = slot(step);
    if (slot < 0) {
      return;
    }
    requests[slot]++;
    if (error) {
      errors[slot]++;
    }
    latency[slot * LatencyBuckets.COUNT + LatencyBuckets.index(nanos)]++;
  }

  synchronized void shadow(long step, boolean agreedWithPrimary) {
    int slot = slot(step);
    if (slot < 0) {
      return;
    }
    compared[slot]++;
    if (agreedWithPrimary) {
      agreed[slot]++;
    }
  }

  /** The newest step this series recorded anything in. */
  synchronized long lastStep() {
    return lastStep;
  }

  /** Requests and errors summed over the {@code steps} steps ending with {@code endStep}. */
  synchronized long[] totals(long endStep, int steps) {
    long[] sums = new long[2];
    for (long s = endStep - steps + 1; s <= endStep; s++) {
      int slot = Math.floorMod(s, RING);
      if (stepOf[slot] == s) {
        sums[0] += requests[slot];
        sums[1] += errors[slot];
      }
    }
    return sums;
  }

  /** The {@code steps} steps ending with {@code endStep}, oldest first. */
  synchronized TrafficHistory.VersionHistory read(long endStep, int steps) {
    long[] req = new long[steps];
    long[] err = new long[steps];
    double[] p50 = new double[steps];
    double[] p99 = new double[steps];
    long[] cmp = new long[steps];
    long[] agr = new long[steps];
    for (int i = 0; i < steps; i++) {
      long s = endStep - steps + 1 + i;
      int slot = Math.floorMod(s, RING);
      p50[i] = Double.NaN;
      p99[i] = Double.NaN;
      if (stepOf[slot] != s) {
        continue;
      }
      req[i] = requests[slot];
      err[i] = errors[slot];
      cmp[i] = compared[slot];
      agr[i] = agreed[slot];
      if (requests[slot] > 0) {
        int offset = slot * LatencyBuckets.COUNT;
        p50[i] = LatencyBuckets.quantile(latency, offset, requests[slot], 0.50) / 1e6;
        p99[i] = LatencyBuckets.quantile(latency, offset, requests[slot], 0.99) / 1e6;
      }
    }
    return new TrafficHistory.VersionHistory(version, req, err, p50, p99, cmp, agr);
  }

  /**
   * The slot of {@code step}, cleared when it held an older step; -1 for a step older than the one
   * the slot holds (a request that finished just as its step rolled over long ago: dropped).
   */
  private int slot(long step) {
    int slot = Math.floorMod(step, RING);
    long held = stepOf[slot];
    if (held == step) {
      return slot;
    }
    if (held > step) {
      return -1;
    }
    stepOf[slot] = step;
    requests[slot] = 0;
    errors[slot] = 0;
    compared[slot] = 0;
    agreed[slot] = 0;
    Arrays.fill(latency, slot * LatencyBuckets.COUNT, (slot + 1) * LatencyBuckets.COUNT, 0);
    lastStep = Math.max(lastStep, step);
    return slot;
  }
}

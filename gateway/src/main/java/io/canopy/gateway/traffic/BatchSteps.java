package io.canopy.gateway.traffic;

import java.util.Arrays;

/** Rows per upstream batch, all models together, per step of the same ring as the versions'. */
final class BatchSteps {

  private static final int RING = TrafficHistory.RING;

  private final long[] stepOf = new long[RING];
  private final long[] rows = new long[RING];
  private final int[] batches = new int[RING];

  BatchSteps() {
    Arrays.fill(stepOf, Long.MIN_VALUE);
  }

  synchronized void batch(long step, int batchRows) {
    int slot = Math.floorMod(step, RING);
    if (stepOf[slot] > step) {
      return;
    }
    if (stepOf[slot] != step) {
      stepOf[slot] = step;
      rows[slot] = 0;
      batches[slot] = 0;
    }
    rows[slot] += batchRows;
    batches[slot]++;
  }

  /** Mean rows per batch of each step, oldest first; NaN for a step without batches. */
  synchronized double[] means(long endStep, int steps) {
    double[] means = new double[steps];
    for (int i = 0; i < steps; i++) {
      long s = endStep - steps + 1 + i;
      int slot = Math.floorMod(s, RING);
      means[i] =
          stepOf[slot] == s && batches[slot] > 0 ? (double) rows[slot] / batches[slot] : Double.NaN;
    }
    return means;
  }
}

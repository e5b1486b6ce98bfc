package io.canopy.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The floor and the target measured in alternating slices ({@code --interleave N}): after each
 * one's warm-up, N cycles each run one slice of the floor and one of the target (the order flips
 * every cycle), so load that drifts during the run hits both alike. Besides the two pooled reports
 * it gives the median over cycles of target p50 ÷ floor p50, the steadiest ratio on a busy machine.
 * Closed loop only.
 */
final class Interleaved {

  /** The pooled reports and the median per-cycle p50 ratio (NaN when no cycle had both). */
  record Result(Report floor, Report main, int cycles, double p50RatioMedian) {}

  private Interleaved() {}

  static Result run(Target floor, Target main, LoadShape shape, int cycles, LongSupplier nanos)
      throws InterruptedException {
    if (shape.openLoop() || shape.requests() > 0 || cycles < 1) {
      throw new IllegalArgumentException(
          "--interleave needs a closed loop with --duration and a positive cycle count");
    }
    warmUp(floor, shape, nanos);
    warmUp(main, shape, nanos);
    Duration slice = shape.duration().dividedBy(cycles);
    Pool floorPool = new Pool();
    Pool mainPool = new Pool();
    double[] ratios = new double[cycles];
    int counted = 0;
    for (int c = 0; c < cycles; c++) {
      boolean floorFirst = c % 2 == 0;
      Histogram f = null;
      Histogram m = null;
      for (int s = 0; s < 2; s++) {
        boolean isFloor = (s == 0) == floorFirst;
        Histogram h =
            isFloor
                ? floorPool.slice(floor, shape, slice, nanos)
                : mainPool.slice(main, shape, slice, nanos);
        if (isFloor) {
          f = h;
        } else {
          m = h;
        }
      }
      if (f.getTotalCount() > 0 && m.getTotalCount() > 0) {
        ratios[counted++] = (double) m.getValueAtPercentile(50) / f.getValueAtPercentile(50);
      }
    }
    double median = Double.NaN;
    if (counted > 0) {
      double[] sorted = Arrays.copyOf(ratios, counted);
      Arrays.sort(sorted);
      median =
          counted % 2 == 1
              ? sorted[counted / 2]
              : (sorted[counted / 2 - 1] + sorted[counted / 2]) / 2;
    }
    String described = shape.describe() + ", interleaved in " + cycles + " cycles";
    return new Result(
        floorPool.report(floor, described), mainPool.report(main, described), cycles, median);
  }

  private static void warmUp(Target target, LoadShape shape, LongSupplier nanos)
      throws InterruptedException {
    if (shape.warmup().isZero()) {
      return;
    }
    long start = nanos.getAsLong();
    long end = start + shape.warmup().toNanos();
    ClosedLoop.run(
        target, shape.concurrency(), RunWindow.between(end, end), new LatencyRecorder(), nanos);
  }

  /** One target's slices added up. */
  private static final class Pool {
    private final Histogram latencies = new Histogram(LatencyRecorder.HIGHEST_NANOS, 3);
    private final Map<String, Long> errors = new TreeMap<>();
    private long measuredNanos;

    Histogram slice(Target target, LoadShape shape, Duration slice, LongSupplier nanos)
        throws InterruptedException {
      LatencyRecorder recorder = new LatencyRecorder();
      long start = nanos.getAsLong();
      ClosedLoop.run(
          target,
          shape.concurrency(),
          RunWindow.between(start, start + slice.toNanos()),
          recorder,
          nanos);
      Histogram h = recorder.measuredHistogram();
      latencies.add(h);
      recorder.errorsByCode().forEach((code, n) -> errors.merge(code, n, Long::sum));
      long lastEnd = recorder.lastMeasuredEndNanos();
      if (lastEnd != Long.MIN_VALUE) {
        measuredNanos += Math.max(0, lastEnd - start);
      }
      return h;
    }

    Report report(Target target, String shape) {
      return new Report(
          target.name(), shape, target.rowsPerRequest(), measuredNanos / 1e9, latencies, errors);
    }
  }
}

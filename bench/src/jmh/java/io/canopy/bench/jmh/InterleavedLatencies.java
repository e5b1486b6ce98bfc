package io.canopy.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Latencies of settings measured side by side, one call each in turn: per setting, the pooled
 * p50/p99 of the measurement iterations, and the median over iterations of each setting's p50
 * divided by the first setting's (the floor). Load that drifts on a shared machine hits every
 * setting alike, so the ratio holds where the absolute figures do not.
 */
final class InterleavedLatencies {

  private final String[] settings;
  private final Histogram[] iteration;
  private final Histogram[] pooled;
  private final List<double[]> ratios = new ArrayList<>();
  private int rotation;

  InterleavedLatencies(String... settings) {
    this.settings = settings.clone();
    this.iteration = new Histogram[settings.length];
    this.pooled = new Histogram[settings.length];
    for (int i = 0; i < settings.length; i++) {
      iteration[i] = new Histogram(3);
      pooled[i] = new Histogram(3);
    }
  }

  /**
   * Makes one call per setting, timing each: {@code call} is handed the setting's index, and the
   * setting that goes first rotates from one invocation to the next.
   */
  void callEach(IntConsumer call) {
    int first = rotation++ % settings.length;
    for (int k = 0; k < settings.length; k++) {
      int i = (first + k) % settings.length;
      long start = System.nanoTime();
      call.accept(i);
      iteration[i].recordValue(System.nanoTime() - start);
    }
  }

  /** Ends an iteration: a measurement one is kept, a warm-up one dropped. */
  void endIteration(boolean measurement) {
    if (measurement) {
      double floor = iteration[0].getValueAtPercentile(50);
      double[] r = new double[settings.length];
      for (int i = 0; i < settings.length; i++) {
        r[i] = iteration[i].getValueAtPercentile(50) / floor;
        pooled[i].add(iteration[i]);
      }
      ratios.add(r);
    }
    for (Histogram h : iteration) {
      h.reset();
    }
  }

  /** The table: setting, p50 µs, p99 µs, median per-iteration p50 ÷ the first setting's p50. */
  void print(String title) {
    System.out.printf(
        "%n%-20s %10s %10s %24s%n", title, "p50 us", "p99 us", "p50 / first (median)");
    for (int i = 0; i < settings.length; i++) {
      int setting = i;
      double[] perIteration = ratios.stream().mapToDouble(r -> r[setting]).sorted().toArray();
      System.out.printf(
          "%-20s %10.1f %10.1f %24.3f%n",
          settings[i],
          pooled[i].getValueAtPercentile(50) / 1e3,
          pooled[i].getValueAtPercentile(99) / 1e3,
          perIteration.length == 0 ? Double.NaN : perIteration[perIteration.length / 2]);
    }
  }
}

package io.canopy.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/** Runs one target with one load shape, printing a live progress line, and returns its report. */
final class BenchRun {

  private BenchRun() {}

  /**
   * @param progress where the once-a-second interval line goes, or null for none
   */
  static Report run(Target target, LoadShape shape, PrintWriter progress, LongSupplier nanos)
      throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    long start = nanos.getAsLong();
    RunWindow window = RunWindow.starting(shape, start);
    ScheduledExecutorService ticker = null;
    if (progress != null) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("bench-progress").unstarted(r));
      ticker.scheduleAtFixedRate(
          () -> progressLine(progress, target.name(), recorder, window, start, nanos),
          1,
          1,
          TimeUnit.SECONDS);
    }
    try {
      if (shape.openLoop()) {
        OpenLoop.run(target, shape.rate(), shape.maxOutstanding(), window, recorder, nanos);
      } else {
        ClosedLoop.run(target, shape.concurrency(), window, recorder, nanos);
      }
    } finally {
      if (ticker != null) {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    long lastEnd = recorder.lastMeasuredEndNanos();
    double seconds =
        lastEnd == Long.MIN_VALUE ? 0 : Math.max(0, lastEnd - window.measureStart()) / 1e9;
    return new Report(
        target.name(),
        shape.describe(),
        target.rowsPerRequest(),
        seconds,
        recorder.measuredHistogram(),
        recorder.errorsByCode());
  }

  private static void progressLine(
      PrintWriter out,
      String name,
      LatencyRecorder recorder,
      RunWindow window,
      long start,
      LongSupplier nanos) {
    long now = nanos.getAsLong();
    LatencyRecorder.Interval interval = recorder.drainInterval();
    Histogram h = interval.successes();
    out.printf(
        Locale.ROOT,
        "[%5.1fs] %-12s %9d req/s  p50 %9.1f µs  p99 %9.1f µs  errors %d%s%n",
        (now - start) / 1e9,
        name,
        h.getTotalCount() + interval.errors(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        interval.errors(),
        window.measured(now) ? "" : "  (warm-up)");
    out.flush();
  }
}

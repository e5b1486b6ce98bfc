package io.canopy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The load steps of one candidate: closed loop at 1, 2, 4, … clients until the p99 passes the
 * target (or a call fails) twice in a row at the same client count, two doublings in a row add no
 * throughput (noise can flatten one), or the clients cap is reached; then one step between the last
 * client count that met the target and the first that did not. A step is only started when it can
 * end before the deadline.
 */
final class LoadRamp {

  /** Runs one closed-loop step with {@code concurrency} clients. */
  interface StepRunner {
    LoadStep run(int concurrency) throws InterruptedException;
  }

  /** A doubling of the clients that adds less than this share of throughput did not grow it. */
  static final double MIN_GAIN = 0.05;

  private LoadRamp() {}

  /**
   * @param stepNanos how long one step takes (warm-up and measured time)
   * @param deadlineNanos no step starts that would end after this
   */
  static List<LoadStep> run(
      StepRunner runner,
      double targetMicros,
      int maxConcurrency,
      long stepNanos,
      long deadlineNanos,
      LongSupplier nanos)
      throws InterruptedException {
    List<LoadStep> steps = new ArrayList<>();
    int lastGood = 0;
    int firstBad = 0;
    double bestRps = 0;
    int flat = 0;
    for (int c = 1; ; c = Math.min(c * 2, maxConcurrency)) {
      if (!fits(stepNanos, deadlineNanos, nanos)) {
        return steps;
      }
      LoadStep step = runner.run(c);
      steps.add(step);
      if (!step.meets(targetMicros) && fits(stepNanos, deadlineNanos, nanos)) {
        // one stall on a shared machine must not end a candidate: a miss counts once repeated
        step = runner.run(c);
        steps.add(step);
      }
      if (!step.meets(targetMicros)) {
        firstBad = c;
        break;
      }
      boolean grew = step.requestsPerSecond() >= bestRps * (1 + MIN_GAIN);
      bestRps = Math.max(bestRps, step.requestsPerSecond());
      lastGood = c;
      flat = grew || c == 1 ? 0 : flat + 1;
      if (flat == 2 || c == maxConcurrency) {
        return steps;
      }
    }
    if (lastGood > 0 && firstBad > lastGood + 1 && fits(stepNanos, deadlineNanos, nanos)) {
      steps.add(runner.run((lastGood + firstBad) / 2));
    }
    return steps;
  }

  private static boolean fits(long stepNanos, long deadlineNanos, LongSupplier nanos) {
    return nanos.getAsLong() + stepNanos <= deadlineNanos;
  }
}

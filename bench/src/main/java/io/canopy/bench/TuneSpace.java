package io.canopy.bench;

import java.time.Duration;
import java.util.List;

/**
 * The values {@code canopy bench --tune} may try for each batching setting and for serving's
 * XGBoost threads, and where the search starts: the value of each list nearest the shipped default
 * (0ms, 512 rows, 8 in flight, nthread 1), so the first candidate measured is what an untuned suite
 * runs.
 */
record TuneSpace(
    List<Duration> delays,
    List<Integer> batchRows,
    List<Integer> inFlight,
    List<Integer> nthreads) {

  /**
   * {@code nthreads} when nthread is not tuned (pass an empty list): every candidate uses the
   * running serving replicas, marked by nthread 0.
   */
  static final List<Integer> RUNNING_SERVING = List.of(0);

  /** The gateway's shipped batching, on the running serving replicas. */
  static final Candidate SHIPPED_DEFAULT = new Candidate(Duration.ZERO, 512, 8, 0);

  /** serving.predict.nthread as shipped. */
  static final int SHIPPED_NTHREAD = 1;

  /**
   * Whether {@code c} is the shipped default (a candidate on the running serving replicas counts
   * with the gateway's default batching alone).
   */
  static boolean isShippedDefault(Candidate c) {
    return c.nthread() <= SHIPPED_NTHREAD && c.withNthread(0).equals(SHIPPED_DEFAULT);
  }

  /** Most values per setting: the search measures each at least once per pass. */
  static final int MAX_VALUES = 16;

  TuneSpace {
    delays = distinctSorted(delays, "--tune-delays");
    batchRows = distinctSorted(batchRows, "--tune-batch-rows");
    inFlight = distinctSorted(inFlight, "--tune-in-flight");
    for (Duration d : delays) {
      if (d.isNegative() || d.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException(
            "--tune-delays: each delay must be in 0ms..1s, got " + Candidate.durationText(d));
      }
    }
    for (int rows : batchRows) {
      if (rows < 1 || rows > 100_000) {
        throw new IllegalArgumentException(
            "--tune-batch-rows: each value must be in 1..100000, got " + rows);
      }
    }
    for (int n : inFlight) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException(
            "--tune-in-flight: each value must be in 1..10000, got " + n);
      }
    }
    if (nthreads.isEmpty()) {
      nthreads = RUNNING_SERVING;
    } else {
      nthreads = distinctSorted(nthreads, "--tune-nthread");
      for (int n : nthreads) {
        if (n < 1 || n > 256) {
          throw new IllegalArgumentException(
              "--tune-nthread: each value must be in 1..256, got " + n);
        }
      }
    }
  }

  private static <T extends Comparable<T>> List<T> distinctSorted(List<T> values, String flag) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(flag + ": give at least one value");
    }
    List<T> sorted = values.stream().distinct().sorted().toList();
    if (sorted.size() > MAX_VALUES) {
      throw new IllegalArgumentException(
          flag + ": at most " + MAX_VALUES + " values, got " + sorted.size());
    }
    return sorted;
  }

  /** Whether serving's nthread is searched (each value on a replica started for it). */
  boolean tunesNthread() {
    return !nthreads.equals(RUNNING_SERVING);
  }

  /** The candidate the search starts from. */
  Candidate start() {
    return new Candidate(
        nearest(delays, SHIPPED_DEFAULT.maxDelay()),
        nearestInt(batchRows, SHIPPED_DEFAULT.maxBatchRows()),
        nearestInt(inFlight, SHIPPED_DEFAULT.maxInFlight()),
        nearestInt(nthreads, tunesNthread() ? SHIPPED_NTHREAD : 0));
  }

  private static Duration nearest(List<Duration> values, Duration to) {
    Duration best = values.get(0);
    for (Duration v : values) {
      if (v.minus(to).abs().compareTo(best.minus(to).abs()) < 0) {
        best = v;
      }
    }
    return best;
  }

  private static int nearestInt(List<Integer> values, int to) {
    int best = values.get(0);
    for (int v : values) {
      if (Math.abs(v - to) < Math.abs(best - to)) {
        best = v;
      }
    }
    return best;
  }
}

package io.canopy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Coordinate descent over a {@link TuneSpace}: from the shipped default, sweep the in-flight limit
 * with the other settings fixed, move to the best candidate so far, sweep the batch rows, then the
 * delay, then serving's nthread (when it is tuned); repeat until a whole pass measures nothing new
 * or the budget is spent. Each candidate is measured once; when the first cannot be measured at all
 * (its gateway did not start), the search stops there, since the others share everything but the
 * batching settings. A candidate is only started when the time left covers what an average
 * candidate took so far, and its load steps themselves stop at the deadline, so the search ends
 * within the budget.
 */
final class TuneSearch {

  /** Measures one candidate; its load steps must not run past {@code deadlineNanos}. */
  interface Meter {
    CandidateResult measure(Candidate candidate, long deadlineNanos) throws InterruptedException;
  }

  /**
   * The search's result.
   *
   * @param results every measured candidate, in the order measured
   * @param winner the most throughput within the target, if any candidate met it
   * @param closest the best-ranked candidate (the winner when there is one)
   * @param budgetSpent true when the search stopped for lack of time rather than converging
   * @param elapsed how long the search ran
   */
  record Outcome(
      List<CandidateResult> results,
      Optional<CandidateResult> winner,
      CandidateResult closest,
      boolean budgetSpent,
      Duration elapsed) {}

  /** One setting the descent sweeps. */
  private record Axis<T>(
      Function<TuneSpace, List<T>> values, BiFunction<Candidate, T, Candidate> with) {

    List<Candidate> line(TuneSpace space, Candidate through) {
      return values.apply(space).stream().map(v -> with.apply(through, v)).toList();
    }
  }

  private static final List<Axis<?>> AXES =
      List.of(
          new Axis<>(TuneSpace::inFlight, Candidate::withMaxInFlight),
          new Axis<>(TuneSpace::batchRows, Candidate::withMaxBatchRows),
          new Axis<>(TuneSpace::delays, Candidate::withMaxDelay),
          new Axis<>(TuneSpace::nthreads, Candidate::withNthread));

  private final TuneSpace space;
  private final Meter meter;
  private final double targetMicros;
  private final LongSupplier nanos;

  TuneSearch(TuneSpace space, Meter meter, double targetMicros, LongSupplier nanos) {
    this.space = space;
    this.meter = meter;
    this.targetMicros = targetMicros;
    this.nanos = nanos;
  }

  Outcome run(Duration budget) throws InterruptedException {
    long start = nanos.getAsLong();
    long deadline = start + budget.toNanos();
    Map<Candidate, CandidateResult> measured = new LinkedHashMap<>();
    Candidate current = space.start();
    measured.put(current, meter.measure(current, deadline));
    boolean budgetSpent = false;
    // every candidate shares the first one's base settings: when it cannot run, none can
    boolean changed = measured.get(current).failure() == null;
    passes:
    while (changed) {
      changed = false;
      for (Axis<?> axis : AXES) {
        for (Candidate next : axis.line(space, current)) {
          if (measured.containsKey(next)) {
            continue;
          }
          long averageNanos = (nanos.getAsLong() - start) / measured.size();
          if (nanos.getAsLong() + averageNanos > deadline) {
            budgetSpent = true;
            break passes;
          }
          measured.put(next, meter.measure(next, deadline));
          changed = true;
        }
        current = best(measured).candidate();
      }
    }
    List<CandidateResult> results = new ArrayList<>(measured.values());
    CandidateResult closest = best(measured);
    Optional<CandidateResult> winner =
        closest.score(targetMicros) > 0 ? Optional.of(closest) : Optional.empty();
    return new Outcome(
        results, winner, closest, budgetSpent, Duration.ofNanos(nanos.getAsLong() - start));
  }

  private CandidateResult best(Map<Candidate, CandidateResult> measured) {
    return measured.values().stream().min(CandidateResult.ranking(targetMicros)).orElseThrow();
  }
}

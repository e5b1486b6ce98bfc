package io.canopy.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A measured candidate: every load step it ran, in the order run, and what they say about it.
 *
 * @param failure why the candidate could not be measured (its gateway did not start), or null
 */
record CandidateResult(Candidate candidate, List<LoadStep> steps, String failure) {

  CandidateResult {
    steps = List.copyOf(steps);
  }

  static CandidateResult failed(Candidate candidate, String why) {
    return new CandidateResult(candidate, List.of(), why);
  }

  /** The step with the most throughput whose p99 met the target, if any. */
  Optional<LoadStep> best(double targetMicros) {
    return steps.stream()
        .filter(s -> s.meets(targetMicros))
        .max(Comparator.comparingDouble(LoadStep::requestsPerSecond));
  }

  /** The step closest to the target: the lowest p99 of an error-free step, if any. */
  Optional<LoadStep> closest() {
    return steps.stream()
        .filter(s -> s.errors() == 0 && !Double.isNaN(s.p99Micros()))
        .min(Comparator.comparingDouble(LoadStep::p99Micros));
  }

  /** Throughput within the target, 0 when no step met it: what the search maximises. */
  double score(double targetMicros) {
    return best(targetMicros).map(LoadStep::requestsPerSecond).orElse(0.0);
  }

  /**
   * Better first: more throughput within the target; among candidates that met it nowhere, the
   * lower closest p99 (so the search still walks towards the target).
   */
  static Comparator<CandidateResult> ranking(double targetMicros) {
    return Comparator.comparingDouble((CandidateResult r) -> -r.score(targetMicros))
        .thenComparingDouble(
            r -> r.closest().map(LoadStep::p99Micros).orElse(Double.POSITIVE_INFINITY));
  }
}

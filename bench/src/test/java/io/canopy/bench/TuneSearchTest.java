package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TuneSearchTest {

  private static final double TARGET_MICROS = 5_000;
  private static final long STEP_NANOS = Duration.ofSeconds(3).toNanos();
  private static final long START_NANOS = Duration.ofSeconds(5).toNanos();

  private static final TuneSpace SPACE =
      new TuneSpace(
          List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5)),
          List.of(8, 32, 128, 512),
          List.of(1, 2, 4, 8, 16),
          List.of());

  private final long[] now = {1_000};
  private final List<Candidate> measured = new ArrayList<>();

  /**
   * A fake suite: a candidate's throughput at c clients grows with c up to its capacity, and its
   * p99 grows with c; capacity peaks at in-flight 4, 32 rows, 1ms delay (the known optimum), and
   * the 5ms delay alone never meets the target. Every step and every start advances the clock.
   */
  private CandidateResult fakeSuite(Candidate c, long deadline) throws InterruptedException {
    measured.add(c);
    now[0] += START_NANOS;
    double capacity =
        10_000
            - 900 * sq(log2(c.maxInFlight()) - 2)
            - 700 * sq(log2(c.maxBatchRows()) - 5)
            - 500 * sq(c.maxDelay().toMillis() - 1)
            - (c.nthread() == 0 ? 0 : 600 * sq(log2(c.nthread()) - 1));
    double baseP99 = c.maxDelay().toMillis() >= 5 ? 6_000 : 400;
    List<LoadStep> steps =
        LoadRamp.run(
            clients -> {
              now[0] += STEP_NANOS;
              double rps = Math.min(capacity, clients * 1_000.0);
              double p99 =
                  baseP99 * Math.max(1, clients * 1_000.0 / capacity) * (1 + clients / 20.0);
              return new LoadStep(clients, rps, p99 / 2, p99, 0, BatchStats.NONE);
            },
            TARGET_MICROS,
            128,
            STEP_NANOS,
            deadline,
            () -> now[0]);
    return new CandidateResult(c, steps, null);
  }

  private static double sq(double v) {
    return v * v;
  }

  private static double log2(int v) {
    return Math.log(v) / Math.log(2);
  }

  @Test
  void run_ampleBudget_findsTheKnownOptimumFromTheShippedDefault() throws Exception {
    TuneSearch.Outcome outcome =
        new TuneSearch(SPACE, this::fakeSuite, TARGET_MICROS, () -> now[0])
            .run(Duration.ofHours(2));

    assertThat(measured.get(0)).isEqualTo(TuneSpace.SHIPPED_DEFAULT);
    assertThat(outcome.winner()).isPresent();
    assertThat(outcome.winner().get().candidate())
        .isEqualTo(new Candidate(Duration.ofMillis(1), 32, 4, 0));
    assertThat(outcome.budgetSpent()).isFalse();
    assertThat(new HashSet<>(measured)).hasSameSizeAs(measured);
    assertThat(measured.size()).isLessThan(4 * 4 * 5);
  }

  @Test
  void run_nthreadTuned_startsFromTheShippedOneAndFindsTheBestThreadCount() throws Exception {
    TuneSpace space =
        new TuneSpace(SPACE.delays(), SPACE.batchRows(), SPACE.inFlight(), List.of(1, 2, 4));

    TuneSearch.Outcome outcome =
        new TuneSearch(space, this::fakeSuite, TARGET_MICROS, () -> now[0])
            .run(Duration.ofHours(2));

    assertThat(measured.get(0)).isEqualTo(new Candidate(Duration.ZERO, 512, 8, 1));
    assertThat(measured).extracting(Candidate::nthread).contains(1, 2, 4).doesNotContain(0);
    Candidate best = new Candidate(Duration.ofMillis(1), 32, 4, 2);
    assertThat(outcome.winner().orElseThrow().candidate()).isEqualTo(best);
    TuneReport report = new TuneReport(outcome, space, TARGET_MICROS, "fake");
    assertThat(report.spaceSize()).isEqualTo(4 * 4 * 5 * 3);
    assertThat(report.baseline()).isPresent();
    assertThat(report.toText()).contains("1ms/32/4 t2", "    nthread: 2");
    JsonNode winner = Json.read(report.toJson()).get("winner");
    assertThat(winner.get("nthread").asInt()).isEqualTo(2);
    assertThat(winner.get("system_properties").toString()).contains("serving.predict.nthread=2");
  }

  @Test
  void run_smallBudget_stopsWithinItAndReportsTheBestSoFar() throws Exception {
    Duration budget = Duration.ofSeconds(90);
    long start = now[0];

    TuneSearch.Outcome outcome =
        new TuneSearch(SPACE, this::fakeSuite, TARGET_MICROS, () -> now[0]).run(budget);

    assertThat(now[0] - start).isLessThanOrEqualTo(budget.toNanos());
    assertThat(outcome.budgetSpent()).isTrue();
    assertThat(outcome.results()).hasSizeLessThan(8);
    double best =
        outcome.results().stream().mapToDouble(r -> r.score(TARGET_MICROS)).max().orElseThrow();
    assertThat(outcome.winner().orElseThrow().score(TARGET_MICROS)).isEqualTo(best);
  }

  @Test
  void run_nothingMeetsTheTarget_noWinnerAndTheLowestP99IsClosest() throws Exception {
    Set<Candidate> seen = new HashSet<>();
    TuneSearch.Meter slow =
        (c, deadline) -> {
          seen.add(c);
          now[0] += STEP_NANOS;
          // p99 over the target everywhere; lowest with more in flight
          double p99 = 9_000 - 100 * c.maxInFlight();
          return new CandidateResult(
              c, List.of(new LoadStep(1, 100, p99 / 2, p99, 0, BatchStats.NONE)), null);
        };

    TuneSearch.Outcome outcome =
        new TuneSearch(SPACE, slow, TARGET_MICROS, () -> now[0]).run(Duration.ofHours(1));

    assertThat(outcome.winner()).isEmpty();
    assertThat(outcome.closest().candidate().maxInFlight()).isEqualTo(16);
    TuneReport report = new TuneReport(outcome, SPACE, TARGET_MICROS, "fake");
    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.toText()).contains("no candidate kept p99 within", "closest: ");
    assertThat(Json.read(report.toJson()).get("winner").isNull()).isTrue();
  }

  @Test
  void run_firstCandidateCannotStart_stopsThereWithoutAWinner() throws Exception {
    TuneSearch.Meter noGateway =
        (c, deadline) -> {
          measured.add(c);
          return CandidateResult.failed(c, "the candidate gateway did not start");
        };

    TuneSearch.Outcome outcome =
        new TuneSearch(SPACE, noGateway, TARGET_MICROS, () -> now[0]).run(Duration.ofHours(1));

    assertThat(measured).containsExactly(TuneSpace.SHIPPED_DEFAULT);
    assertThat(outcome.winner()).isEmpty();
    assertThat(new TuneReport(outcome, SPACE, TARGET_MICROS, "fake").toText())
        .contains("failed: the candidate gateway did not start");
  }

  @Test
  void run_failedCandidates_rankLastAndNeverWin() throws Exception {
    TuneSearch.Meter broken =
        (c, deadline) -> {
          now[0] += STEP_NANOS;
          return c.maxInFlight() == 2 || c.equals(TuneSpace.SHIPPED_DEFAULT)
              ? new CandidateResult(
                  c,
                  List.of(
                      new LoadStep(
                          1, c.maxInFlight() == 2 ? 500 : 100, 100, 200, 0, BatchStats.NONE)),
                  null)
              : CandidateResult.failed(c, "the candidate gateway did not start");
        };

    TuneSearch.Outcome outcome =
        new TuneSearch(SPACE, broken, TARGET_MICROS, () -> now[0]).run(Duration.ofHours(1));

    assertThat(outcome.winner().orElseThrow().candidate().maxInFlight()).isEqualTo(2);
  }
}

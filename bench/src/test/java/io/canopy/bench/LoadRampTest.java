package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadRampTest {

  private final long[] now = {0};
  private final List<Integer> clients = new ArrayList<>();

  /** p99 = 1 ms per client; throughput 100 per client up to 1600. */
  private LoadStep step(int c) {
    clients.add(c);
    now[0] += 10;
    return new LoadStep(c, Math.min(1600, c * 100.0), 500, c * 1000.0, 0, BatchStats.NONE);
  }

  @Test
  void run_targetBetweenDoublings_stopsAtTheFirstMissAndTriesTheMiddle() throws Exception {
    List<LoadStep> steps = LoadRamp.run(this::step, 12_000, 128, 10, 1_000, () -> now[0]);

    assertThat(clients).containsExactly(1, 2, 4, 8, 16, 16, 12);
    assertThat(new CandidateResult(TuneSpace.SHIPPED_DEFAULT, steps, null).best(12_000))
        .hasValueSatisfying(s -> assertThat(s.concurrency()).isEqualTo(12));
  }

  @Test
  void run_throughputStopsGrowing_stopsThere() throws Exception {
    LoadRamp.run(this::step, 1e9, 128, 10, 1_000, () -> now[0]);

    assertThat(clients).containsExactly(1, 2, 4, 8, 16, 32, 64);
  }

  @Test
  void run_deadline_startsNoStepThatWouldEndAfterIt() throws Exception {
    LoadRamp.run(this::step, 1e9, 128, 10, 35, () -> now[0]);

    assertThat(clients).containsExactly(1, 2, 4);
    assertThat(now[0]).isLessThanOrEqualTo(35);
  }

  @Test
  void run_clientsCap_isTheLastStep() throws Exception {
    LoadRamp.run(this::step, 1e9, 6, 10, 1_000, () -> now[0]);

    assertThat(clients).containsExactly(1, 2, 4, 6);
  }

  @Test
  void run_errors_countAsAMiss() throws Exception {
    List<LoadStep> steps =
        LoadRamp.run(
            c -> new LoadStep(c, 100, 100, 100, 3, BatchStats.NONE), 1e9, 128, 10, 1_000, () -> 0);

    assertThat(steps).hasSize(2);
  }

  @Test
  void run_oneMissThatARepeatMeets_carriesOn() throws Exception {
    boolean[] stalled = {false};
    LoadRamp.run(
        c -> {
          clients.add(c);
          boolean stall = c == 4 && !stalled[0];
          stalled[0] |= stall;
          return new LoadStep(c, c * 100.0, 500, stall ? 1e6 : 1000, 0, BatchStats.NONE);
        },
        5_000,
        16,
        10,
        1_000,
        () -> 0);

    assertThat(clients).containsExactly(1, 2, 4, 4, 8, 16);
  }
}

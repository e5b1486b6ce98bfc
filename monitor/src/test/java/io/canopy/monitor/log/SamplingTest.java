package io.canopy.monitor.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplingTest {

  @Test
  void sampled_sameIdSameAnswer_andTheRateHolds() {
    int sampled = 0;
    for (int i = 0; i < 10_000; i++) {
      String id = "req-" + i;
      boolean first = Sampling.sampled(id, 0.25, Sampling.RECORDING);
      assertThat(Sampling.sampled(id, 0.25, Sampling.RECORDING)).isEqualTo(first);
      sampled += first ? 1 : 0;
    }
    assertThat(sampled).isBetween(2200, 2800);
    assertThat(Sampling.sampled("x", 0, Sampling.RECORDING)).isFalse();
    assertThat(Sampling.sampled("x", 1, Sampling.RECORDING)).isTrue();
  }

  @Test
  void sampled_readSampleOfRecordedRequests_isIndependentOfTheRecordingSample() {
    // Serving recorded half of the requests; the monitor's half-sample of those must keep about
    // half of them, not all (as the same hash would) or none.
    int recorded = 0;
    int read = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "req-" + i;
      if (Sampling.sampled(id, 0.5, Sampling.RECORDING)) {
        recorded++;
        read += Sampling.sampled(id, 0.5, Sampling.READS) ? 1 : 0;
      }
    }
    assertThat((double) read / recorded).isBetween(0.45, 0.55);
  }
}

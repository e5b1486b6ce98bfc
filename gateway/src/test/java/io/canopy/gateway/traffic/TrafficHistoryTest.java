package io.canopy.gateway.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficHistoryTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long MS = 1_000_000;

  private final MutableClock clock = new MutableClock(START);
  private final TrafficHistory history = new TrafficHistory(clock, 8);

  /** Knows model "churn" with versions 1 and 2 only. */
  private static MetricLabels churnOnly() {
    return new MetricLabels(
        new MetricLabels.Known() {
          @Override
          public boolean hasModel(String name) {
            return name.equals("churn");
          }

          @Override
          public boolean hasVersion(String model, long version) {
            return model.equals("churn") && Set.of(1L, 2L).contains(version);
          }
        },
        1000);
  }

  @Test
  void requests_countedPerStepAndVersion_oldestFirst_endingWithTheLastCompleteStep() {
    history.request("http", "churn", "1", "alias", "OK", MS);
    history.request("http", "churn", "1", "alias", "UNAVAILABLE", MS);
    clock.advance(Duration.ofSeconds(5));
    history.request("grpc", "churn", "2", "split", "OK", MS);
    history.request("grpc", "churn", "1", "split", "OK", MS);
    history.request("grpc", "churn", "1", "split", "OK", MS);
    clock.advance(Duration.ofSeconds(5));

    TrafficHistory.ModelHistory h = history.history("churn", Duration.ofSeconds(15));

    assertThat(h.end()).isEqualTo(START.plusSeconds(10));
    assertThat(h.versions())
        .extracting(TrafficHistory.VersionHistory::version)
        .containsExactly(1L, 2L);
    assertThat(h.versions().get(0).requests()).containsExactly(0, 2, 2);
    assertThat(h.versions().get(0).errors()).containsExactly(0, 1, 0);
    assertThat(h.versions().get(1).requests()).containsExactly(0, 0, 1);
    assertThat(h.versions().get(0).p50Millis()[0]).isNaN();
    assertThat(h.batchRows()).hasSize(3);
  }

  @Test
  void quantiles_fromTheHistogram_areWithinABucketOfTheTruth() {
    for (int i = 0; i < 98; i++) {
      history.request("http", "churn", "1", "alias", "OK", 2 * MS);
    }
    history.request("http", "churn", "1", "alias", "OK", 400 * MS);
    history.request("http", "churn", "1", "alias", "OK", 400 * MS);
    clock.advance(Duration.ofSeconds(5));

    TrafficHistory.VersionHistory v =
        history.history("churn", Duration.ofSeconds(5)).versions().get(0);

    assertThat(v.p50Millis()[0]).isCloseTo(2.0, within(2.0 * 0.4));
    assertThat(v.p99Millis()[0]).isCloseTo(400.0, within(400.0 * 0.4));
  }

  @Test
  void stepsOlderThanTenMinutes_readAsZero_andTheWindowIsCapped() {
    history.request("http", "churn", "1", "alias", "OK", MS);
    clock.advance(Duration.ofSeconds(5));
    assertThat(history.history("churn", Duration.ofMinutes(10)).versions().get(0).requests())
        .hasSize(120)
        .endsWith(1);

    clock.advance(Duration.ofMinutes(10));
    TrafficHistory.VersionHistory v =
        history.history("churn", Duration.ofHours(1)).versions().get(0);

    assertThat(v.requests()).hasSize(120).containsOnly(0L);
  }

  @Test
  void shadowComparisons_andBatchMeans_perStep() {
    history.shadow("churn", 2, true, 0);
    history.shadow("churn", 2, false, 1);
    history.batchRows(4);
    history.batchRows(8);
    clock.advance(Duration.ofSeconds(5));

    TrafficHistory.ModelHistory h = history.history("churn", Duration.ofSeconds(10));

    assertThat(h.versions().get(0).version()).isEqualTo(2);
    assertThat(h.versions().get(0).shadowCompared()).containsExactly(0, 2);
    assertThat(h.versions().get(0).shadowAgreed()).containsExactly(0, 1);
    assertThat(h.batchRows()[0]).isNaN();
    assertThat(h.batchRows()[1]).isEqualTo(6.0);
  }

  @Test
  void totals_lastWindowPerModel() {
    history.request("http", "churn", "1", "alias", "OK", MS);
    history.request("http", "churn", "2", "alias", "INTERNAL", MS);
    history.request("http", "fraud", "1", "alias", "OK", MS);
    clock.advance(Duration.ofSeconds(5));

    assertThat(history.totals(Duration.ofSeconds(60)))
        .containsExactly(
            new TrafficHistory.ModelTotals("churn", 2, 1),
            new TrafficHistory.ModelTotals("fraud", 1, 0));
  }

  @Test
  void restrictedLabels_madeUpModelsAndVersionsGetNoSeries_andForgetDropsAModel() {
    history.restrictLabels(churnOnly());

    history.request("http", "made-up", "1", "alias", "NOT_FOUND", MS);
    history.request("http", "churn", "99", "version", "NOT_FOUND", MS);
    history.request("http", "churn", "1", "alias", "OK", MS);
    clock.advance(Duration.ofSeconds(5));

    assertThat(history.totals(Duration.ofSeconds(60)))
        .extracting(TrafficHistory.ModelTotals::model)
        .containsExactly("churn");
    assertThat(history.history("churn", Duration.ofSeconds(5)).versions())
        .extracting(TrafficHistory.VersionHistory::version)
        .containsExactly(1L);

    history.forget("churn");

    assertThat(history.totals(Duration.ofSeconds(60))).isEmpty();
  }

  @Test
  void seriesCap_refusesNewSeries_untilIdleOnesAge() {
    for (int v = 1; v <= 10; v++) {
      history.request("http", "m" + v, "1", "alias", "OK", MS);
    }
    clock.advance(Duration.ofSeconds(5));
    assertThat(history.totals(Duration.ofSeconds(60))).hasSize(8);

    clock.advance(Duration.ofMinutes(11));
    history.request("http", "late", "1", "alias", "OK", MS);
    clock.advance(Duration.ofSeconds(5));

    assertThat(history.totals(Duration.ofSeconds(60)))
        .extracting(TrafficHistory.ModelTotals::model)
        .containsExactly("late");
  }

  @Test
  void latencyBuckets_indexAndQuantile_agree() {
    assertThat(LatencyBuckets.index(0)).isZero();
    assertThat(LatencyBuckets.index(49_999)).isZero();
    assertThat(LatencyBuckets.index(50_000)).isEqualTo(1);
    assertThat(LatencyBuckets.index(10_000_000_000L)).isEqualTo(LatencyBuckets.COUNT - 1);
    assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
    int[] counts = new int[LatencyBuckets.COUNT];
    counts[LatencyBuckets.index(5 * MS)] = 10;
    double p50 = LatencyBuckets.quantile(counts, 0, 10, 0.5);
    assertThat(p50).isBetween(5.0 * MS / 1.4, 5.0 * MS * 1.4);
  }
}

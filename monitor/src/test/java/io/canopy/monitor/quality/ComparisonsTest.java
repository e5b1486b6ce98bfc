package io.canopy.monitor.quality;

import static io.canopy.monitor.store.Records.prediction;
import static io.canopy.monitor.store.Records.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonsTest {

  private static final long NOW = 1_000_000;

  @TempDir Path dir;
  private MonitorStore store;

  @BeforeEach
  void open() {
    store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("r.db")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A split: v1 and v2 answer different requests; v2's errors are {@code v2Error} wide. */
  private CompareVersionsResponse split(int perVersion, double v2Error, int minOutcomes) {
    Random random = new Random(3);
    List<PredictionRecord> records = new ArrayList<>();
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < 2 * perVersion; i++) {
      long version = i % 2 == 0 ? 1 : 2;
      double truth = random.nextGaussian() * 5;
      double error = (version == 1 ? 1.0 : v2Error) * random.nextGaussian();
      String id = "r" + i;
      records.add(
          prediction("m", version, id, NOW - 100, "reg:squarederror", (float) (truth + error)));
      outcomes.add(value("m", id, truth, NOW - 50));
    }
    store.addPredictions(records);
    store.addOutcomes(outcomes);
    return new Comparisons(store, Duration.ofDays(1), minOutcomes, Long.MAX_VALUE)
        .compare("m", 1, 2, "1h", Duration.ofHours(1), NOW);
  }

  @Test
  void split_challengerWithLargerErrors_isWorse_onIndependentSamples() {
    CompareVersionsResponse r = split(400, 2.0, 100);

    assertThat(r.getPaired()).isFalse();
    assertThat(r.getMetric()).isEqualTo("mae");
    assertThat(r.getHigherIsBetter()).isFalse();
    assertThat(r.getChallengerValue()).isGreaterThan(r.getChampionValue());
    assertThat(r.getLower()).isPositive();
    assertThat(r.getVerdict()).isEqualTo(Verdict.VERDICT_CHALLENGER_WORSE);
    assertThat(r.getSummary()).startsWith("v2 worse: MAE +");
  }

  @Test
  void split_sameErrors_noClearDifference() {
    CompareVersionsResponse r = split(400, 1.0, 100);

    assertThat(r.getLower()).isNegative();
    assertThat(r.getUpper()).isPositive();
    assertThat(r.getVerdict()).isEqualTo(Verdict.VERDICT_NO_CLEAR_DIFFERENCE);
  }

  @Test
  void fewOutcomes_notEnoughYet_sayingHowMany() {
    CompareVersionsResponse r = split(40, 2.0, 100);

    assertThat(r.getVerdict()).isEqualTo(Verdict.VERDICT_NOT_ENOUGH_OUTCOMES);
    assertThat(r.getSummary()).isEqualTo("not enough outcomes yet: 40 of 100 needed");
  }
}

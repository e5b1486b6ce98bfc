package io.canopy.monitor.quality;

import static io.canopy.monitor.store.Records.label;
import static io.canopy.monitor.store.Records.prediction;
import static io.canopy.monitor.store.Records.withFeature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.QualityReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlicesTest {

  private static final long NOW = 1_000_000;

  @TempDir Path dir;

  @Test
  void bucket_valuesAndBands() {
    Slice region = new Slice("region", List.of());
    Slice age = new Slice("age", List.of(18.0, 30.0, 45.5));

    assertThat(region.bucket(3f)).isEqualTo("3");
    assertThat(region.bucket(2.5f)).isEqualTo("2.5");
    assertThat(region.bucket(Float.NaN)).isEqualTo("missing");
    assertThat(age.bucket(10f)).isEqualTo("< 18");
    assertThat(age.bucket(18f)).isEqualTo("[18, 30)");
    assertThat(age.bucket(45f)).isEqualTo("[30, 45.5)");
    assertThat(age.bucket(80f)).isEqualTo(">= 45.5");
    assertThatThrownBy(() -> new Slice("age", List.of(30.0, 18.0)))
        .hasMessageContaining("ascending");
  }

  @Test
  void report_perSlice_showsTheGroupTheModelIsWorseFor() {
    List<PredictionRecord> records = new ArrayList<>();
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean north = i % 2 == 0;
      boolean positive = i % 4 < 2;
      // Right for the north (1), always 0.5 in the south: AUC 1 there, 0.5 here.
      float p = north ? (positive ? 0.9f : 0.1f) : 0.5f;
      PredictionRecord r = prediction("m", 1, "r" + i, NOW - 1000, "binary:logistic", p);
      records.add(withFeature(withFeature(r, "region", north ? 1 : 2), "age", 20 + i % 50));
      outcomes.add(label("m", "r" + i, positive ? 1 : 0, NOW - 500));
    }
    QualityReport report;
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("r.db")))) {
      store.addPredictions(records);
      store.addOutcomes(outcomes);
      report =
          new QualityReports(store, Duration.ofDays(1), 0.5, Long.MAX_VALUE)
              .report(
                  "m",
                  1,
                  "1h",
                  Duration.ofHours(1),
                  NOW,
                  List.of(new Slice("region", List.of()), new Slice("age", List.of(40.0))));
    }

    Map<String, QualityReport> slices =
        report.getSlicesList().stream()
            .collect(
                Collectors.toMap(
                    s -> s.getSliceFeature() + "=" + s.getSliceValue(), Function.identity()));
    assertThat(slices).containsOnlyKeys("region=1", "region=2", "age=< 40", "age=>= 40");
    assertThat(slices.get("region=1").getBinary().getAuc()).isEqualTo(1.0);
    assertThat(slices.get("region=2").getBinary().getAuc()).isEqualTo(0.5);
    assertThat(slices.get("region=1").getPredictions()).isEqualTo(100);
    assertThat(slices.get("age=< 40").getPredictions() + slices.get("age=>= 40").getPredictions())
        .isEqualTo(200);
    assertThat(report.getBinary().getAuc()).isBetween(0.5, 1.0);
  }
}

package io.canopy.monitor;

import static io.canopy.monitor.store.Records.label;
import static io.canopy.monitor.store.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.TestConfig;
import io.canopy.monitor.metrics.Series;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsRefreshTest {

  private static final long NOW = 100_000_000;

  @TempDir Path dir;

  @Test
  void figures_perVersionAndWindow_forEveryModelWithPredictions() {
    Path db = dir.resolve("r.db");
    MonitorConfig config =
        MonitorConfig.create(
            TestConfig.from(
                Map.of("monitor.store.sqlite", db.toString(), "monitor.drift.baseline-rows", "10"),
                "monitor.yaml"));
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(db))) {
      List<PredictionRecord> records = new ArrayList<>();
      List<OutcomeRecord> outcomes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // Two hours ago: in the day's window, not the hour's.
        records.add(prediction("m", 3, "r" + i, NOW - 7_200_000 + i, "binary:logistic", i / 40f));
        outcomes.add(label("m", "r" + i, i >= 20 ? 1 : 0, NOW - 7_000_000));
      }
      records.add(prediction("reg", 1, "x", NOW - 1000, "reg:squarederror", 2f));
      store.addPredictions(records);
      store.addOutcomes(outcomes);

      Map<Series, Double> figures =
          new MetricsRefresh(
                  store,
                  config,
                  io.canopy.monitor.drift.ReferenceSource.NONE,
                  values -> {},
                  Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC))
              .figures();

      assertThat(figures.get(new Series("auc", "m", 3, "1d"))).isEqualTo(1.0);
      assertThat(figures.get(new Series("predictions", "m", 3, "1d"))).isEqualTo(40.0);
      assertThat(figures.get(new Series("outcome_share", "m", 3, "7d"))).isEqualTo(1.0);
      assertThat(figures).doesNotContainKey(new Series("predictions", "m", 3, "1h"));
      assertThat(figures.get(new Series("predictions", "reg", 1, "1h"))).isEqualTo(1.0);
      assertThat(figures).doesNotContainKey(new Series("rmse", "reg", 1, "1h")); // no outcome yet
      assertThat(figures.get(new Series("feature_psi_max", "m", 3, "1d"))).isNotNull();
    }
  }
}

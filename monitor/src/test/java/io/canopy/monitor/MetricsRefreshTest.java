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

  private static MonitorConfig config(Path db, Map<String, String> more) {
    Map<String, String> values = new java.util.HashMap<>(more);
    values.put("monitor.store.sqlite", db.toString());
    values.put("monitor.drift.baseline-rows", "10");
    return MonitorConfig.create(TestConfig.from(values, "monitor.yaml"));
  }

  @Test
  void figures_perVersionAndWindow_forEveryModelWithPredictions() {
    Path db = dir.resolve("r.db");
    MonitorConfig config = config(db, Map.of());
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

  private static Map<Series, Double> figures(MonitorStore store, MonitorConfig config) {
    return new MetricsRefresh(
            store,
            config,
            io.canopy.monitor.drift.ReferenceSource.NONE,
            values -> {},
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC))
        .figures();
  }

  @Test
  void figures_longerWindowWithOlderRows_isComputed_andOneWithTheSameRows_reused() {
    Path db = dir.resolve("w.db");
    MonitorConfig config = config(db, Map.of());
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(db))) {
      List<PredictionRecord> records = new ArrayList<>();
      List<OutcomeRecord> outcomes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // Version 1: 40 rows two days ago (7d only, all wrong) and 40 two hours ago (right).
        records.add(
            prediction("m", 1, "old" + i, NOW - 2 * 86_400_000L + i, "binary:logistic", i / 40f));
        outcomes.add(label("m", "old" + i, i >= 20 ? 0 : 1, NOW - 2 * 86_400_000L + 1000));
        records.add(prediction("m", 1, "new" + i, NOW - 7_200_000 + i, "binary:logistic", i / 40f));
        outcomes.add(label("m", "new" + i, i >= 20 ? 1 : 0, NOW - 7_000_000));
        // Version 2: two hours ago only: its 1d and 7d windows hold the same rows.
        records.add(prediction("m", 2, "two" + i, NOW - 7_200_000 + i, "binary:logistic", i / 40f));
      }
      outcomes.add(label("m", "nobody", 1, NOW - 3 * 86_400_000L)); // unmatched, 7d only
      store.addPredictions(records);
      store.addOutcomes(outcomes);

      Map<Series, Double> figures = figures(store, config);

      assertThat(figures.get(new Series("predictions", "m", 1, "1d"))).isEqualTo(40.0);
      assertThat(figures.get(new Series("auc", "m", 1, "1d"))).isEqualTo(1.0);
      assertThat(figures.get(new Series("predictions", "m", 1, "7d"))).isEqualTo(80.0);
      assertThat(figures.get(new Series("auc", "m", 1, "7d"))).isLessThan(1.0);
      assertThat(figures.get(new Series("predictions", "m", 2, "7d")))
          .isEqualTo(figures.get(new Series("predictions", "m", 2, "1d")))
          .isEqualTo(40.0);
      assertThat(figures.get(new Series("feature_psi_max", "m", 2, "7d")))
          .isEqualTo(figures.get(new Series("feature_psi_max", "m", 2, "1d")));
      // Outcomes that matched nothing are the window's own, reused figures or not.
      assertThat(figures.get(new Series("unmatched_outcomes", "m", 2, "1d"))).isEqualTo(0.0);
      assertThat(figures.get(new Series("unmatched_outcomes", "m", 2, "7d"))).isEqualTo(1.0);
    }
  }

  @Test
  void figures_windowOverMaxRows_countEveryPrediction_computedFromASample() {
    Path db = dir.resolve("s.db");
    MonitorConfig config = config(db, Map.of("monitor.max-rows", "1000"));
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(db))) {
      List<PredictionRecord> records = new ArrayList<>();
      List<OutcomeRecord> outcomes = new ArrayList<>();
      for (int i = 0; i < 4000; i++) {
        float p = (i % 100) / 100f;
        records.add(prediction("m", 1, "r" + i, NOW - 60_000 + i, "binary:logistic", p));
        outcomes.add(label("m", "r" + i, p >= 0.5 ? 1 : 0, NOW - 1000));
      }
      store.addPredictions(records);
      store.addOutcomes(outcomes);

      Map<Series, Double> figures = figures(store, config);
      var report =
          new io.canopy.monitor.quality.QualityReports(
                  store, config.joinWindow(), config.threshold(), config.maxRows())
              .report("m", 1, "1h", java.time.Duration.ofHours(1), NOW, List.of());

      assertThat(figures.get(new Series("predictions", "m", 1, "1h"))).isEqualTo(4000.0);
      assertThat(figures.get(new Series("auc", "m", 1, "1h"))).isEqualTo(1.0);
      assertThat(report.getPredictions()).isEqualTo(4000);
      assertThat(report.getSampledRows()).isBetween(800L, 1200L);
      assertThat(report.getWithOutcome()).isEqualTo(report.getSampledRows());
      assertThat(report.getOutcomeShare()).isEqualTo(1.0);
    }
  }

  @Test
  void create_maxRowsUnderAThousand_isRefusedByName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                MonitorConfig.create(
                    TestConfig.from(Map.of("monitor.max-rows", "10"), "monitor.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("monitor.max-rows");
  }
}

package io.canopy.monitor.store;

import static io.canopy.monitor.store.Records.label;
import static io.canopy.monitor.store.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorStoreTest {

  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;

  @TempDir Path dir;
  private MonitorStore store;

  @BeforeEach
  void open() {
    store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("records/records.db")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<Joined> joined(long version, long from, long to, long joinWindow) {
    List<Joined> rows = new ArrayList<>();
    store.joined("m", version, from, to, joinWindow, Long.MAX_VALUE, rows::add);
    return rows;
  }

  @Test
  void open_newFile_readableByTheOwnerOnly() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("records"))))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("records/records.db"))))
        .isEqualTo("rw-------");
  }

  @Test
  void addPredictions_sameKeyTwice_countsOnce() {
    store.addPredictions(List.of(prediction("m", 1, "a", 1000, "binary:logistic", 0.25f)));
    store.addPredictions(
        List.of(
            prediction("m", 1, "a", 2000, "binary:logistic", 0.75f),
            prediction("m", 2, "a", 2000, "binary:logistic", 0.5f)));

    assertThat(store.predictionCount()).isEqualTo(2);
    List<Joined> v1 = joined(1, 0, 10_000, DAY);
    assertThat(v1)
        .singleElement()
        .satisfies(j -> assertThat(j.record().getOutputs(0)).isEqualTo(0.25f));
  }

  @Test
  void addOutcomes_laterReport_replacesTheEarlierOne() {
    store.addPredictions(List.of(prediction("m", 1, "a", 1000, "binary:logistic", 0.25f)));
    store.addOutcomes(List.of(label("m", "a", 0, 2000)));
    store.addOutcomes(List.of(label("m", "a", 1, 3000)));

    assertThat(joined(1, 0, 10_000, DAY))
        .singleElement()
        .satisfies(j -> assertThat(j.outcome().label()).isEqualTo(1));
  }

  @Test
  void joined_outcomeAfterTheJoinWindow_isNotJoined() {
    store.addPredictions(
        List.of(
            prediction("m", 1, "early", 1000, "binary:logistic", 0.25f),
            prediction("m", 1, "late", 1000, "binary:logistic", 0.25f)));
    store.addOutcomes(
        List.of(label("m", "early", 1, 1000 + HOUR), label("m", "late", 1, 1000 + 3 * DAY)));

    List<Joined> rows = joined(1, 0, 10_000, DAY);
    assertThat(rows).hasSize(2);
    assertThat(rows)
        .filteredOn(j -> j.outcome() != null)
        .singleElement()
        .satisfies(j -> assertThat(j.record().getRequestId()).isEqualTo("early"));
  }

  @Test
  void unmatchedOutcomes_countsOutcomesWithoutAPrediction() {
    store.addPredictions(List.of(prediction("m", 1, "a", 1000, "binary:logistic", 0.25f)));
    store.addOutcomes(List.of(label("m", "a", 1, 2000), label("m", "nobody", 1, 2000)));

    assertThat(store.unmatchedOutcomes("m", 0, 10_000)).isEqualTo(1);
    assertThat(store.unmatchedOutcomes("other", 0, 10_000)).isZero();
  }

  @Test
  void versions_inTheWindow_newestFirst() {
    store.addPredictions(
        List.of(
            prediction("m", 1, "a", 1000, "binary:logistic", 0.25f),
            prediction("m", 3, "b", 5000, "binary:logistic", 0.25f),
            prediction("m", 2, "c", 50_000, "binary:logistic", 0.25f)));

    assertThat(store.versions("m", 0, 10_000)).containsExactly(3L, 1L);
    assertThat(store.hasModel("m")).isTrue();
    assertThat(store.hasModel("x")).isFalse();
  }

  @Test
  void prune_dropsOldRecordsThenTheOldestBeyondTheCap() {
    List<io.canopy.proto.monitor.v1.PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(prediction("m", 1, "r" + i, 1000L * (i + 1), "binary:logistic", 0.5f));
    }
    store.addPredictions(records);
    store.addOutcomes(List.of(label("m", "r0", 1, 500)));

    long deleted = store.prune(2500, java.util.Map.of(), 5);

    assertThat(deleted).isEqualTo(5); // r0, r1 by age; r2..r4 beyond the cap of 5
    assertThat(store.predictionCount()).isEqualTo(5);
    assertThat(store.unmatchedOutcomes("m", 0, 10_000)).isZero(); // the old outcome went too
    assertThat(store.versions("m", 0, 5500)).isEmpty();
    assertThat(store.versions("m", 5500, 11_000)).containsExactly(1L);
  }

  @Test
  void prune_modelWithItsOwnRetention_keepsOrDropsByIt_othersByTheCommonOne() {
    store.addPredictions(
        List.of(
            prediction("short", 1, "s-old", 1000, "binary:logistic", 0.5f),
            prediction("short", 1, "s-new", 9000, "binary:logistic", 0.5f),
            prediction("long", 1, "l-old", 1000, "binary:logistic", 0.5f),
            prediction("other", 1, "o-old", 1000, "binary:logistic", 0.5f),
            prediction("other", 1, "o-mid", 4000, "binary:logistic", 0.5f)));
    store.addOutcomes(List.of(label("short", "s-old", 1, 1000), label("long", "l-old", 1, 1000)));

    // Common: before 2000. short: before 5000 (a shorter retention). long: before 0 (longer).
    long deleted = store.prune(2000, java.util.Map.of("short", 5000L, "long", 0L), Long.MAX_VALUE);

    assertThat(deleted).isEqualTo(2); // s-old (its own), o-old (the common one)
    assertThat(store.versions("short", 0, 10_000)).containsExactly(1L);
    assertThat(joined("short", 0, 10_000))
        .extracting(j -> j.record().getRequestId())
        .containsExactly("s-new");
    assertThat(store.hasModel("long")).isTrue(); // kept past the common retention
    assertThat(store.unmatchedOutcomes("long", 0, 10_000)).isZero(); // its outcome too
    assertThat(store.unmatchedOutcomes("short", 0, 10_000)).isZero(); // s-old's went with it
    assertThat(store.predictionCount()).isEqualTo(3);
  }

  private List<Joined> joined(String model, long from, long to) {
    List<Joined> rows = new ArrayList<>();
    store.joined(model, 1, from, to, DAY, Long.MAX_VALUE, rows::add);
    return rows;
  }

  @Test
  void joined_windowOverMaxRows_readsTheSameUniformSampleForEveryVersionAndRead() {
    List<io.canopy.proto.monitor.v1.PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      records.add(prediction("m", 1, "r" + i, 1000 + i, "binary:logistic", 0.5f));
      records.add(prediction("m", 2, "r" + i, 1000 + i, "binary:logistic", 0.5f)); // a shadow
    }
    store.addPredictions(records);

    List<String> v1 = new ArrayList<>();
    Scan scan = store.joined("m", 1, 0, 10_000, DAY, 1000, j -> v1.add(j.record().getRequestId()));
    List<String> v2 = new ArrayList<>();
    store.joined("m", 2, 0, 10_000, DAY, 1000, j -> v2.add(j.record().getRequestId()));
    List<String> again = new ArrayList<>();
    store.sampled("m", 1, 0, 10_000, 1000, r -> again.add(r.getRequestId()));

    assertThat(scan.matched()).isEqualTo(5000);
    assertThat(scan.share()).isEqualTo(0.2);
    assertThat(scan.whole()).isFalse();
    assertThat(v1).hasSizeBetween(850, 1150);
    assertThat(v2).containsExactlyInAnyOrderElementsOf(v1); // a shadow's pairs stay pairs
    assertThat(again).containsExactlyInAnyOrderElementsOf(v1); // and figures do not flicker
    // Under the bound, everything is read.
    Scan whole = store.joined("m", 1, 0, 10_000, DAY, 5000, j -> {});
    assertThat(whole.whole()).isTrue();
  }

  @Test
  void earliest_firstPredictionOfTheVersion_orEmpty() {
    store.addPredictions(
        List.of(
            prediction("m", 1, "a", 5000, "binary:logistic", 0.5f),
            prediction("m", 1, "b", 3000, "binary:logistic", 0.5f),
            prediction("m", 2, "c", 1000, "binary:logistic", 0.5f)));

    assertThat(store.earliest("m", 1)).hasValue(3000);
    assertThat(store.earliest("m", 3)).isEmpty();
  }
}

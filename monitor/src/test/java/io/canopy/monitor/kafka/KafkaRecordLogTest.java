package io.canopy.monitor.kafka;

import static io.canopy.monitor.store.Records.label;
import static io.canopy.monitor.store.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.monitor.store.Joined;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record log on a real Kafka broker: what serving and the gateway append reaches the monitor's
 * store through a consumer group, once each, continuing from the committed offsets after a restart;
 * with the broker down an append fails in seconds instead of blocking.
 */
@ProcessSuite
class KafkaRecordLogTest {

  @TempDir Path dir;

  @Test
  void records_throughKafka_reachTheStoreOnceEach_andTheGroupResumesWhereItStopped()
      throws Exception {
    long now = System.currentTimeMillis();
    try (KafkaBroker broker = new KafkaBroker(dir);
        MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("r.db")))) {
      KafkaSettings settings =
          new KafkaSettings(broker.bootstrap(), "canopy.predictions", "canopy.outcomes");
      try (KafkaRecordLog log = new KafkaRecordLog(settings, "test")) {
        log.appendPredictions(
            List.of(
                prediction("m", 1, "a", now, "binary:logistic", 0.9f),
                prediction("m", 1, "b", now, "binary:logistic", 0.2f),
                // a hedged call's second answer: the same key
                prediction("m", 1, "a", now, "binary:logistic", 0.9f)));
        log.appendOutcomes(List.of(label("m", "a", 1, now), label("m", "b", 0, now)));

        try (KafkaIngest ingest = new KafkaIngest(settings, "canopy-monitor", store)) {
          Await.until("5 messages ingested", Duration.ofSeconds(60), () -> ingest.ingested() == 5);
        }
        assertThat(store.predictionCount()).isEqualTo(2);
        List<Joined> rows = new ArrayList<>();
        store.joined(
            "m", 1, 0, Long.MAX_VALUE, Duration.ofDays(1).toMillis(), Long.MAX_VALUE, rows::add);
        assertThat(rows).allSatisfy(j -> assertThat(j.outcome()).isNotNull());

        log.appendPredictions(List.of(prediction("m", 1, "c", now, "binary:logistic", 0.5f)));
        try (KafkaIngest again = new KafkaIngest(settings, "canopy-monitor", store)) {
          Await.until(
              "the new record ingested", Duration.ofSeconds(60), () -> again.ingested() >= 1);
          assertThat(again.ingested()).isEqualTo(1); // not the five before it
        }
        assertThat(store.predictionCount()).isEqualTo(3);

        // An append over the message limit is split (each message one model's, under ~512 KiB).
        List<io.canopy.proto.monitor.v1.PredictionRecord> big = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
          var r = prediction(i % 10 == 0 ? "n" : "m", 1, "big" + i, now, "binary:logistic", 0.5f);
          for (int f = 0; f < 40; f++) {
            r = io.canopy.monitor.store.Records.withFeature(r, "feature_" + f, f);
          }
          big.add(r);
        }
        assertThat(big.stream().mapToLong(r -> r.getSerializedSize()).sum())
            .isGreaterThan(3L * KafkaRecordLog.MAX_MESSAGE_BYTES);
        log.appendPredictions(big);
        try (KafkaIngest third = new KafkaIngest(settings, "canopy-monitor", store)) {
          Await.until(
              "3000 records ingested", Duration.ofSeconds(60), () -> third.ingested() == 3000);
        }
        assertThat(store.predictionCount()).isEqualTo(3003);
        assertThat(store.hasModel("n")).isTrue();

        broker.stop();
        long start = System.nanoTime();
        assertThatThrownBy(
                () ->
                    log.appendPredictions(
                        List.of(prediction("m", 1, "d", now, "binary:logistic", 0.5f))))
            .hasMessageContaining("Kafka did not take the records");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      }
    }
  }
}

package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.up.Suite;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.monitor.kafka.KafkaBroker;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record log on Kafka, and the broker killed under load: serving records to Kafka, the gateway
 * writes outcomes to Kafka, the monitor consumes both into its store. While the broker is down no
 * prediction fails and the records that cannot be written are dropped and counted; once it is back
 * recording resumes by itself; quality counts every stored prediction once.
 */
@ProcessSuite
class KafkaRecordingFaultTest {

  private static final String MODEL = "kafka-fault";
  private static final int FEATURES = 30;

  @TempDir Path dir;

  @Test
  void brokerKilledUnderLoad_noPredictionFails_dropsCounted_recordingResumes() throws Exception {
    Path brokerDir = Files.createDirectories(dir.resolve("kafka"));
    try (KafkaBroker broker = new KafkaBroker(brokerDir)) {
      Map<String, String> kafka =
          Map.of(
              "serving.recording.sink", "kafka",
              "serving.recording.kafka.bootstrap", broker.bootstrap(),
              "gateway.outcomes.sink", "kafka",
              "gateway.outcomes.kafka.bootstrap", broker.bootstrap(),
              "monitor.ingest.kafka.bootstrap", broker.bootstrap());
      try (Suite suite = TestSuites.start(dir, kafka)) {
        ManagedChannel registry = TestSuites.channel(suite.registry().grpcPort());
        ManagedChannel gateway = TestSuites.channel(suite.gateway().grpcPort());
        try {
          TestSuites.publishBreastCancer(registry, gateway, MODEL);
          double droppedBefore = dropped(suite);

          List<String> before = predict(gateway, "up", Duration.ofSeconds(4));
          awaitStored(before);
          broker.stop();
          List<String> during = predict(gateway, "down", Duration.ofSeconds(6));
          broker.start();
          // The producer reconnects by itself; what was predicted after that is recorded again.
          List<String> after = new ArrayList<>();
          Await.until(
              "records flow again after the broker came back",
              Duration.ofSeconds(90),
              () -> {
                after.addAll(predict(gateway, "after", Duration.ofMillis(500)));
                return stored(after) > 0;
              });
          List<String> last = predict(gateway, "last", Duration.ofSeconds(2));
          awaitStored(last);

          double droppedDuring = dropped(suite) - droppedBefore;
          long storedDuring = stored(during);
          System.out.printf(
              "FAULT kafka broker killed under load: predictions before %d, while down %d, after"
                  + " %d, failed 0; records while down: stored %d, dropped and counted %.0f%n",
              before.size(),
              during.size(),
              after.size() + last.size(),
              storedDuring,
              droppedDuring);
          assertThat(during).isNotEmpty();
          assertThat(droppedDuring).isPositive();
          assertThat(storedDuring + (long) droppedDuring).isGreaterThanOrEqualTo(during.size());

          // Outcomes through Kafka too, and quality counts each stored prediction once.
          RecordOutcomesRequest.Builder outcomes =
              RecordOutcomesRequest.newBuilder().setModel(MODEL);
          for (String id : last) {
            outcomes.addOutcomes(Outcome.newBuilder().setRequestId(id).setLabel(id.hashCode() & 1));
          }
          assertThat(
                  OutcomeServiceGrpc.newBlockingStub(gateway)
                      .withDeadlineAfter(30, TimeUnit.SECONDS)
                      .recordOutcomes(outcomes.build())
                      .getAccepted())
              .isEqualTo(last.size());
          ManagedChannel monitor = TestSuites.channel(suite.monitor().grpcPort());
          try {
            Await.until(
                "the outcomes reached the monitor through Kafka",
                Duration.ofSeconds(60),
                () -> quality(monitor).getWithOutcome() == last.size());
            long storedTotal;
            try (MonitorStore store = store()) {
              storedTotal = store.predictionCount();
            }
            assertThat(quality(monitor).getPredictions()).isEqualTo(storedTotal);
          } finally {
            monitor.shutdownNow();
          }
        } finally {
          registry.shutdownNow();
          gateway.shutdownNow();
        }
      }
    }
  }

  private static io.canopy.proto.monitor.v1.QualityReport quality(ManagedChannel monitor) {
    return MonitorServiceGrpc.newBlockingStub(monitor)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getQuality(GetQualityRequest.newBuilder().setModel(MODEL).setWindow("1h").build())
        .getReports(0);
  }

  /** Single-row predictions for {@code length}; every one must succeed. Returns their ids. */
  private static List<String> predict(ManagedChannel gateway, String phase, Duration length) {
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    var stub = InferenceServiceGrpc.newBlockingStub(gateway);
    List<String> ids = new ArrayList<>();
    long end = System.nanoTime() + length.toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
      int r = i % (rows.length / FEATURES);
      for (int f = 0; f < FEATURES; f++) {
        dense.addValues(rows[r * FEATURES + f]);
      }
      String id = phase + "-" + System.nanoTime();
      try {
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setModel(MODEL)
                    .setRequestId(id)
                    .setDense(dense)
                    .build());
      } catch (StatusRuntimeException e) {
        throw new AssertionError("a prediction failed while " + phase + ": " + e.getStatus(), e);
      }
      ids.add(id);
    }
    return ids;
  }

  private MonitorStore store() {
    return MonitorStore.open(StoreSettings.sqlite(dir.resolve("monitor/records.db")));
  }

  private long stored(List<String> ids) {
    java.util.Set<String> wanted = new java.util.HashSet<>(ids);
    long[] found = {0};
    try (MonitorStore store = store()) {
      store.joined(
          MODEL,
          1,
          0,
          Long.MAX_VALUE,
          0,
          Long.MAX_VALUE,
          j -> found[0] += wanted.contains(j.record().getRequestId()) ? 1 : 0);
    }
    return found[0];
  }

  private void awaitStored(List<String> ids) {
    Await.until(
        ids.size() + " records stored through Kafka",
        Duration.ofSeconds(60),
        () -> stored(ids) == ids.size());
  }

  /** canopy_prediction_records_dropped_total over every reason, from the serving admin port. */
  private static double dropped(Suite suite) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + suite.serving().adminPort() + "/observe/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return text.lines()
        .filter(l -> l.startsWith("canopy_prediction_records_dropped_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}

package io.canopy.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.monitor.log.Routes;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.serving.Fixtures;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.recording.ModelRecording;
import io.canopy.serving.recording.PredictionRecorder;
import io.canopy.serving.recording.RecordingSettings;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Predictions are recorded as the model saw them, and recording never fails or holds one up. */
class PredictionRecordingTest {

  private static final int FEATURES = 30;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;
  private ModelManager models;
  private Path db;
  private PredictionRecorder recorder;
  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    models = ReadyModels.start(cleanup, dir.resolve("cache"), 64);
    db = dir.resolve("records.db");
  }

  @AfterEach
  void stop() {
    if (recorder != null) {
      recorder.close();
    }
  }

  private InferenceGrpcService service(long bufferBytes) {
    RecordingSettings settings =
        new RecordingSettings(
            true,
            new io.canopy.monitor.log.RecordLogSettings(
                io.canopy.monitor.log.RecordLogSettings.Sink.STORE, StoreSettings.sqlite(db), null),
            bufferBytes,
            16,
            Duration.ofMillis(20),
            new ModelRecording(1, Set.of(), Set.of("f3"), false),
            Map.of());
    recorder =
        new PredictionRecorder(
            settings,
            settings.log().open("test"),
            new PredictionRecorder.Counts() {
              @Override
              public void dropped(String reason, long records) {
                PredictionRecordingTest.this
                    .dropped
                    .computeIfAbsent(reason, r -> new AtomicLong())
                    .addAndGet(records);
              }
            });
    return new InferenceGrpcService(
        models, null, ServingMetrics.NOOP, Runnable::run, 1, 1000, recorder, PredictSpans.OFF);
  }

  private static PredictRequest.Builder rows(int count, String id) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
    float[] fixture = Fixtures.breastCancerRows();
    for (int i = 0; i < count * FEATURES; i++) {
      dense.addValues(fixture[i % fixture.length]);
    }
    return PredictRequest.newBuilder().setModel("bc").setDense(dense).setRequestId(id);
  }

  private static PredictResponse call(InferenceGrpcService service, PredictRequest request) {
    AtomicReference<PredictResponse> answer = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    service.predict(
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(PredictResponse value) {
            answer.set(value);
          }

          @Override
          public void onError(Throwable t) {
            error.set(t);
          }

          @Override
          public void onCompleted() {}
        });
    Await.until("an answer", () -> answer.get() != null || error.get() != null);
    if (error.get() instanceof RuntimeException e) {
      throw e;
    }
    return answer.get();
  }

  private List<PredictionRecord> stored() throws InterruptedException {
    assertThat(recorder.awaitWritten(Duration.ofSeconds(30))).isTrue();
    List<PredictionRecord> records = new ArrayList<>();
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(db))) {
      store.joined("bc", 1, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE, j -> records.add(j.record()));
    }
    return records;
  }

  @Test
  void predict_mergedParts_eachRowRecordedUnderItsRequest_withoutDeniedFeatures() throws Exception {
    InferenceGrpcService service = service(1 << 20);
    PredictResponse response =
        call(
            service,
            rows(3, "")
                .addParts(RequestPart.newBuilder().setRequestId("a").setRows(1).setRoute("alias"))
                .addParts(RequestPart.newBuilder().setRequestId("b").setRows(2).setRoute("split"))
                .build());

    List<PredictionRecord> records = stored();

    assertThat(records).hasSize(3);
    PredictionRecord b1 =
        records.stream()
            .filter(r -> r.getRequestId().equals("b") && r.getRow() == 1)
            .findFirst()
            .orElseThrow();
    assertThat(b1.getRoute()).isEqualTo("split");
    assertThat(b1.getOutputs(0)).isEqualTo(response.getValues(2));
    assertThat(b1.getFeaturesCount()).isEqualTo(FEATURES - 1);
    assertThat(b1.getFeaturesList()).noneMatch(f -> f.getName().equals("f3"));
    assertThat(b1.getSha256()).isEqualTo(response.getSha256());
  }

  @Test
  void modelInfer_recordedWithItsIdAndTheGatewaysRoute() throws Exception {
    service(1 << 20); // opens the recorder
    KServeGrpcService kserve = new KServeGrpcService(models, ServingMetrics.NOOP, 1000, recorder);
    ModelInferRequest.InferInputTensor.Builder input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("input-0")
            .setDatatype("FP32")
            .addShape(2)
            .addShape(FEATURES);
    float[] fixture = Fixtures.breastCancerRows();
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int i = 0; i < 2 * FEATURES; i++) {
      contents.addFp32Contents(fixture[i]);
    }
    AtomicReference<ModelInferResponse> answer = new AtomicReference<>();
    kserve.modelInfer(
        ModelInferRequest.newBuilder()
            .setModelName("bc")
            .setId("k-1")
            .putParameters(
                Routes.KSERVE_PARAMETER,
                InferParameter.newBuilder().setStringParam("split").build())
            .addInputs(input.setContents(contents))
            .build(),
        new StreamObserver<>() {
          @Override
          public void onNext(ModelInferResponse value) {
            answer.set(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });

    List<PredictionRecord> records = stored();

    assertThat(answer.get()).isNotNull();
    assertThat(records).hasSize(2);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.getRequestId()).isEqualTo("k-1");
              assertThat(r.getRoute()).isEqualTo("split");
              assertThat(r.getOutput()).isEqualTo("value");
            });
    assertThat(records).extracting(PredictionRecord::getRow).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void predict_partsThatDoNotCoverTheRows_invalidArgumentNamingParts() {
    InferenceGrpcService service = service(1 << 20);

    assertThatThrownBy(
            () ->
                call(
                    service,
                    rows(3, "x")
                        .addParts(
                            RequestPart.newBuilder().setRequestId("a").setRows(2).setRoute("split"))
                        .build()))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class, e -> assertThat(e.field()).isEqualTo("parts"));
    assertThatThrownBy(
            () ->
                call(
                    service,
                    rows(1, "x")
                        .addParts(
                            RequestPart.newBuilder().setRequestId("a").setRows(1).setRoute("Bad!"))
                        .build()))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class,
            e -> assertThat(e.field()).isEqualTo("parts[0].route"));
  }

  @Test
  void storeLockedByAnotherWriter_everyPredictionSucceeds_dropsCounted_thenRecordingResumes()
      throws Exception {
    InferenceGrpcService service = service(16 * 1024); // a few dozen single-row records
    call(service, rows(1, "warm").build());
    stored();
    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = holder.createStatement()) {
      s.execute("BEGIN EXCLUSIVE"); // e.g. a backup or a long analytics query
      for (int i = 0; i < 500; i++) {
        assertThat(call(service, rows(1, "locked-" + i).build()).getValuesCount()).isEqualTo(1);
      }
      s.execute("ROLLBACK");
    }
    // Once the writer caught up with its backlog, recording goes on by itself.
    assertThat(recorder.awaitWritten(Duration.ofSeconds(30))).isTrue();
    for (int i = 0; i < 5; i++) {
      call(service, rows(1, "after-" + i).build());
    }

    List<PredictionRecord> records = stored();

    assertThat(dropped.get("buffer_full")).isNotNull();
    assertThat(dropped.get("buffer_full").get()).isPositive();
    assertThat(records.stream().filter(r -> r.getRequestId().startsWith("after-")))
        .as("dropped: %s", dropped)
        .hasSize(5);
    long lockedKept = records.stream().filter(r -> r.getRequestId().startsWith("locked-")).count();
    assertThat(lockedKept + dropped.get("buffer_full").get()).isEqualTo(500);
  }
}

package io.canopy.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.serving.Fixtures;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.ModelManager;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Which Predicts finish on the receiving thread and which go to the work pool. */
class PredictDispatchTest {

  private static final int FEATURES = 30;
  private static final int MAX_IN_FLIGHT = 4;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private ModelManager models;
  private final AtomicInteger handedOff = new AtomicInteger();
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    models = ReadyModels.start(cleanup, cacheDir, MAX_IN_FLIGHT);
    pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("dispatch-pool").factory());
    cleanup.register((AutoCloseable) pool::shutdownNow);
  }

  private InferenceGrpcService service(int inlineMaxRows) {
    return new InferenceGrpcService(
        models,
        null,
        ServingMetrics.NOOP,
        task -> {
          handedOff.incrementAndGet();
          pool.execute(task);
        },
        inlineMaxRows,
        Integer.MAX_VALUE,
        io.canopy.serving.recording.PredictionRecorder.OFF,
        PredictSpans.OFF);
  }

  @Test
  void predict_oneDenseRowOnTheJavaEngine_answersOnTheReceivingThread() throws Exception {
    RecordingObserver<PredictResponse> recorder = new RecordingObserver<>();

    service(1).predict(request(FEATURES).build(), recorder);

    // Inline: answered before predict returned, on this very thread.
    assertThat(recorder.done.getCount()).isZero();
    assertThat(recorder.thread).isEqualTo(Thread.currentThread().getName());
    assertThat(recorder.response.getValuesCount()).isEqualTo(1);
    assertThat(handedOff.get()).isZero();
  }

  @Test
  void predict_moreRowsThanInlineMaxRows_runsOnThePool() throws Exception {
    PredictResponse response = awaitAnswer(service(1), request(FEATURES * 2).build());

    assertThat(response.getValuesCount()).isEqualTo(2);
    assertThat(handedOff.get()).isEqualTo(1);
  }

  @Test
  void predict_contributions_runOnThePoolEvenForOneRow() throws Exception {
    PredictResponse response =
        awaitAnswer(
            service(1), request(FEATURES).setOutput(OutputKind.OUTPUT_KIND_CONTRIBUTIONS).build());

    assertThat(response.getValuesCount()).isEqualTo(FEATURES + 1);
    assertThat(handedOff.get()).isEqualTo(1);
  }

  @Test
  void predict_inlineOff_runsEveryPredictionOnThePool() throws Exception {
    awaitAnswer(service(0), request(FEATURES).build());

    assertThat(handedOff.get()).isEqualTo(1);
  }

  @Test
  void predict_badRowsOnThePool_failWithTheFieldAndFreeTheInFlightSlot() throws Exception {
    InferenceGrpcService service = service(1);
    for (int i = 0; i < MAX_IN_FLIGHT * 3; i++) {
      RecordingObserver<PredictResponse> recorder = new RecordingObserver<>();
      // Two rows' worth minus one value: not a whole number of rows, found while decoding.
      service.predict(request(FEATURES * 2 - 1).build(), recorder);
      assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.error)
          .isInstanceOfSatisfying(
              CanopyException.InvalidArgument.class,
              e -> assertThat(e.field()).isEqualTo("dense.values"));
    }

    // Every failed call gave its lease back: the model is not stuck at its in-flight limit.
    PredictResponse response = awaitAnswer(service, request(FEATURES * 2).build());
    assertThat(response.getValuesCount()).isEqualTo(2);
  }

  private PredictResponse awaitAnswer(InferenceGrpcService service, PredictRequest request)
      throws InterruptedException {
    RecordingObserver<PredictResponse> recorder = new RecordingObserver<>();
    service.predict(request, recorder);
    assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(recorder.error).isNull();
    assertThat(recorder.thread).isEqualTo("dispatch-pool");
    return recorder.response;
  }

  /** {@code values} fixture values, declared as rows of {@link #FEATURES}. */
  private static PredictRequest.Builder request(int values) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
    float[] fixture = Fixtures.breastCancerRows();
    for (int i = 0; i < values; i++) {
      dense.addValues(fixture[i % fixture.length]);
    }
    return PredictRequest.newBuilder().setModel("bc").setDense(dense);
  }
}

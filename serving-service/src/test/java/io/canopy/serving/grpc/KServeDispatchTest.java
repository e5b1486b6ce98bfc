package io.canopy.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.serving.Fixtures;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.recording.PredictionRecorder;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which ModelInfer calls finish on the receiving thread and which go to the work pool: the same
 * rule as Predict's (issue 20: a KServe call is the same work as a Predict).
 */
class KServeDispatchTest {

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

  private KServeGrpcService service(int inlineMaxRows) {
    return new KServeGrpcService(
        models,
        ServingMetrics.NOOP,
        Integer.MAX_VALUE,
        PredictionRecorder.OFF,
        task -> {
          handedOff.incrementAndGet();
          pool.execute(task);
        },
        inlineMaxRows);
  }

  /** {@code rows} fixture rows as one FP32 tensor [rows, 30]. */
  private static ModelInferRequest request(String model, int rows) {
    ModelInferRequest.InferInputTensor.Builder input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("input-0")
            .setDatatype("FP32")
            .addShape(rows)
            .addShape(FEATURES);
    float[] fixture = Fixtures.breastCancerRows();
    var contents = io.canopy.proto.kserve.v2.InferTensorContents.newBuilder();
    for (int i = 0; i < rows * FEATURES; i++) {
      contents.addFp32Contents(fixture[i % fixture.length]);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(input.setContents(contents))
        .build();
  }

  @Test
  void oneRowOnTheJavaEngine_answersOnTheReceivingThread() throws Exception {
    RecordingObserver<ModelInferResponse> recorder = new RecordingObserver<>();

    service(1).modelInfer(request("bc", 1), recorder);

    assertThat(recorder.done.getCount()).isZero();
    assertThat(recorder.thread).isEqualTo(Thread.currentThread().getName());
    assertThat(recorder.response.getOutputs(0).getContents().getFp32ContentsCount()).isEqualTo(1);
    assertThat(handedOff.get()).isZero();
  }

  @Test
  void moreRowsThanInlineMaxRows_orInlineOff_runOnThePool() throws Exception {
    assertThat(awaitAnswer(service(1), request("bc", 2)).getOutputs(0).getContents())
        .satisfies(c -> assertThat(c.getFp32ContentsCount()).isEqualTo(2));
    assertThat(awaitAnswer(service(0), request("bc", 1)).getOutputs(0).getContents())
        .satisfies(c -> assertThat(c.getFp32ContentsCount()).isEqualTo(1));
    assertThat(handedOff.get()).isEqualTo(2);
  }

  @Test
  void badCalls_failWithTheField_andGiveTheirLeaseBack() throws Exception {
    KServeGrpcService service = service(1);
    for (int i = 0; i < MAX_IN_FLIGHT * 3; i++) {
      RecordingObserver<ModelInferResponse> recorder = new RecordingObserver<>();
      ModelInferRequest bad =
          request("bc", 1).toBuilder()
              .setInputs(
                  0, request("bc", 1).getInputs(0).toBuilder().setShape(1, FEATURES + 1).build())
              .build();
      try {
        service.modelInfer(bad, recorder);
      } catch (RuntimeException e) {
        recorder.onError(e); // inline: the server's error mapping would answer it
      }
      assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(recorder.error).isInstanceOf(CanopyException.InvalidArgument.class);
    }
    // Every failed call gave its lease back: the model is not stuck at its in-flight limit.
    assertThat(awaitAnswer(service, request("bc", 2)).getOutputsCount()).isEqualTo(1);
  }

  private ModelInferResponse awaitAnswer(KServeGrpcService service, ModelInferRequest request)
      throws InterruptedException {
    RecordingObserver<ModelInferResponse> recorder = new RecordingObserver<>();
    service.modelInfer(request, recorder);
    assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(recorder.error).isNull();
    assertThat(recorder.thread).isEqualTo("dispatch-pool");
    return recorder.response;
  }
}

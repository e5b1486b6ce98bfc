package io.canopy.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.serving.ServingHarness;
import io.canopy.serving.model.ModelManager;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Predict handler called directly, to control the call's deadline. */
class InferenceGrpcServiceTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private InferenceGrpcService service;

  @BeforeEach
  void start() throws Exception {
    ModelManager models = ReadyModels.start(cleanup, cacheDir, 8);
    service = new InferenceGrpcService(models);
  }

  @Test
  void predict_deadlineAlreadySpent_isDeadlineExceededWithoutAnAnswer() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    cleanup.register((AutoCloseable) scheduler::shutdownNow);
    Context.CancellableContext expired =
        Context.current().withDeadline(Deadline.after(-1, TimeUnit.SECONDS), scheduler);
    Recorder recorder = new Recorder();

    assertThatThrownBy(
            () ->
                expired.run(
                    () ->
                        service.predict(
                            ServingHarness.breastCancerRequest("bc").build(), recorder)))
        .isInstanceOf(CanopyException.DeadlineExceeded.class);
    assertThat(recorder.responses).isEmpty();
  }

  @Test
  void predict_deadlineAhead_answers() {
    Recorder recorder = new Recorder();

    service.predict(ServingHarness.breastCancerRequest("bc").build(), recorder);

    assertThat(recorder.responses).hasSize(1);
    assertThat(recorder.completed).isTrue();
  }

  private static final class Recorder implements StreamObserver<PredictResponse> {
    final List<PredictResponse> responses = new ArrayList<>();
    boolean completed;

    @Override
    public void onNext(PredictResponse value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}

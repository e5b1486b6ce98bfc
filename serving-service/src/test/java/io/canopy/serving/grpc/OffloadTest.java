package io.canopy.serving.grpc;

import static io.canopy.serving.GrpcAssertions.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ModelReadyResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A service behind {@link Offload} on a direct-executor server, through a real channel. */
class OffloadTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(Thread.ofPlatform().name("offload-test-", 0).factory());
  private final AtomicReference<String> handlerThread = new AtomicReference<>();
  private final AtomicReference<Boolean> deadlineSeen = new AtomicReference<>();
  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

  /** Any name is ready; "bad" is a domain error, "boom" an unexpected one. */
  private final class Probe extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
      handlerThread.set(Thread.currentThread().getName());
      deadlineSeen.set(Context.current().getDeadline() != null);
      switch (request.getName()) {
        case "bad" -> throw new CanopyException.InvalidArgument("name", "bad on purpose");
        case "boom" -> throw new IllegalStateException("internal detail");
        // What a worker building a huge answer hits (issue 13, item 1): the call must still end.
        case "oom" -> throw new OutOfMemoryError("Java heap space");
        case "deep" -> throw new StackOverflowError();
        default -> out.onNext(ModelReadyResponse.newBuilder().setReady(true).build());
      }
      out.onCompleted();
    }
  }

  @BeforeEach
  void start() {
    String name = InProcessServerBuilder.generateName();
    GrpcServer server =
        new GrpcServer(
            InProcessServerBuilder.forName(name).directExecutor(),
            List.of(Offload.onto(pool, new Probe())),
            List.of());
    server.start();
    cleanup.register((AutoCloseable) () -> server.stop(Duration.ofSeconds(5)));
    ManagedChannel channel = cleanup.register(InProcessChannelBuilder.forName(name).build());
    stub =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void call_runsOnThePoolInsideTheCallsContext() {
    ModelReadyResponse response = stub.modelReady(request("m"));

    assertThat(response.getReady()).isTrue();
    assertThat(handlerThread.get()).startsWith("offload-test-");
    assertThat(deadlineSeen.get()).isTrue();
  }

  @Test
  void call_domainErrorThrownOnThePool_isItsMappedStatus() {
    assertCode(() -> stub.modelReady(request("bad")), Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void call_unexpectedErrorThrownOnThePool_isInternal() {
    assertCode(() -> stub.modelReady(request("boom")), Status.Code.INTERNAL);
  }

  @Test
  void call_errorThrownOnThePool_stillAnswersTheCall_andLaterCallsRun() {
    // Before: the Error escaped the error mapping and the work pool's task, the call was never
    // closed and the client waited out its deadline (DEADLINE_EXCEEDED after 10 s here).
    assertCode(() -> stub.modelReady(request("oom")), Status.Code.INTERNAL);
    assertCode(() -> stub.modelReady(request("deep")), Status.Code.INTERNAL);
    assertThat(stub.modelReady(request("m")).getReady()).isTrue();
  }

  private static ModelReadyRequest request(String name) {
    return ModelReadyRequest.newBuilder().setName(name).build();
  }
}

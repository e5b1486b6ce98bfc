package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.MutableClock;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.batching.Batchers;
import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.PlacementSettings;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.routing.Router;
import io.canopy.gateway.routing.RoutingTable;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.gateway.upstream.RetrySettings;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Light KServe ModelInfer calls take Predict's path and share its batches: the pipeline over the
 * real batcher, whose upstream Predicts the test holds and answers; what is not light goes to a
 * fake serving as the ModelInfer it is.
 */
class KServeBatchingTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<PredictRequest> sent = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<Void>> held = new ArrayList<>();

  /** How the held upstream answers a Predict once released; by default every row's x * 10. */
  private volatile Function<PredictRequest, PredictResponse> answer = KServeBatchingTest::tenfold;

  private FakeServing serving;
  private ServingClient client;
  private PredictPipeline pipeline;
  private KServeCalls kserve;

  @BeforeEach
  void start() throws Exception {
    serving = cleanup.register(new FakeServing());
    client =
        cleanup.register(
            ServingClient.connect(
                serving.target(),
                ClientTls.PLAINTEXT,
                Optional.empty(),
                Duration.ofSeconds(10),
                new RetrySettings(
                    1,
                    Duration.ofMillis(10),
                    Duration.ofMillis(10),
                    0.2,
                    10,
                    Duration.ofSeconds(10),
                    Duration.ZERO),
                PlacementSettings.DEFAULT,
                scheduler,
                GatewayMetrics.NOOP,
                Tracing.off()));
    // One upstream batch in flight: what arrives meanwhile leaves together when it returns.
    BatchingSettings batching = new BatchingSettings(true, 4, 1, Duration.ZERO, Set.of("solo"));
    PredictCall upstream =
        (request, deadline) -> {
          sent.add(request);
          CompletableFuture<Void> release = new CompletableFuture<>();
          synchronized (held) {
            held.add(release);
          }
          return release.thenApply(ignored -> answer.apply(request));
        };
    Router router =
        new Router(
            new RoutingTable(
                Duration.ofSeconds(10), new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))),
            () -> 0.5);
    pipeline =
        new PredictPipeline(
            router,
            new Batchers(
                upstream,
                batching,
                scheduler,
                System::nanoTime,
                GatewayMetrics.NOOP,
                Tracing.off()),
            upstream,
            4,
            Duration.ofSeconds(1),
            GatewayMetrics.NOOP,
            System::nanoTime,
            Tracing.off());
    kserve = new KServeCalls(router, client, pipeline, batching);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Version 1 of "m" (as the caller named it) answers each row's first feature times ten. */
  private static PredictResponse tenfold(PredictRequest request) {
    DenseRows dense = request.getDense();
    int rows = dense.getValuesCount() / dense.getNumFeatures();
    PredictResponse.Builder response =
        PredictResponse.newBuilder()
            .setModel(request.getModel())
            .setVersion(request.getVersion())
            .addShape(rows);
    for (int r = 0; r < rows; r++) {
      response.addValues(dense.getValues(r * dense.getNumFeatures()) * 10);
    }
    return response.build();
  }

  private void release(int upstreamCall) {
    CompletableFuture<Void> release;
    synchronized (held) {
      release = held.get(upstreamCall);
    }
    release.complete(null);
  }

  /** A one-row [1, 2] ModelInfer of version 1 of "m" whose first feature is {@code x}. */
  private static ModelInferRequest.Builder infer(String id, float x) {
    return ModelInferRequest.newBuilder()
        .setModelName("m")
        .setModelVersion("1")
        .setId(id)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input-0")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(2)
                .setContents(
                    InferTensorContents.newBuilder().addFp32Contents(x).addFp32Contents(0)));
  }

  private static ModelInferRequest raw(String id, float x) {
    ModelInferRequest.Builder b = infer(id, x);
    b.getInputsBuilder(0).clearContents();
    ByteBuffer bytes =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).putFloat(0);
    return b.addRawInputContents(ByteString.copyFrom(bytes.array())).build();
  }

  private static PredictRequest predict(String id, float x) {
    return PredictRequest.newBuilder()
        .setModel("m")
        .setVersion(1)
        .setRequestId(id)
        .setDense(DenseRows.newBuilder().setNumFeatures(2).addValues(x).addValues(0))
        .build();
  }

  private CompletableFuture<ModelInferResponse> send(ModelInferRequest request) {
    return kserve.infer(request, "", deadline(), "kserve-grpc");
  }

  private static Deadline deadline() {
    return Deadline.after(10, TimeUnit.SECONDS);
  }

  private static float valueOf(ModelInferResponse response) {
    if (response.getRawOutputContentsCount() > 0) {
      return response
          .getRawOutputContents(0)
          .asReadOnlyByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN)
          .getFloat();
    }
    return response.getOutputs(0).getContents().getFp32Contents(0);
  }

  private static Status.Code codeOf(CompletableFuture<?> call) {
    return Status.fromThrowable(call.handle((r, t) -> t).join()).getCode();
  }

  @Test
  void concurrentSingleRowInfers_goUpstreamAsOneBatch_andEachCallerGetsItsOwnRow() {
    CompletableFuture<ModelInferResponse> first = send(infer("a", 1).build());
    CompletableFuture<ModelInferResponse> typed = send(infer("b", 2).build());
    CompletableFuture<ModelInferResponse> rawInput = send(raw("c", 3));
    CompletableFuture<ModelInferResponse> named =
        send(
            infer("d", 4)
                .addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output-0"))
                .build());
    assertThat(sent).hasSize(1);

    release(0);
    assertThat(sent).hasSize(2);
    PredictRequest batch = List.copyOf(sent).get(1);
    assertThat(batch.getVersion()).isEqualTo(1);
    assertThat(batch.getDense().getValuesList()).containsExactly(2f, 0f, 3f, 0f, 4f, 0f);
    // Serving records each row under the ModelInfer it came from, routed by explicit version.
    assertThat(batch.getPartsList())
        .extracting(RequestPart::getRequestId, RequestPart::getRows, RequestPart::getRoute)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", 1, "version"),
            org.assertj.core.groups.Tuple.tuple("c", 1, "version"),
            org.assertj.core.groups.Tuple.tuple("d", 1, "version"));
    release(1);

    assertThat(valueOf(first.join())).isEqualTo(10f);
    for (var call : List.of(typed, rawInput, named)) {
      ModelInferResponse response = call.join();
      assertThat(response.getModelName()).isEqualTo("m");
      assertThat(response.getModelVersion()).isEqualTo("1");
      assertThat(response.getOutputsCount()).isEqualTo(1);
      assertThat(response.getOutputs(0).getName()).isEqualTo("output-0");
      assertThat(response.getOutputs(0).getDatatype()).isEqualTo("FP32");
      assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L);
    }
    assertThat(typed.join().getId()).isEqualTo("b");
    assertThat(valueOf(typed.join())).isEqualTo(20f);
    assertThat(rawInput.join().getId()).isEqualTo("c");
    assertThat(rawInput.join().getRawOutputContentsCount()).isEqualTo(1);
    assertThat(rawInput.join().getOutputs(0).hasContents()).isFalse();
    assertThat(valueOf(rawInput.join())).isEqualTo(30f);
    assertThat(named.join().getId()).isEqualTo("d");
    assertThat(valueOf(named.join())).isEqualTo(40f);
    assertThat(serving.inferSeen.get()).isNull();
  }

  @Test
  void predictAndKServeCalls_ofTheSameVersion_shareOneBatch() {
    CompletableFuture<PredictResponse> busy =
        pipeline.predict(predict("p0", 1), deadline(), "grpc");
    CompletableFuture<ModelInferResponse> k1 = send(infer("k1", 2).build());
    CompletableFuture<PredictResponse> p1 = pipeline.predict(predict("p1", 3), deadline(), "grpc");
    CompletableFuture<ModelInferResponse> k2 = send(raw("k2", 4));

    release(0);
    assertThat(sent).hasSize(2);
    assertThat(List.copyOf(sent).get(1).getPartsList())
        .extracting(RequestPart::getRequestId)
        .containsExactly("k1", "p1", "k2");
    release(1);

    assertThat(busy.join().getValuesList()).containsExactly(10f);
    assertThat(k1.join().getId()).isEqualTo("k1");
    assertThat(valueOf(k1.join())).isEqualTo(20f);
    assertThat(p1.join().getRequestId()).isEqualTo("p1");
    assertThat(p1.join().getValuesList()).containsExactly(30f);
    assertThat(k2.join().getId()).isEqualTo("k2");
    assertThat(valueOf(k2.join())).isEqualTo(40f);
  }

  @Test
  void callsThatCannotBeBatched_goUpstreamAlone_asTheModelInferTheyAre() {
    ModelInferRequest.Builder fiveRows = infer("rows", 1);
    fiveRows.getInputsBuilder(0).setShape(0, 5);
    for (int i = 0; i < 8; i++) {
      fiveRows.getInputsBuilder(0).getContentsBuilder().addFp32Contents(i);
    }
    ModelInferRequest.Builder bytes = infer("bytes", 1);
    bytes
        .getInputsBuilder(0)
        .setDatatype("BYTES")
        .setContents(
            InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFromUtf8("a"))
                .addBytesContents(ByteString.copyFromUtf8("b")));
    List<ModelInferRequest> alone =
        List.of(
            infer("param", 1)
                .putParameters("priority", InferParameter.newBuilder().setInt64Param(1).build())
                .build(),
            bytes.build(),
            fiveRows.build(),
            infer("alias", 1).setModelVersion("production").build(),
            infer("solo", 1).setModelName("solo").build());
    for (ModelInferRequest request : alone) {
      ModelInferResponse response = send(request).join();
      assertThat(response.getId()).isEqualTo(request.getId());
      ModelInferRequest seen = serving.inferSeen.get();
      assertThat(seen.toBuilder().removeParameters("canopy_route").build()).isEqualTo(request);
      assertThat(seen.getParametersOrThrow("canopy_route").getStringParam()).isEqualTo("version");
    }
    assertThat(sent).isEmpty();
  }

  @Test
  void aRejectedRowInABatch_failsOnlyItsCaller_withServingsModelInferError() {
    answer =
        request -> {
          if (request.getDense().getValuesList().contains(-1f)) {
            throw Status.INVALID_ARGUMENT
                .withDescription("dense.values: value 0 is infinite")
                .asRuntimeException();
          }
          return tenfold(request);
        };
    serving.onInfer =
        request -> {
          throw Status.INVALID_ARGUMENT
              .withDescription("inputs[0]: value 0 is infinite")
              .asRuntimeException();
        };
    CompletableFuture<ModelInferResponse> first = send(infer("a", 1).build());
    CompletableFuture<ModelInferResponse> good = send(infer("good", 2).build());
    CompletableFuture<ModelInferResponse> bad = send(infer("bad", -1).build());
    release(0);
    release(1); // the batch of good and bad: rejected, so each goes again alone
    synchronized (held) {
      held.forEach(f -> f.complete(null));
    }

    assertThat(valueOf(first.join())).isEqualTo(10f);
    assertThat(valueOf(good.join())).isEqualTo(20f);
    Throwable failure = bad.handle((r, t) -> t).join();
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // Asked again as the ModelInfer it was, at the version its Predict went to: the error names
    // the caller's own fields.
    assertThat(Status.fromThrowable(failure).getDescription()).startsWith("inputs[0]");
    assertThat(serving.inferSeen.get().getId()).isEqualTo("bad");
    assertThat(serving.inferSeen.get().getModelVersion()).isEqualTo("1");
  }

  @Test
  void aFailedBatch_failsEachOfItsCallers_withTheUpstreamStatus() {
    answer =
        request -> {
          throw Status.UNAVAILABLE.withDescription("replica restarting").asRuntimeException();
        };
    CompletableFuture<ModelInferResponse> first = send(infer("a", 1).build());
    CompletableFuture<ModelInferResponse> second = send(infer("b", 2).build());
    CompletableFuture<PredictResponse> third =
        pipeline.predict(predict("c", 3), deadline(), "grpc");
    release(0);
    release(1);

    assertThat(codeOf(first)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(codeOf(second)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(codeOf(third)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(serving.inferSeen.get()).isNull();
  }

  @Test
  void kserveCalls_countInTheModelsInFlightLimit_withPredicts() {
    pipeline.predict(predict("p", 1), deadline(), "grpc");
    send(infer("k1", 2).build());
    send(infer("k2", 3).build());
    send(raw("k3", 4));

    CompletableFuture<ModelInferResponse> over = send(infer("k4", 5).build());

    assertThat(codeOf(over)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(serving.inferSeen.get()).isNull();
  }
}

package io.canopy.gateway;

import com.google.protobuf.Timestamp;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.inference.v1.PredictionEngine;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ModelReadyResponse;
import io.canopy.proto.kserve.v2.ServerLiveRequest;
import io.canopy.proto.kserve.v2.ServerLiveResponse;
import io.canopy.proto.kserve.v2.ServerMetadataRequest;
import io.canopy.proto.kserve.v2.ServerMetadataResponse;
import io.canopy.proto.kserve.v2.ServerReadyRequest;
import io.canopy.proto.kserve.v2.ServerReadyResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A stand-in serving-service on a real Netty port: records what reached it (and the deadline it
 * carried) and answers with whatever the test set, by default an echo of the rows it got.
 */
final class FakeServing implements AutoCloseable {

  static final String SHA256 = "ab".repeat(32);

  final AtomicReference<PredictRequest> predictSeen = new AtomicReference<>();
  final AtomicReference<ModelInferRequest> inferSeen = new AtomicReference<>();
  final AtomicReference<Object> lastRequest = new AtomicReference<>();
  final AtomicReference<Deadline> deadlineSeen = new AtomicReference<>();
  volatile Function<PredictRequest, PredictResponse> onPredict = FakeServing::oneValuePerRow;
  volatile Function<ModelInferRequest, ModelInferResponse> onInfer = FakeServing::doubled;
  volatile boolean ready = true;
  volatile Function<GetModelStatusRequest, GetModelStatusResponse> onStatus =
      FakeServing::oneLoadedVersion;

  /** This many GetModelStatus calls fail with UNAVAILABLE before the fake answers again. */
  final java.util.concurrent.atomic.AtomicInteger statusFailures =
      new java.util.concurrent.atomic.AtomicInteger();

  final Queue<PredictRequest> predicts = new ConcurrentLinkedQueue<>();
  final FakeFeatureStore features = new FakeFeatureStore();
  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;

  FakeServing() throws IOException {
    this(ServerTls.PLAINTEXT);
  }

  /** Serves TLS with {@code tls}'s certificate when it is enabled. */
  FakeServing(ServerTls tls) throws IOException {
    this(netty(tls), null);
  }

  /** Reached only in-process, as {@code in-process:<name>}: a serving in the gateway's JVM. */
  static FakeServing inProcess(String name) throws IOException {
    return new FakeServing(InProcessServerBuilder.forName(name).directExecutor(), name);
  }

  private static ServerBuilder<?> netty(ServerTls tls) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    if (tls.enabled()) {
      builder.sslContext(tls.grpcContext());
    }
    return builder;
  }

  private final String inProcessName;

  private FakeServing(ServerBuilder<?> builder, String inProcessName) throws IOException {
    this.inProcessName = inProcessName;
    server =
        builder
            .addService(new Inference())
            .addService(new KServe())
            .addService(health.getHealthService())
            .addService(features)
            .build()
            .start();
  }

  String target() {
    return inProcessName != null ? "in-process:" + inProcessName : "127.0.0.1:" + server.getPort();
  }

  /** CPU a "costly" fake Predict spins per call: roughly an XGBoost call on a small model. */
  static final long CALL_COST_NANOS = 200_000;

  /** ... and per row. */
  static final long ROW_COST_NANOS = 2_000;

  /** Answers like {@link #oneValuePerRow} after spinning the CPU a real replica would. */
  static PredictResponse costly(PredictRequest request) {
    int rows =
        request.getDense().getValuesCount() / Math.max(1, request.getDense().getNumFeatures());
    long end = System.nanoTime() + CALL_COST_NANOS + rows * ROW_COST_NANOS;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return oneValuePerRow(request);
  }

  /** Version 7 unless the request named one; values 0.5, 1.5, 2.5... one per row. */
  static PredictResponse oneValuePerRow(PredictRequest request) {
    int rows =
        switch (request.getRowsCase()) {
          case DENSE -> request.getDense().getValuesCount() / request.getDense().getNumFeatures();
          case NAMED -> request.getNamed().getRowsCount();
          case ENTITIES -> request.getEntities().getKeysCount();
          case ROWS_NOT_SET -> 0;
        };
    PredictResponse.Builder response =
        PredictResponse.newBuilder()
            .setModel(request.getModel())
            .setVersion(request.hasVersion() ? request.getVersion() : 7)
            .setSha256(SHA256)
            .setOutput(request.getOutput())
            .setRequestId(request.getRequestId())
            .addShape(rows);
    for (int i = 0; i < rows; i++) {
      response.addValues(i + 0.5f);
    }
    return response.build();
  }

  /** Version 3 of the model asked about, loaded on the flat forest. */
  static GetModelStatusResponse oneLoadedVersion(GetModelStatusRequest request) {
    return GetModelStatusResponse.newBuilder()
        .addVersions(
            ModelVersionStatus.newBuilder()
                .setModel(request.getModel())
                .setVersion(3)
                .setSha256(SHA256)
                .setState(LoadState.LOAD_STATE_AVAILABLE)
                .addAliases("production")
                .addAliases("latest")
                .setAvailableTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
                .setEngine(PredictionEngine.PREDICTION_ENGINE_FLAT)
                .setEngineReason("verified: 256 rows")
                .setChargedBytes(123_456)
                .setPinned(true))
        .build();
  }

  /** One FP32 output holding every input value doubled, shape [rows]. */
  static ModelInferResponse doubled(ModelInferRequest request) {
    InferTensorContents.Builder out = InferTensorContents.newBuilder();
    for (float v : request.getInputs(0).getContents().getFp32ContentsList()) {
      out.addFp32Contents(v * 2);
    }
    return ModelInferResponse.newBuilder()
        .setModelName(request.getModelName())
        .setModelVersion(request.getModelVersion().isEmpty() ? "7" : request.getModelVersion())
        .setId(request.getId())
        .addOutputs(
            ModelInferResponse.InferOutputTensor.newBuilder()
                .setName("predict")
                .setDatatype("FP32")
                .addShape(out.getFp32ContentsCount())
                .setContents(out))
        .build();
  }

  private <Q, R> void answer(Q request, StreamObserver<R> out, Function<Q, R> how) {
    lastRequest.set(request);
    deadlineSeen.set(Context.current().getDeadline());
    R response;
    try {
      response = how.apply(request);
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  private final class Inference extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      predictSeen.set(request);
      predicts.add(request);
      answer(request, out, r -> onPredict.apply(r));
    }

    @Override
    public void getModelStatus(
        GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> out) {
      answer(
          request,
          out,
          r -> {
            if (statusFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              throw Status.UNAVAILABLE.withDescription("starting").asRuntimeException();
            }
            return onStatus.apply(r);
          });
    }
  }

  private final class KServe extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
      answer(request, out, r -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
      answer(request, out, r -> ServerReadyResponse.newBuilder().setReady(ready).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
      answer(request, out, r -> ModelReadyResponse.newBuilder().setReady(ready).build());
    }

    @Override
    public void serverMetadata(
        ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
      answer(
          request,
          out,
          r ->
              ServerMetadataResponse.newBuilder()
                  .setName("fake-serving")
                  .setVersion("0.0.1")
                  .build());
    }

    @Override
    public void modelMetadata(
        ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
      answer(
          request,
          out,
          r ->
              ModelMetadataResponse.newBuilder()
                  .setName(r.getName())
                  .addVersions(r.getVersion().isEmpty() ? "7" : r.getVersion())
                  .setPlatform("xgboost")
                  .addInputs(
                      ModelMetadataResponse.TensorMetadata.newBuilder()
                          .setName("input-0")
                          .setDatatype("FP32")
                          .addShape(-1)
                          .addShape(4))
                  .build());
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
      inferSeen.set(request);
      answer(request, out, r -> onInfer.apply(r));
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}

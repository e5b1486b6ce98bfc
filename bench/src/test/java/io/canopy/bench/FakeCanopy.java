package io.canopy.bench;

import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * A fake Canopy gRPC server on a loopback port 0: Predict, KServe ModelMetadata/ModelInfer and
 * GetOnlineFeatures answer at once, except where {@link #failWith} or {@link #stallOnce} say
 * otherwise; it counts what it received and which codes it returned.
 */
final class FakeCanopy implements AutoCloseable {

  final AtomicInteger predictCalls = new AtomicInteger();
  final ConcurrentLinkedQueue<PredictRequest> predicts = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ModelInferRequest> infers = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<GetOnlineFeaturesRequest> featureReads =
      new ConcurrentLinkedQueue<>();
  final Map<Status.Code, LongAdder> returned = new ConcurrentHashMap<>();
  private volatile IntFunction<Status> failWith = call -> null;
  private volatile int stallCall = -1;
  private volatile long stallMillis;
  private volatile int metadataFeatures = 5;
  private final GrpcServer server;

  FakeCanopy() {
    this(ServerTls.PLAINTEXT);
  }

  /** A fake serving {@code tls} (TLS, mutual TLS or plaintext) on its port. */
  FakeCanopy(ServerTls tls) {
    server =
        new GrpcServer(
                GrpcTransports.server(new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, tls),
                List.of(new Inference(), new KServe(), new Features()),
                List.of())
            .start();
    server.setServing(true);
  }

  String target() {
    return "127.0.0.1:" + server.port();
  }

  /** Predict call n (0-based) fails with the returned status, or succeeds when it is null. */
  FakeCanopy failWith(IntFunction<Status> failure) {
    this.failWith = failure;
    return this;
  }

  /** Predict call n answers only after {@code millis}: a pause like a GC or a stuck queue. */
  FakeCanopy stallOnce(int call, long millis) {
    this.stallCall = call;
    this.stallMillis = millis;
    return this;
  }

  FakeCanopy metadataFeatures(int features) {
    this.metadataFeatures = features;
    return this;
  }

  long returned(Status.Code code) {
    LongAdder count = returned.get(code);
    return count == null ? 0 : count.sum();
  }

  @Override
  public void close() {
    server.close();
  }

  private <T> void answer(StreamObserver<T> out, T response, Status failure) {
    returned
        .computeIfAbsent(failure == null ? Status.Code.OK : failure.getCode(), c -> new LongAdder())
        .increment();
    if (failure != null) {
      out.onError(failure.asRuntimeException());
    } else {
      out.onNext(response);
      out.onCompleted();
    }
  }

  private final class Inference extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      int call = predictCalls.getAndIncrement();
      predicts.add(request);
      Status failure = failWith.apply(call);
      PredictResponse response =
          PredictResponse.newBuilder().setModel(request.getModel()).setVersion(1).build();
      if (call == stallCall) {
        java.util.concurrent.CompletableFuture.delayedExecutor(
                stallMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
            .execute(() -> answer(out, response, failure));
      } else {
        answer(out, response, failure);
      }
    }
  }

  private final class KServe extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void modelMetadata(
        ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
      ModelMetadataResponse.Builder response =
          ModelMetadataResponse.newBuilder().setName(request.getName());
      response
          .addInputsBuilder()
          .setName("input-0")
          .setDatatype("FP32")
          .addShape(-1)
          .addShape(metadataFeatures);
      answer(out, response.build(), null);
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
      infers.add(request);
      answer(
          out, ModelInferResponse.newBuilder().setModelName(request.getModelName()).build(), null);
    }
  }

  private final class Features extends FeatureStoreServiceGrpc.FeatureStoreServiceImplBase {
    @Override
    public void getOnlineFeatures(
        GetOnlineFeaturesRequest request, StreamObserver<GetOnlineFeaturesResponse> out) {
      featureReads.add(request);
      answer(out, GetOnlineFeaturesResponse.getDefaultInstance(), null);
    }
  }
}

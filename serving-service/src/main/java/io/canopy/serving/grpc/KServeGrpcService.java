package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.RowLimit;
import io.canopy.common.requestid.RequestIds;
import io.canopy.monitor.log.Routes;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.InferParameter;
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
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.model.Lease;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.model.VersionSelector;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.recording.Capture;
import io.canopy.serving.recording.PredictionRecorder;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The KServe v2 / Open Inference Protocol service ({@code inference.GRPCInferenceService}), so
 * KServe, Triton and MLServer clients work unchanged. Models take one FP32 input {@code [N, F]} and
 * return one FP32 output (probabilities or values).
 */
public final class KServeGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  static final String SERVER_NAME = "canopy";
  static final String PLATFORM = "xgboost";

  private final ModelManager models;
  private final ServingMetrics metrics;
  private final String serverVersion;
  private final RowLimit rowLimit;
  private final PredictionRecorder recorder;
  private final Executor work;
  private final int inlineMaxRows;

  public KServeGrpcService(ModelManager models) {
    this(models, ServingMetrics.NOOP, Integer.MAX_VALUE);
  }

  /**
   * ModelInfer calls count in the same meters as Predict; one carrying more than {@code maxRows}
   * rows is RESOURCE_EXHAUSTED before its tensor is decoded.
   */
  public KServeGrpcService(ModelManager models, ServingMetrics metrics, int maxRows) {
    this(models, metrics, maxRows, PredictionRecorder.OFF);
  }

  /**
   * @param recorder where each ModelInfer's rows are recorded (sampled, asynchronously)
   */
  public KServeGrpcService(
      ModelManager models, ServingMetrics metrics, int maxRows, PredictionRecorder recorder) {
    this(models, metrics, maxRows, recorder, Runnable::run, 0);
  }

  /**
   * @param work where ModelInfer calls that are not light, or must wait for a version to load,
   *     compute (the call itself arrives on the transport thread: see {@link #modelInfer})
   * @param inlineMaxRows ModelInfer calls of at most this many rows, whose version computes in
   *     Java, are answered on the thread that received them, as a light Predict is; 0: never
   */
  public KServeGrpcService(
      ModelManager models,
      ServingMetrics metrics,
      int maxRows,
      PredictionRecorder recorder,
      Executor work,
      int inlineMaxRows) {
    this.work = work;
    this.inlineMaxRows = inlineMaxRows;
    this.recorder = recorder;
    this.models = models;
    this.metrics = metrics;
    this.rowLimit = new RowLimit(maxRows, "serving's");
    String version = KServeGrpcService.class.getPackage().getImplementationVersion();
    this.serverVersion = version == null ? "dev" : version;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
    out.onCompleted();
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    out.onNext(ServerReadyResponse.newBuilder().setReady(models.isReady()).build());
    out.onCompleted();
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    String name = requireName(request.getName(), "name");
    VersionSelector selector = KServeTensors.selector(request.getVersion(), "version");
    out.onNext(
        ModelReadyResponse.newBuilder().setReady(models.isAvailable(name, selector)).build());
    out.onCompleted();
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    out.onNext(
        ServerMetadataResponse.newBuilder().setName(SERVER_NAME).setVersion(serverVersion).build());
    out.onCompleted();
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    String name = requireName(request.getName(), "name");
    VersionSelector selector = KServeTensors.selector(request.getVersion(), "version");
    ModelMetadataResponse.Builder response =
        ModelMetadataResponse.newBuilder().setName(name).setPlatform(PLATFORM);
    models.availableVersions(name).forEach(v -> response.addVersions(Long.toString(v)));
    try (Lease lease =
        models.acquireWaiting(name, selector, Deadlines.loadWaitNanos(Context.current()))) {
      response.addInputs(tensor(KServeTensors.INPUT, -1, lease.numFeatures()));
      response.addOutputs(
          lease.valueWidth() == 1
              ? tensor(KServeTensors.OUTPUT, -1)
              : tensor(KServeTensors.OUTPUT, -1, lease.valueWidth()));
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  /**
   * Validates and leases on the receiving thread, then answers there when the call is light (few
   * rows, a version that computes in Java) — the same path as a single-row Predict, with no
   * hand-off — else on the work pool; a version that is not in memory is waited for on the pool.
   */
  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    long arrived = System.nanoTime();
    String id;
    String name;
    VersionSelector selector;
    Lease lease;
    Context context = Context.current();
    try {
      id = RequestIds.resolve("id", request.getId());
      name = requireName(request.getModelName(), "model_name");
      selector = KServeTensors.selector(request.getModelVersion(), "model_version");
      rowLimit.check(request);
      Deadlines.checkNotExpired(context);
      try {
        lease = models.acquire(name, selector);
      } catch (CanopyException.Unavailable notResident) {
        onPool(
            context,
            out,
            () ->
                infer(
                    request,
                    id,
                    models.acquireWaiting(name, selector, Deadlines.loadWaitNanos(context)),
                    arrived,
                    out));
        return;
      }
    } catch (RuntimeException e) {
      FailureMetrics.record(metrics, request.getModelName(), "", e);
      throw e;
    }
    if (isLight(request, lease)) {
      infer(request, id, lease, arrived, out);
    } else {
      onPool(context, out, () -> infer(request, id, lease, arrived, out));
    }
  }

  private boolean isLight(ModelInferRequest request, Lease lease) {
    if (inlineMaxRows == 0 || !lease.computesInJava()) {
      return false;
    }
    try {
      return KServeTensors.rows(request, lease.numFeatures()) <= inlineMaxRows;
    } catch (RuntimeException malformed) {
      return false; // infer() says what is wrong, on the pool
    }
  }

  private void onPool(Context context, StreamObserver<ModelInferResponse> out, Runnable task) {
    work.execute(
        context.wrap(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                out.onError(e); // counted by infer(); the server's error mapping makes the status
              }
            }));
  }

  /** Decodes, predicts, records and answers; takes ownership of {@code lease}. */
  private void infer(
      ModelInferRequest request,
      String id,
      Lease lease,
      long arrived,
      StreamObserver<ModelInferResponse> out) {
    String served = Long.toString(lease.version());
    try (lease) {
      Context context = Context.current();
      ModelInferResponse.Builder response = ModelInferResponse.newBuilder();
      int rows = KServeTensors.rows(request, lease.numFeatures());
      float[] values = KServeTensors.values(request, rows * lease.numFeatures());
      Deadlines.checkNotExpired(context);
      long computeStart = System.nanoTime();
      Prediction prediction = lease.predict(values, rows, PredictionKind.VALUE);
      metrics.predicted(
          lease.model(),
          lease.version(),
          rows,
          computeStart - arrived,
          System.nanoTime() - computeStart);
      response.setModelName(lease.model()).setModelVersion(served).setId(id);
      if (recorder.wants(lease.model())) {
        recorder.record(
            Capture.of(
                lease,
                id,
                List.of(
                    RequestPart.newBuilder()
                        .setRequestId(id)
                        .setRows(rows)
                        .setRoute(route(request))
                        .build()),
                values,
                rows,
                null,
                PredictionKind.VALUE,
                prediction.values(),
                System.nanoTime() - arrived));
      }
      KServeTensors.addOutput(response, prediction, request.getRawInputContentsCount() > 0);
      out.onNext(response.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      FailureMetrics.record(metrics, request.getModelName(), served, e);
      throw e;
    }
  }

  /** How the gateway routed the call (its canopy_route parameter), else "direct". */
  private static String route(ModelInferRequest request) {
    InferParameter p = request.getParametersMap().get(Routes.KSERVE_PARAMETER);
    String route = p == null ? "" : p.getStringParam();
    return Routes.valid(route) ? route : "direct";
  }

  private static String requireName(String name, String field) {
    if (name.isEmpty()) {
      throw new CanopyException.InvalidArgument(field, "a model name is required");
    }
    return name;
  }

  private static ModelMetadataResponse.TensorMetadata tensor(String name, long... shape) {
    ModelMetadataResponse.TensorMetadata.Builder t =
        ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(name)
            .setDatatype(KServeTensors.FP32);
    for (long dim : shape) {
      t.addShape(dim);
    }
    return t.build();
  }
}

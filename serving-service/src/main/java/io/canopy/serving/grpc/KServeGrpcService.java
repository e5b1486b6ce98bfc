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

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    long arrived = System.nanoTime();
    String served = "";
    try {
      String id = RequestIds.resolve("id", request.getId());
      String name = requireName(request.getModelName(), "model_name");
      VersionSelector selector = KServeTensors.selector(request.getModelVersion(), "model_version");
      rowLimit.check(request);
      Context context = Context.current();
      Deadlines.checkNotExpired(context);
      ModelInferResponse.Builder response = ModelInferResponse.newBuilder();
      try (Lease lease = models.acquireWaiting(name, selector, Deadlines.loadWaitNanos(context))) {
        served = Long.toString(lease.version());
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
      }
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

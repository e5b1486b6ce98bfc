package io.canopy.gateway.predict;

import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.gateway.routing.Route;
import io.canopy.gateway.routing.Router;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.monitor.log.Routes;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ModelReadyResponse;
import io.grpc.Deadline;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The KServe v2 model calls of both fronts, routed like Predict: an empty version goes through the
 * {@link Router} (policy, production, latest; sticky by routing key), any explicit version is sent
 * as given. Every call is retried at the same single point as Predict ({@link
 * ServingClient#kserve}: UNAVAILABLE only, within the budget), each attempt carrying what is left
 * of the caller's deadline and none started after it. A routed call through an alias that moved
 * moments ago falls back to its previous target like Predict does ({@link AliasFallback}).
 *
 * <p>A light ModelInfer — one FP32 {@code [N, F]} input of at most {@code max-batch-rows} rows, no
 * parameters, no version or a numeric one, of a model the gateway batches ({@link KServeRows}) — is
 * the same work as a Predict and takes Predict's whole path ({@link PredictPipeline}: routing, the
 * model's in-flight limit, batching with Predicts of the same version, retries, hedging, alias
 * fallback, shadow copies), its answer turned back into the ModelInferResponse serving would have
 * sent. One the Predict rejects as INVALID_ARGUMENT is asked again as the ModelInfer it was, at the
 * same version, so its error is serving's ModelInfer error. Any other ModelInfer goes upstream as
 * it is.
 */
public final class KServeCalls {

  private final Router router;
  private final ServingClient serving;
  private final PredictPipeline pipeline;
  private final BatchingSettings batching;

  /**
   * @param pipeline the path light ModelInfer calls take, as Predicts
   * @param batching which ModelInfer calls are light: models batched, most rows
   */
  public KServeCalls(
      Router router, ServingClient serving, PredictPipeline pipeline, BatchingSettings batching) {
    this.router = router;
    this.serving = serving;
    this.pipeline = pipeline;
    this.batching = batching;
  }

  /**
   * @param front the front that took the call, as {@code canopy.gateway.requests} labels it when
   *     the call takes Predict's path ("kserve-grpc", "kserve-http")
   */
  public CompletableFuture<ModelInferResponse> infer(
      ModelInferRequest request, String routingKey, Deadline deadline, String front) {
    PredictRequest rows = KServeRows.asPredict(request, routingKey, batching);
    if (rows == null) {
      return routed(
          request.getModelName(),
          request.getModelVersion(),
          routingKey,
          (version, via) -> routedInfer(request, version, via),
          (stub, q, out) -> stub.modelInfer(q, out),
          deadline);
    }
    return pipeline
        .predict(
            rows,
            deadline,
            front,
            (version, via, d) ->
                inferAt(
                        request,
                        version > 0 ? Long.toString(version) : request.getModelVersion(),
                        via,
                        d)
                    .thenApply(KServeRows::rows))
        .thenApply(answer -> KServeRows.answer(request, answer));
  }

  /** {@code request} as it is, at {@code version}, retried. */
  private CompletableFuture<ModelInferResponse> inferAt(
      ModelInferRequest request, String version, String via, Deadline deadline) {
    return serving.kserve(
        request.getModelName(),
        (stub, q, out) -> stub.modelInfer(q, out),
        routedInfer(request, version, via),
        deadline);
  }

  /** {@code request} for {@code version}, saying how it was routed. */
  private static ModelInferRequest routedInfer(
      ModelInferRequest request, String version, String via) {
    return request.toBuilder()
        .setModelVersion(version)
        // Serving's prediction records say how the call was routed.
        .putParameters(
            Routes.KSERVE_PARAMETER, InferParameter.newBuilder().setStringParam(via).build())
        .build();
  }

  public CompletableFuture<ModelMetadataResponse> metadata(
      ModelMetadataRequest request, String routingKey, Deadline deadline) {
    return routed(
        request.getName(),
        request.getVersion(),
        routingKey,
        (version, via) -> request.toBuilder().setVersion(version).build(),
        (stub, q, out) -> stub.modelMetadata(q, out),
        deadline);
  }

  public CompletableFuture<ModelReadyResponse> ready(
      ModelReadyRequest request, String routingKey, Deadline deadline) {
    return routed(
        request.getName(),
        request.getVersion(),
        routingKey,
        (version, via) -> request.toBuilder().setVersion(version).build(),
        (stub, q, out) -> stub.modelReady(q, out),
        deadline);
  }

  /** The route of a call without a version; null when the caller named one. */
  private Route route(String model, String version, String routingKey) {
    return version.isEmpty()
        ? router.route(
            PredictRequest.newBuilder().setModel(model).setRoutingKey(routingKey).build())
        : null;
  }

  private <Q, R> CompletableFuture<R> routed(
      String model,
      String version,
      String routingKey,
      BiFunction<String, String, Q> withVersion,
      ServingClient.StubMethod<GRPCInferenceServiceStub, Q, R> method,
      Deadline deadline) {
    Route route;
    try {
      route = route(model, version, routingKey);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The caller's version, else the routed one, else "" (serving picks).
    String target =
        route == null ? version : route.resolved() ? Long.toString(route.version()) : "";
    String via = route == null ? "version" : route.via();
    CompletableFuture<R> result = call(model, withVersion.apply(target, via), method, deadline);
    return route == null
        ? result
        : AliasFallback.orFallback(
            result,
            route.fallbackVersion(),
            deadline,
            fallback ->
                call(
                    model,
                    withVersion.apply(Long.toString(fallback), via + "-fallback"),
                    method,
                    deadline));
  }

  private <Q, R> CompletableFuture<R> call(
      String model,
      Q request,
      ServingClient.StubMethod<GRPCInferenceServiceStub, Q, R> method,
      Deadline deadline) {
    return serving.kserve(model, method, request, deadline);
  }
}

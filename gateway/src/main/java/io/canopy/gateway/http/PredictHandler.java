package io.canopy.gateway.http;

import io.canopy.common.requestid.RequestIds;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Status;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * TF-Serving-style predict routes: {@code POST /v1/models/{m}:predict} (the model's routing policy
 * picks the version), {@code .../versions/{v}:predict} and {@code .../labels/{alias}:predict}.
 */
record PredictHandler(
    ServingClient serving,
    PredictPipeline pipeline,
    RequestBodies bodies,
    PredictBodyParser parser,
    JsonReplies replies) {

  static final HeaderName REQUEST_ID = HeaderNames.create(RequestIds.HEADER);
  static final HeaderName ROUTING_KEY = HeaderNames.create("x-routing-key");

  void routes(HttpRules rules) {
    // Helidon's path parameters match within a segment, so "{m}:predict" splits at the colon;
    // Names.model still rejects anything that is not a model name (a second colon, say).
    rules
        .post("/v1/models/{m}:predict", (req, res) -> predict(req, res, selector -> {}))
        .post(
            "/v1/models/{m}/versions/{v}:predict",
            (req, res) -> {
              long version = Names.version(req.path().pathParameters().get("v"));
              predict(req, res, b -> b.setVersion(version));
            })
        .post(
            "/v1/models/{m}/labels/{alias}:predict",
            (req, res) -> {
              String alias = Names.alias(req.path().pathParameters().get("alias"));
              predict(req, res, b -> b.setAlias(alias));
            });
  }

  private void predict(
      ServerRequest req, ServerResponse res, Consumer<PredictRequest.Builder> selector) {
    String model = Names.model(req.path().pathParameters().get("m"));
    PredictRequest.Builder request = parser.parse(bodies.read(req)).setModel(model);
    selector.accept(request);
    request.setRequestId(
        RequestIds.resolve(
            "request_id", request.getRequestId(), req.headers().first(REQUEST_ID).orElse(null)));
    if (request.getRoutingKey().isEmpty()) {
      req.headers().first(ROUTING_KEY).ifPresent(request::setRoutingKey);
    }
    PredictResponse response =
        await(pipeline.predict(request.build(), serving.deadlineForCall(), "http"));
    String requestId =
        response.getRequestId().isEmpty() ? request.getRequestId() : response.getRequestId();
    if (!requestId.isEmpty()) {
      res.header(REQUEST_ID, requestId);
    }
    replies.send(res, 200, g -> PredictJson.write(g, response));
  }

  /** Handlers run on virtual threads, so waiting here is cheap; failures rethrown as they came. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}

package io.canopy.gateway.http;

import io.canopy.common.requestid.RequestIds;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ServerMetadataResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * KServe v2 (Open Inference Protocol) REST routes, each translated to the matching {@code
 * inference.GRPCInferenceService} call on serving-service; model calls are routed and retried by
 * {@link KServeCalls} (no version in the path: the routing policy picks one, sticky by the {@code
 * x-routing-key} header). Health and readiness answer 200 when true and 503 when false (as KServe's
 * own server does), with a JSON body either way.
 */
record KServeHandler(
    ServingClient serving,
    KServeCalls calls,
    RequestBodies bodies,
    InferBodyParser parser,
    JsonReplies replies) {

  void routes(HttpRules rules) {
    rules
        .get("/v2", this::serverMetadata)
        .get("/v2/health/live", this::live)
        .get("/v2/health/ready", this::ready)
        .get("/v2/models/{m}", this::modelMetadata)
        .get("/v2/models/{m}/versions/{v}", this::modelMetadata)
        .get("/v2/models/{m}/ready", this::modelReady)
        .get("/v2/models/{m}/versions/{v}/ready", this::modelReady)
        .post("/v2/models/{m}/infer", this::infer)
        .post("/v2/models/{m}/versions/{v}/infer", this::infer);
  }

  private void serverMetadata(ServerRequest req, ServerResponse res) {
    ServerMetadataResponse r =
        PredictHandler.await(serving.serverMetadata(serving.deadlineForCall()));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("name", r.getName());
          g.writeStringField("version", r.getVersion());
          g.writeArrayFieldStart("extensions");
          for (String extension : r.getExtensionsList()) {
            g.writeString(extension);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private void live(ServerRequest req, ServerResponse res) {
    boolean live = PredictHandler.await(serving.serverLive(serving.deadlineForCall())).getLive();
    sendFlag(res, null, "live", live);
  }

  private void ready(ServerRequest req, ServerResponse res) {
    boolean ready = PredictHandler.await(serving.serverReady(serving.deadlineForCall())).getReady();
    sendFlag(res, null, "ready", ready);
  }

  private void modelReady(ServerRequest req, ServerResponse res) {
    String model = model(req);
    ModelReadyRequest request =
        ModelReadyRequest.newBuilder().setName(model).setVersion(version(req)).build();
    boolean ready =
        PredictHandler.await(calls.ready(request, routingKey(req), serving.deadlineForCall()))
            .getReady();
    sendFlag(res, model, "ready", ready);
  }

  private void modelMetadata(ServerRequest req, ServerResponse res) {
    ModelMetadataRequest request =
        ModelMetadataRequest.newBuilder().setName(model(req)).setVersion(version(req)).build();
    ModelMetadataResponse r =
        PredictHandler.await(calls.metadata(request, routingKey(req), serving.deadlineForCall()));
    replies.send(res, 200, g -> KServeJson.writeMetadata(g, r));
  }

  private void infer(ServerRequest req, ServerResponse res) {
    String model = model(req);
    String version = version(req);
    ModelInferRequest.Builder request = parser.parse(bodies.read(req));
    request.setModelName(model).setModelVersion(version);
    request.setId(
        RequestIds.resolve(
            "id", request.getId(), req.headers().first(PredictHandler.REQUEST_ID).orElse(null)));
    ModelInferResponse r =
        PredictHandler.await(
            calls.infer(
                request.build(), routingKey(req), serving.deadlineForCall(), "kserve-http"));
    res.header(PredictHandler.REQUEST_ID, r.getId().isEmpty() ? request.getId() : r.getId());
    replies.send(res, 200, g -> KServeJson.writeInfer(g, r));
  }

  private void sendFlag(ServerResponse res, String model, String field, boolean value) {
    replies.send(
        res,
        value ? 200 : 503,
        g -> {
          g.writeStartObject();
          if (model != null) {
            g.writeStringField("name", model);
          }
          g.writeBooleanField(field, value);
          g.writeEndObject();
        });
  }

  private static String routingKey(ServerRequest req) {
    return req.headers().first(PredictHandler.ROUTING_KEY).orElse("");
  }

  private static String model(ServerRequest req) {
    return Names.model(req.path().pathParameters().get("m"));
  }

  /** The version path segment, or "" (the routing policy picks one) when the path has none. */
  private static String version(ServerRequest req) {
    return req.path()
        .pathParameters()
        .first("v")
        .map(v -> Long.toString(Names.version(v)))
        .orElse("");
  }
}

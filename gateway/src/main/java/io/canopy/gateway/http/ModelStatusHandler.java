package io.canopy.gateway.http;

import io.canopy.gateway.upstream.ServingClient;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.PredictionEngine;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * {@code GET /v1/models/{m}/status}: serving's GetModelStatus for one model (retried like every
 * read; answered by one of the model's replicas), so the console shows which versions are loaded,
 * on which engine, and what they cost. A model serving has not heard of has no versions.
 */
record ModelStatusHandler(ServingClient serving, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules.get("/v1/models/{m}/status", this::status);
  }

  private void status(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    GetModelStatusResponse r =
        PredictHandler.await(
            serving.modelStatus(
                GetModelStatusRequest.newBuilder().setModel(model).build(),
                serving.deadlineForCall()));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeArrayFieldStart("versions");
          for (ModelVersionStatus v : r.getVersionsList()) {
            g.writeStartObject();
            g.writeNumberField("version", v.getVersion());
            g.writeStringField("sha256", v.getSha256());
            g.writeStringField("state", v.getState().name().replace("LOAD_STATE_", ""));
            g.writeStringField("reason", v.getReason());
            g.writeArrayFieldStart("aliases");
            for (String alias : v.getAliasesList()) {
              g.writeString(alias);
            }
            g.writeEndArray();
            RegistryJson.writeTime(g, "available_time", v.hasAvailableTime(), v.getAvailableTime());
            if (v.getEngine() != PredictionEngine.PREDICTION_ENGINE_UNSPECIFIED) {
              g.writeStringField(
                  "engine",
                  v.getEngine().name().replace("PREDICTION_ENGINE_", "").toLowerCase(Locale.ROOT));
            }
            g.writeStringField("engine_reason", v.getEngineReason());
            g.writeNumberField("charged_bytes", v.getChargedBytes());
            g.writeBooleanField("pinned", v.getPinned());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }
}

package io.canopy.gateway.http;

import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListAuditEventsResponse;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.Model;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Registry reads over HTTP: {@code GET /v1/models} (paged like the gRPC call, with {@code
 * page_size} and {@code page_token} query parameters), {@code GET /v1/models/{m}} (the model with
 * its aliases, traffic policy and every version) and {@code GET /v1/models/{m}/audit} (the model's
 * recorded changes, newest first, paged the same way). Writes are {@link RegistryWritesHandler}'s
 * and {@link UploadHandler}'s.
 */
record RegistryHandler(RegistryClient registry, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules
        .get("/v1/models", this::list)
        .get("/v1/models/{m}", this::get)
        .get("/v1/models/{m}/audit", this::audit);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ListModelsRequest.Builder request = ListModelsRequest.newBuilder();
    Names.paging(req, request::setPageSize, request::setPageToken);
    ListModelsResponse r = registry.listModels(request.build());
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("models");
          for (Model model : r.getModelsList()) {
            RegistryJson.writeModel(g, model, null);
          }
          g.writeEndArray();
          g.writeStringField("next_page_token", r.getNextPageToken());
          g.writeEndObject();
        });
  }

  private void get(ServerRequest req, ServerResponse res) {
    String name = Names.model(req.path().pathParameters().get("m"));
    RegistryClient.ModelWithVersions found = registry.modelWithVersions(name);
    replies.send(res, 200, g -> RegistryJson.writeModel(g, found.model(), found.versions()));
  }

  /** A model's audit trail; a model that never existed simply has none. */
  private void audit(ServerRequest req, ServerResponse res) {
    ListAuditEventsRequest.Builder request =
        ListAuditEventsRequest.newBuilder()
            .setModel(Names.model(req.path().pathParameters().get("m")));
    Names.paging(req, request::setPageSize, request::setPageToken);
    ListAuditEventsResponse r = registry.auditEvents(request.build());
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("events");
          for (AuditEvent e : r.getEventsList()) {
            g.writeStartObject();
            g.writeNumberField("id", e.getId());
            g.writeStringField("actor", e.getActor());
            g.writeStringField("action", e.getAction());
            g.writeStringField("model", e.getModel());
            if (e.getVersion() > 0) {
              g.writeNumberField("version", e.getVersion());
            } else {
              g.writeNullField("version");
            }
            g.writeStringField("detail", e.getDetail());
            RegistryJson.writeTime(g, "time", e.hasTime(), e.getTime());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("next_page_token", r.getNextPageToken());
          g.writeEndObject();
        });
  }
}

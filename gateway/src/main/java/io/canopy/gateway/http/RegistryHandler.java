package io.canopy.gateway.http;

import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.Model;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Registry reads over HTTP: {@code GET /v1/models} (paged like the gRPC call, with {@code
 * page_size} and {@code page_token} query parameters) and {@code GET /v1/models/{m}} (the model
 * with its aliases, traffic policy and every version). Writes stay on the registry's gRPC API.
 */
record RegistryHandler(RegistryClient registry, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules.get("/v1/models", this::list).get("/v1/models/{m}", this::get);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ListModelsRequest.Builder request = ListModelsRequest.newBuilder();
    req.query()
        .first("page_size")
        .asOptional()
        .ifPresent(size -> request.setPageSize(pageSize(size)));
    req.query().first("page_token").asOptional().ifPresent(request::setPageToken);
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

  private static int pageSize(String text) {
    try {
      int size = Integer.parseInt(text);
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid("page_size", "'" + text + "' is not a non-negative integer");
  }
}

package io.canopy.gateway.http;

import io.canopy.gateway.upstream.Upstream;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Registry reads over HTTP: {@code GET /v1/models} (paged like the gRPC call, with {@code
 * page_size} and {@code page_token} query parameters) and {@code GET /v1/models/{m}} (the model
 * with its aliases, traffic policy and every version). Writes stay on the registry's gRPC API.
 */
final class RegistryHandler {

  // A version listing pages at most this many; a model with more versions takes several calls.
  private static final int VERSIONS_PAGE = 1000;

  private final Upstream upstream;
  private final JsonReplies replies;

  RegistryHandler(Upstream upstream, JsonReplies replies) {
    this.upstream = upstream;
    this.replies = replies;
  }

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
    ListModelsResponse r = upstream.registryBlocking().listModels(request.build());
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
    // One deadline for the whole read: the stub is taken once and reused for every page.
    ModelRegistryServiceBlockingStub registry = upstream.registryBlocking();
    Model model = registry.getModel(GetModelRequest.newBuilder().setName(name).build()).getModel();
    List<ModelVersion> versions = new ArrayList<>();
    String token = "";
    do {
      ListVersionsResponse page =
          registry.listVersions(
              ListVersionsRequest.newBuilder()
                  .setModel(name)
                  .setPageSize(VERSIONS_PAGE)
                  .setPageToken(token)
                  .build());
      versions.addAll(page.getVersionsList());
      if (page.getNextPageToken().equals(token)) {
        break; // a registry that repeats its token would otherwise loop until the deadline
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    replies.send(res, 200, g -> RegistryJson.writeModel(g, model, versions));
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

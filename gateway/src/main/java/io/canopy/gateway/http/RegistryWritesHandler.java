package io.canopy.gateway.http;

import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * Registry writes over HTTP, for the console: {@code PUT /v1/models/{m}/aliases/{alias}} with
 * {@code {"version": n}}, {@code DELETE /v1/models/{m}/aliases/{alias}} and {@code PUT
 * /v1/models/{m}/traffic} with a policy ({@code "splits": []} clears it). They need role admin at
 * the gateway ({@link HttpAuth}) and carry the caller's own Authorization header to the registry,
 * which checks it again and records the caller ({@link RegistryClient}). Uploads are {@link
 * UploadHandler}'s.
 */
record RegistryWritesHandler(
    RegistryClient registry,
    RequestBodies bodies,
    RegistryWritesParser parser,
    JsonReplies replies) {

  void routes(HttpRules rules) {
    rules
        .put("/v1/models/{m}/aliases/{alias}", this::setAlias)
        .delete("/v1/models/{m}/aliases/{alias}", this::deleteAlias)
        .put("/v1/models/{m}/traffic", this::setPolicy);
  }

  private void setAlias(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    String alias = Names.alias(req.path().pathParameters().get("alias"));
    long version = parser.aliasVersion(bodies.read(req));
    Model after =
        registry.setAlias(
            SetAliasRequest.newBuilder()
                .setModel(model)
                .setAlias(alias)
                .setVersion(version)
                .build(),
            authorization(req));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeStringField("alias", alias);
          g.writeNumberField("version", after.getAliasesMap().getOrDefault(alias, version));
          g.writeEndObject();
        });
  }

  private void deleteAlias(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    String alias = Names.alias(req.path().pathParameters().get("alias"));
    registry.deleteAlias(
        DeleteAliasRequest.newBuilder().setModel(model).setAlias(alias).build(),
        authorization(req));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeStringField("alias", alias);
          g.writeBooleanField("deleted", true);
          g.writeEndObject();
        });
  }

  private void setPolicy(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    TrafficPolicy policy = parser.policy(bodies.read(req));
    Model after =
        registry.setTrafficPolicy(
            SetTrafficPolicyRequest.newBuilder().setModel(model).setPolicy(policy).build(),
            authorization(req));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          if (after.hasTrafficPolicy() && after.getTrafficPolicy().getSplitsCount() > 0) {
            RegistryJson.writePolicy(g, after.getTrafficPolicy());
          } else {
            g.writeNullField("traffic_policy"); // cleared
          }
          g.writeEndObject();
        });
  }

  /**
   * The caller's Authorization header, to relay as gRPC metadata: printable ASCII only (metadata
   * cannot carry anything else), else 400 rather than a transport error upstream.
   */
  static Optional<String> authorization(ServerRequest req) {
    Optional<String> value = req.headers().first(HeaderNames.AUTHORIZATION);
    if (value.isPresent() && !value.get().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw JsonInput.invalid("authorization", "the header holds characters other than ASCII");
    }
    return value;
  }
}

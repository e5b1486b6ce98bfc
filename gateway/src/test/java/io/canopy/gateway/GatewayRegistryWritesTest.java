package io.canopy.gateway;

import static io.canopy.gateway.RunningGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Aliases and traffic policies written over HTTP: bodies parsed strictly, the registry's answers
 * and errors relayed, and the caller's own Authorization header passed to the registry.
 */
class GatewayRegistryWritesTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of()));
  }

  private HttpResponse<String> put(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gw.uri(path))
            .header("content-type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return gw.send(request);
  }

  private HttpResponse<String> delete(String path) throws Exception {
    return gw.send(HttpRequest.newBuilder(gw.uri(path)).DELETE());
  }

  @Test
  void setAlias_pointsTheAliasAndAnswersTheStoredVersion() throws Exception {
    HttpResponse<String> response = put("/v1/models/iris/aliases/production", "{\"version\": 2}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("{\"model\":\"iris\",\"alias\":\"production\",\"version\":2}");
    assertThat(gw.registry.writes)
        .containsExactly(
            SetAliasRequest.newBuilder()
                .setModel("iris")
                .setAlias("production")
                .setVersion(2)
                .build());
    assertThat(gw.registry.authorizations).contains("SetAlias <none>");
  }

  @Test
  void setAlias_badBodies_are400NamingTheField_andReachNothing() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"version\": 2, \"force\": true}", "force:",
            "{\"version\": \"2\"}", "version:",
            "{\"version\": 0}", "version:",
            "{}", "version:",
            "[2]", "body:",
            "{\"version\": 2, \"version\": 3}", "body:");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = put("/v1/models/iris/aliases/production", c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(json(r).get("error").asText()).as(c.getKey()).startsWith(c.getValue());
    }
    assertThat(put("/v1/models/iris/aliases/bad%20alias", "{\"version\": 2}").statusCode())
        .isEqualTo(400);
    assertThat(gw.registry.writes).isEmpty();
  }

  @Test
  void setAlias_registryErrors_keepTheirStatus_andTextBodiesAre415() throws Exception {
    HttpResponse<String> missing = put("/v1/models/iris/aliases/production", "{\"version\": 9}");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("iris has no version 9");

    HttpResponse<String> text =
        gw.send(
            HttpRequest.newBuilder(gw.uri("/v1/models/iris/aliases/production"))
                .header("content-type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": 2}")));
    assertThat(text.statusCode()).isEqualTo(415);
  }

  @Test
  void deleteAlias_removesIt_andAnUnknownAliasIs404() throws Exception {
    HttpResponse<String> deleted = delete("/v1/models/iris/aliases/canary");
    HttpResponse<String> unknown = delete("/v1/models/iris/aliases/nope");

    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body())
        .isEqualTo("{\"model\":\"iris\",\"alias\":\"canary\",\"deleted\":true}");
    assertThat(gw.registry.writes)
        .first()
        .isEqualTo(DeleteAliasRequest.newBuilder().setModel("iris").setAlias("canary").build());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void setTrafficPolicy_sendsThePolicy_andAnswersItAsStored() throws Exception {
    HttpResponse<String> response =
        put(
            "/v1/models/iris/traffic",
            """
            {"splits": [{"version": 1, "percent": 90}, {"alias": "canary", "percent": 10}],
             "sticky": true, "shadow": {"version": 2, "sample_rate": 0.1}, "pinned": true}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(gw.registry.writes)
        .containsExactly(
            SetTrafficPolicyRequest.newBuilder()
                .setModel("iris")
                .setPolicy(
                    TrafficPolicy.newBuilder()
                        .addSplits(TrafficSplit.newBuilder().setVersion(1).setPercent(90))
                        .addSplits(TrafficSplit.newBuilder().setAlias("canary").setPercent(10))
                        .setSticky(true)
                        .setShadow(ShadowTarget.newBuilder().setVersion(2).setSampleRate(0.1))
                        .setPinned(true))
                .build());
    JsonNode policy = json(response).get("traffic_policy");
    assertThat(json(response).get("model").asText()).isEqualTo("iris");
    assertThat(policy.get("splits").toString())
        .isEqualTo("[{\"version\":1,\"percent\":90},{\"alias\":\"canary\",\"percent\":10}]");
    assertThat(policy.get("sticky").asBoolean()).isTrue();
    assertThat(policy.get("shadow").get("sample_rate").asDouble()).isEqualTo(0.1);
    assertThat(policy.get("pinned").asBoolean()).isTrue();
  }

  @Test
  void setTrafficPolicy_emptySplits_clearsIt() throws Exception {
    HttpResponse<String> response = put("/v1/models/iris/traffic", "{\"splits\": []}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"model\":\"iris\",\"traffic_policy\":null}");
    assertThat(gw.registry.writes)
        .containsExactly(
            SetTrafficPolicyRequest.newBuilder()
                .setModel("iris")
                .setPolicy(TrafficPolicy.getDefaultInstance())
                .build());
  }

  @Test
  void setTrafficPolicy_strictParsing_andTheRegistrysOwnChecks() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"splits\": [{\"version\": 1, \"weight\": 100}]}", "splits[0].weight:",
            "{\"splits\": [{\"version\": 1, \"percent\": 101}]}", "splits[0].percent:",
            "{\"splits\": [{\"version\": 1, \"percent\": 50.5}]}", "splits[0].percent:",
            "{\"splits\": [{\"version\": 1, \"alias\": \"a\", \"percent\": 100}]}", "splits[0]:",
            "{\"splits\": [{\"percent\": 100}]}", "splits[0]:",
            "{\"sticky\": true}", "splits:",
            "{\"splits\": [], \"sticky\": \"yes\"}", "sticky:",
            "{\"splits\": [], \"shadow\": {\"version\": 2, \"rate\": 0.1}}", "shadow.rate:",
            "{\"splits\": [], \"canary\": 5}", "canary:");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = put("/v1/models/iris/traffic", c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(json(r).get("error").asText()).as(c.getKey()).startsWith(c.getValue());
    }
    assertThat(gw.registry.writes).isEmpty();

    HttpResponse<String> sum =
        put("/v1/models/iris/traffic", "{\"splits\": [{\"version\": 1, \"percent\": 90}]}");
    assertThat(sum.statusCode()).isEqualTo(400);
    assertThat(json(sum).get("error").asText())
        .isEqualTo("policy.splits: percents sum to 90, not 100");
  }

  @Test
  void writes_carryTheCallersOwnAuthorization_whichTheRegistryChecks() throws Exception {
    gw.registry.adminToken = "registry-admin-0123456789";

    HttpResponse<String> without = put("/v1/models/iris/aliases/production", "{\"version\": 2}");
    HttpResponse<String> with =
        put(
            "/v1/models/iris/aliases/production",
            "{\"version\": 2}",
            "authorization",
            "Bearer registry-admin-0123456789");

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(gw.registry.authorizations)
        .contains("SetAlias <none>", "SetAlias Bearer registry-admin-0123456789");
  }

  @Test
  void modelRead_showsWhetherThePolicyIsPinned() throws Exception {
    assertThat(json(gw.get("/v1/models/iris")).get("traffic_policy").get("pinned").isBoolean())
        .isTrue();
  }
}

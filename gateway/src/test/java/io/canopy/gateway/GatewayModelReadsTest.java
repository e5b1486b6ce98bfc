package io.canopy.gateway;

import static io.canopy.gateway.RunningGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.grpc.Status;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the console reads about a model: serving's load status and the registry's audit trail. */
class GatewayModelReadsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of()));
  }

  @Test
  void status_relaysGetModelStatus_withEnumsWithoutPrefixesAndTimesAsRfc3339() throws Exception {
    gw.serving.onStatus =
        r ->
            FakeServing.oneLoadedVersion(r).toBuilder()
                .addVersions(
                    ModelVersionStatus.newBuilder()
                        .setModel(r.getModel())
                        .setVersion(4)
                        .setState(LoadState.LOAD_STATE_FAILED)
                        .setReason("sha256 mismatch"))
                .build();

    HttpResponse<String> response = gw.get("/v1/models/iris/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(
            ((io.canopy.proto.inference.v1.GetModelStatusRequest) gw.serving.lastRequest.get())
                .getModel())
        .isEqualTo("iris");
    JsonNode body = json(response);
    assertThat(body.get("model").asText()).isEqualTo("iris");
    JsonNode loaded = body.get("versions").get(0);
    assertThat(loaded.get("version").asLong()).isEqualTo(3);
    assertThat(loaded.get("sha256").asText()).isEqualTo(FakeServing.SHA256);
    assertThat(loaded.get("state").asText()).isEqualTo("AVAILABLE");
    assertThat(loaded.get("aliases").toString()).isEqualTo("[\"production\",\"latest\"]");
    assertThat(loaded.get("available_time").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(loaded.get("engine").asText()).isEqualTo("flat");
    assertThat(loaded.get("engine_reason").asText()).isEqualTo("verified: 256 rows");
    assertThat(loaded.get("charged_bytes").asLong()).isEqualTo(123_456);
    assertThat(loaded.get("pinned").asBoolean()).isTrue();
    JsonNode failed = body.get("versions").get(1);
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.get("reason").asText()).isEqualTo("sha256 mismatch");
    assertThat(failed.has("available_time")).isFalse();
    assertThat(failed.has("engine")).isFalse();
  }

  @Test
  void status_upstreamErrorsMapLikeEveryOther_andBadNamesAre400() throws Exception {
    gw.serving.onStatus =
        r -> {
          throw Status.NOT_FOUND.withDescription("no model " + r.getModel()).asRuntimeException();
        };
    gw.serving.statusFailures.set(0);

    HttpResponse<String> missing = gw.get("/v1/models/nope/status");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("no model nope");
    assertThat(gw.get("/v1/models/bad%20name/status").statusCode()).isEqualTo(400);
    gw.serving.onStatus = r -> GetModelStatusResponse.getDefaultInstance();
    assertThat(json(gw.get("/v1/models/iris/status")).get("versions").size()).isZero();
  }

  @Test
  void audit_relaysListAuditEvents_newestFirst_paged() throws Exception {
    HttpResponse<String> response = gw.get("/v1/models/iris/audit?page_size=2&page_token=t-13");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(gw.registry.auditSeen.get().getModel()).isEqualTo("iris");
    assertThat(gw.registry.auditSeen.get().getPageSize()).isEqualTo(2);
    assertThat(gw.registry.auditSeen.get().getPageToken()).isEqualTo("t-13");
    JsonNode body = json(response);
    JsonNode first = body.get("events").get(0);
    assertThat(first.get("id").asLong()).isEqualTo(12);
    assertThat(first.get("actor").asText()).isEqualTo("ops");
    assertThat(first.get("action").asText()).isEqualTo("SetAlias");
    assertThat(first.get("model").asText()).isEqualTo("iris");
    assertThat(first.get("version").asLong()).isEqualTo(2);
    assertThat(first.get("detail").asText()).isEqualTo("production -> 2");
    assertThat(first.get("time").asText()).isEqualTo("2023-11-14T22:15:00Z");
    assertThat(body.get("events").get(1).get("version").isNull()).isTrue();
    assertThat(body.get("next_page_token").asText()).isEqualTo("t-11");
    assertThat(gw.get("/v1/models/iris/audit?page_size=many").statusCode()).isEqualTo(400);
  }
}

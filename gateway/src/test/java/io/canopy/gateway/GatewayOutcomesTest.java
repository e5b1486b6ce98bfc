package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeServiceGrpc;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outcomes through the gateway's two fronts: checked against the model's task (iris: multi-class, 3
 * classes), good items kept even when others are refused by name, and every kept one stored.
 */
class GatewayOutcomesTest {

  private static final String TOKEN = "outcomes-test-token-0123456789";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private RunningGateway gateway(Map<String, String> extra) throws Exception {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("gateway.outcomes.store.sqlite", dir.resolve("records.db").toString());
    settings.put("gateway.outcomes.max-items", "4");
    RunningGateway gw = cleanup.register(new RunningGateway(settings));
    gw.registry.publish(FakeRegistry.IRIS);
    // Known once a bad label is refused for the label, not for the model (nothing is stored).
    String probe = "{\"outcomes\": [{\"request_id\": \"probe\", \"label\": 9}]}";
    Await.until(
        "the gateway knows iris",
        () -> {
          try {
            return gw.send(
                    java.net.http.HttpRequest.newBuilder(gw.uri("/v1/models/iris/outcomes"))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + TOKEN)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(probe)))
                .body()
                .contains("outcomes[0].label");
          } catch (java.io.IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
    return gw;
  }

  private long stored() {
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("records.db")))) {
      // No predictions here: every stored outcome is unmatched.
      return store.unmatchedOutcomes("iris", 0, Long.MAX_VALUE);
    }
  }

  private static Outcome label(String id, long label) {
    return Outcome.newBuilder().setRequestId(id).setLabel(label).build();
  }

  @Test
  void recordOutcomes_badItemsRefusedByName_goodOnesKept() throws Exception {
    RunningGateway gw = gateway(Map.of());
    var stub =
        OutcomeServiceGrpc.newBlockingStub(
            cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20)));

    assertThat(
            stub.recordOutcomes(
                    RecordOutcomesRequest.newBuilder()
                        .setModel("iris")
                        .addOutcomes(label("a", 2))
                        .addOutcomes(label("b", 0).toBuilder().setRow(1))
                        .build())
                .getAccepted())
        .isEqualTo(2);
    StatusRuntimeException mixed =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.recordOutcomes(
                    RecordOutcomesRequest.newBuilder()
                        .setModel("iris")
                        .addOutcomes(label("c", 3)) // iris has classes 0-2
                        .addOutcomes(label("d", 1))
                        .addOutcomes(Outcome.newBuilder().setRequestId("e").setValue(1.5))
                        .addOutcomes(label("has space", 1))
                        .build()));

    assertThat(mixed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(mixed.getStatus().getDescription())
        .contains("3 of 4 outcomes refused, 1 kept")
        .contains("outcomes[0].label")
        .contains("outcomes[2].value")
        .contains("outcomes[3].request_id");
    assertThat(stored()).isEqualTo(3);
  }

  @Test
  void recordOutcomes_unknownModelOrTooManyItems_invalidArgumentNothingKept() throws Exception {
    RunningGateway gw = gateway(Map.of());
    var stub =
        OutcomeServiceGrpc.newBlockingStub(
            cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20)));
    RecordOutcomesRequest.Builder five = RecordOutcomesRequest.newBuilder().setModel("iris");
    for (int i = 0; i < 5; i++) {
      five.addOutcomes(label("r" + i, 1));
    }

    StatusRuntimeException unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.recordOutcomes(
                    RecordOutcomesRequest.newBuilder()
                        .setModel("nope")
                        .addOutcomes(label("a", 1))
                        .build()));
    StatusRuntimeException tooMany =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub.recordOutcomes(five.build()));

    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unknown.getStatus().getDescription()).contains("nope");
    assertThat(tooMany.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(tooMany.getStatus().getDescription()).contains("limit of 4");
    assertThat(stored()).isZero();
  }

  @Test
  void httpOutcomes_keptAndBadFieldsNamed_with400() throws Exception {
    RunningGateway gw = gateway(Map.of());

    HttpResponse<String> ok =
        gw.post(
            "/v1/models/iris/outcomes",
            "{\"outcomes\": [{\"request_id\": \"h1\", \"label\": 1, \"time\":"
                + " \"2026-12-05T10:00:00Z\"}]}");
    HttpResponse<String> wrongType =
        gw.post(
            "/v1/models/iris/outcomes",
            "{\"outcomes\": [{\"request_id\": \"h2\", \"label\": \"x\"}]}");
    HttpResponse<String> unknownField =
        gw.post(
            "/v1/models/iris/outcomes", "{\"outcomes\": [{\"request_id\": \"h3\", \"lable\": 1}]}");

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(RunningGateway.json(ok).get("accepted").asInt()).isEqualTo(1);
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("outcomes[0].label");
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.body()).contains("outcomes[0].lable");
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  void outcomes_withTokensConfigured_needAToken() throws Exception {
    RunningGateway gw = gateway(Map.of("gateway.auth.client-token", TOKEN));
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    RecordOutcomesRequest one =
        RecordOutcomesRequest.newBuilder().setModel("iris").addOutcomes(label("t", 1)).build();

    StatusRuntimeException anonymous =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> OutcomeServiceGrpc.newBlockingStub(channel).recordOutcomes(one));
    int accepted =
        OutcomeServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Bearer.headers(TOKEN)))
            .recordOutcomes(one)
            .getAccepted();

    assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(accepted).isEqualTo(1);
    assertThat(
            gw.post(
                    "/v1/models/iris/outcomes",
                    "{\"outcomes\": [{\"request_id\": \"u\", \"label\": 1}]}")
                .statusCode())
        .isEqualTo(401);
  }
}

package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With a client token configured, predictions need it on both fronts; health stays open. */
class GatewayAuthTest {

  private static final String TOKEN = "client-secret-0123456789";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of("gateway.auth.client-token", TOKEN)));
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
  }

  private static PredictRequest request() {
    return PredictRequest.newBuilder()
        .setModel("m")
        .setVersion(1)
        .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1))
        .build();
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcPredict_withoutOrWithWrongToken_isUnauthenticated_withTokenServed() {
    assertThatThrownBy(() -> stub().predict(request()))
        .extracting(e -> Status.fromThrowable(e).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThatThrownBy(
            () ->
                stub()
                    .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(
                            Bearer.headers("wrong-token-0123456789")))
                    .predict(request()))
        .extracting(e -> Status.fromThrowable(e).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            stub()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Bearer.headers(TOKEN)))
                .predict(request())
                .getVersion())
        .isEqualTo(1);
    assertThat(gw.serving.predicts).hasSize(1);
  }

  @Test
  void grpcHealth_needsNoToken() {
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void httpPredict_withoutToken401_withToken200_healthOpen() throws Exception {
    String body = "{\"instances\": [[1]]}";
    assertThat(gw.post("/v1/models/m/versions/1:predict", body).statusCode()).isEqualTo(401);
    assertThat(gw.get("/v1/models").statusCode()).isEqualTo(401);
    assertThat(
            gw.send(
                    HttpRequest.newBuilder(gw.uri("/v1/models/m/versions/1:predict"))
                        .header("authorization", "Bearer " + TOKEN)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode())
        .isEqualTo(200);
    assertThat(gw.get("/observe/health").statusCode()).isEqualTo(200);
    assertThat(gw.serving.predicts).hasSize(1);
  }

  @Test
  void httpMonitorReadsAndOutcomes_needTheClientToken() throws Exception {
    String outcomes = "{\"outcomes\": [{\"request_id\": \"r1\", \"label\": 1}]}";
    for (String path :
        List.of("/v1/models/m/quality", "/v1/models/m/drift", "/v1/models/m/compare")) {
      assertThat(gw.get(path).statusCode()).as(path).isEqualTo(401);
      int withToken =
          gw.send(HttpRequest.newBuilder(gw.uri(path)).header("authorization", "Bearer " + TOKEN))
              .statusCode();
      assertThat(withToken).as(path).isNotIn(401, 403);
    }
    assertThat(gw.post("/v1/models/m/outcomes", outcomes).statusCode()).isEqualTo(401);
    int withToken =
        gw.send(
                HttpRequest.newBuilder(gw.uri("/v1/models/m/outcomes"))
                    .header("authorization", "Bearer " + TOKEN)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(outcomes)))
            .statusCode();
    assertThat(withToken).isNotIn(401, 403);
  }

  @Test
  void grpcRecordOutcomes_withoutToken_isUnauthenticated() {
    var request =
        io.canopy.proto.monitor.v1.RecordOutcomesRequest.newBuilder()
            .setModel("m")
            .addOutcomes(
                io.canopy.proto.monitor.v1.Outcome.newBuilder().setRequestId("r1").setLabel(1))
            .build();
    assertThatThrownBy(
            () ->
                io.canopy.proto.monitor.v1.OutcomeServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .recordOutcomes(request))
        .extracting(e -> Status.fromThrowable(e).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }
}

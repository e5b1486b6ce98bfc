package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.LogCapture;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway's size limits on both fronts, and client tokens that never reach a log. */
class GatewaySecurityTest {

  private static final String TOKEN = "gateway-client-secret-5e8d1f";
  private static final String WRONG = "gateway-wrong-secret-a4c2b9";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @RegisterExtension final LogCapture logs = new LogCapture();

  private static PredictRequest rows(int values) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(1);
    for (int i = 0; i < values; i++) {
      dense.addValues(i);
    }
    return PredictRequest.newBuilder().setModel("m").setVersion(1).setDense(dense).build();
  }

  @Test
  void limits_overLimitGrpcMessageAndHttpBody_refusedAndGatewayKeepsServing() throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(
                Map.of(
                    "gateway.grpc.max-inbound-message-bytes", "4096",
                    "gateway.http.max-body-bytes", "1024")));
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    var stub = InferenceServiceGrpc.newBlockingStub(channel);

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(2000)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(gw.serving.predicts).isEmpty();
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(3)).getVersion())
        .isEqualTo(1);

    String big = "{\"instances\": [[" + "1,".repeat(1000) + "1]]}";
    assertThat(gw.post("/v1/models/m/versions/1:predict", big).statusCode()).isEqualTo(413);
    assertThat(gw.post("/v1/models/m/versions/1:predict", "{\"instances\": [[1]]}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void clientTokens_neverLoggedNorInTheConfigText() throws Exception {
    RunningGateway gw =
        cleanup.register(new RunningGateway(Map.of("gateway.auth.client-token", TOKEN)));
    ManagedChannel channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    String body = "{\"instances\": [[1]]}";

    StatusRuntimeException wrong =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(Bearer.headers(WRONG)))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(rows(1)));
    assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Bearer.headers(TOKEN)))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(rows(1))
                .getVersion())
        .isEqualTo(1);
    for (String token : new String[] {WRONG, TOKEN}) {
      HttpResponse<String> response =
          gw.send(
              HttpRequest.newBuilder(gw.uri("/v1/models/m/versions/1:predict"))
                  .header("authorization", "Bearer " + token)
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(response.statusCode()).isEqualTo(token.equals(TOKEN) ? 200 : 401);
      assertThat(response.body()).doesNotContain(token);
    }
    gw.close();

    assertThat(logs.count()).as("the capture saw records").isPositive();
    assertThat(logs.text()).doesNotContain(TOKEN).doesNotContain(WRONG);
    GatewayConfig config =
        GatewayConfig.create(
            RunningGateway.config(
                Map.of(
                    "gateway.auth.client-token", TOKEN,
                    "gateway.upstream.serving-target", "127.0.0.1:1",
                    "gateway.upstream.registry-target", "127.0.0.1:2")));
    assertThat(config.toString()).doesNotContain(TOKEN).contains("auth=on");
  }
}

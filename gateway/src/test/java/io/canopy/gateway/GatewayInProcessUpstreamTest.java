package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code gateway.upstream.serving-target: in-process:NAME} (what {@code canopy up} sets): the
 * gateway's calls reach a serving in its own JVM with no socket, through the same fronts, routing,
 * batching and errors as over the network.
 */
class GatewayInProcessUpstreamTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private static PredictRequest rows(String requestId, float... values) {
    return PredictRequest.newBuilder()
        .setModel("iris")
        .setVersion(1)
        .setRequestId(requestId)
        .setDense(DenseRows.newBuilder().setNumFeatures(1).addAllValues(box(values)))
        .build();
  }

  private static java.util.List<Float> box(float... values) {
    java.util.List<Float> list = new java.util.ArrayList<>();
    for (float v : values) {
      list.add(v);
    }
    return list;
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub inference(RunningGateway gw) {
    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel(
                gw.grpcTarget(), GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void predict_overGrpcAndHttp_reachesTheInProcessServing() throws Exception {
    RunningGateway gw = cleanup.register(RunningGateway.withServingInProcess(Map.of()));
    assertThat(gw.serving.target()).startsWith("in-process:");

    PredictResponse response = inference(gw).predict(rows("in-process", 1, 2, 3));
    HttpResponse<String> http =
        gw.post("/v1/models/iris/versions/1:predict", "{\"instances\": [[1], [2]]}");

    assertThat(response.getValuesCount()).isEqualTo(3);
    assertThat(response.getRequestId()).isEqualTo("in-process");
    assertThat(gw.serving.predicts).hasSize(2);
    assertThat(gw.serving.predictSeen.get().getDense().getValuesCount()).isEqualTo(2);
    assertThat(gw.serving.deadlineSeen.get()).isNotNull();
    assertThat(http.statusCode()).isEqualTo(200);
  }

  @Test
  void modelStatus_isRelayed() throws Exception {
    RunningGateway gw = cleanup.register(RunningGateway.withServingInProcess(Map.of()));

    assertThat(
            inference(gw)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel("iris").build())
                .getVersionsCount())
        .isEqualTo(1);
  }

  @Test
  void servingError_keepsItsStatus() throws Exception {
    RunningGateway gw = cleanup.register(RunningGateway.withServingInProcess(Map.of()));
    gw.serving.onPredict =
        r -> {
          throw Status.FAILED_PRECONDITION.withDescription("not loaded").asRuntimeException();
        };

    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> inference(gw).predict(rows("x", 1)));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void noServingOfThatName_isUnavailable_notAHang() throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(
                Map.of(
                    "gateway.upstream.serving-target",
                    "in-process:nobody-" + java.util.UUID.randomUUID(),
                    "gateway.upstream.timeout",
                    "5s")));

    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> inference(gw).predict(rows("x", 1)));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(gw.serving.predicts).isEmpty();
  }
}

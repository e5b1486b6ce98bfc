package io.canopy.gateway;

import static io.canopy.gateway.FraudModel.FRAUD;
import static io.canopy.gateway.FraudModel.infer;
import static io.canopy.gateway.FraudModel.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.MutableClock;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An alias moved to a version serving has not loaded yet: requests through the alias are answered
 * by its previous target for {@code gateway.routing.alias-fallback-window} (10 s by default, on the
 * gateway's injected clock); explicit versions and splits get serving's error.
 */
@ProcessSuite
class GatewayAliasFallbackTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final RecordingMetrics metrics = new RecordingMetrics();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of(), metrics, clock));
    gw.registry.publish(FRAUD);
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    Await.until("watch seen", Duration.ofSeconds(20), () -> predict(request()).getVersion() == 1);
  }

  private PredictResponse predict(PredictRequest.Builder request) {
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(request.build());
  }

  /** Serving fails every call naming version 3 with {@code code}, and answers the others. */
  private void version3Fails(Status.Code code) {
    gw.serving.onPredict =
        r -> {
          if (r.getVersion() == 3) {
            throw Status.fromCode(code)
                .withDescription("version 3 is not loaded yet")
                .asRuntimeException();
          }
          return FakeServing.oneValuePerRow(r);
        };
  }

  /** Publishes {@code model} and waits until the gateway sends version 3 upstream. */
  private void moveTo3(Model model) {
    gw.registry.publish(model);
    Await.until(
        "gateway routes to version 3",
        Duration.ofSeconds(20),
        () -> {
          try {
            predict(request());
          } catch (StatusRuntimeException e) {
            // The error itself is what the tests assert on; here only the routing change counts.
          }
          return gw.serving.predicts.stream().anyMatch(r -> r.getVersion() == 3);
        });
  }

  private void moveProductionTo3() {
    moveTo3(FRAUD.toBuilder().putAliases("production", 3).build());
  }

  private Status.Code codeOf(PredictRequest.Builder request) {
    try {
      predict(request);
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    return Status.Code.OK;
  }

  @Test
  void aliasMovedToAVersionStillLoading_isAnsweredByThePreviousTarget_onBothFronts()
      throws Exception {
    version3Fails(Status.Code.UNAVAILABLE);
    moveProductionTo3();
    int before = gw.serving.predicts.size();

    assertThat(predict(request()).getVersion()).isEqualTo(1);
    assertThat(predict(request().setAlias("production")).getVersion()).isEqualTo(1);
    HttpResponse<String> http = gw.post("/v1/models/fraud:predict", "{\"instances\": [[0.5]]}");
    assertThat(http.statusCode()).isEqualTo(200);
    assertThat(RunningGateway.json(http).get("version").asLong()).isEqualTo(1);

    // Each went to version 3 first (the new target), then once to version 1.
    List<Long> seen = new ArrayList<>();
    gw.serving.predicts.stream().skip(before).forEach(r -> seen.add(r.getVersion()));
    assertThat(seen).contains(3L).endsWith(1L);
    assertThat(metrics.requests("production-fallback 1 OK")).isGreaterThanOrEqualTo(2);
    assertThat(metrics.requests("alias-fallback 1 OK")).isEqualTo(1);
  }

  @Test
  void aliasMovedToAVersionNotDeployedOnTheReplica_isAnsweredByThePreviousTarget() {
    version3Fails(Status.Code.FAILED_PRECONDITION);
    moveProductionTo3();

    assertThat(predict(request().setAlias("production")).getVersion()).isEqualTo(1);
    assertThat(predict(request()).getVersion()).isEqualTo(1);
  }

  @Test
  void concurrentRequestsThroughTheAlias_fallBackThroughTheBatcher() throws Exception {
    version3Fails(Status.Code.UNAVAILABLE);
    moveProductionTo3();
    InferenceServiceGrpc.InferenceServiceFutureStub stub =
        InferenceServiceGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    List<com.google.common.util.concurrent.ListenableFuture<PredictResponse>> calls =
        new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      calls.add(stub.predict(request().setRequestId("r" + i).build()));
    }
    for (int i = 0; i < calls.size(); i++) {
      PredictResponse response = calls.get(i).get(20, TimeUnit.SECONDS);
      assertThat(response.getVersion()).isEqualTo(1);
      assertThat(response.getRequestId()).isEqualTo("r" + i);
      // One value of its own row (the fake numbers rows by their place in the merged batch).
      assertThat(response.getValuesList()).hasSize(1);
    }
  }

  @Test
  void kserveInferWithoutAVersion_fallsBackToo_butAnExplicitVersionDoesNot() {
    version3Fails(Status.Code.UNAVAILABLE);
    gw.serving.onInfer =
        r -> {
          if (r.getModelVersion().equals("3")) {
            throw Status.UNAVAILABLE
                .withDescription("version 3 is still loading")
                .asRuntimeException();
          }
          return FakeServing.doubled(r);
        };
    moveProductionTo3();
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

    assertThat(kserve.modelInfer(infer("")).getModelVersion()).isEqualTo("1");
    assertThatThrownBy(() -> kserve.modelInfer(infer("3")))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> Status.fromThrowable(e).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void afterTheWindow_serving_sErrorReachesTheCaller() {
    version3Fails(Status.Code.UNAVAILABLE);
    moveProductionTo3();
    clock.advance(Duration.ofSeconds(9));
    assertThat(predict(request()).getVersion()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(codeOf(request())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(codeOf(request().setAlias("production"))).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void explicitVersion_getsServing_sErrorEvenWithinTheWindow() {
    version3Fails(Status.Code.FAILED_PRECONDITION);
    moveProductionTo3();

    assertThat(codeOf(request().setVersion(3))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    version3Fails(Status.Code.UNAVAILABLE);
    assertThat(codeOf(request().setVersion(3))).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(3);
  }

  @Test
  void otherErrorsOfTheNewTarget_areNotHiddenByTheFallback() {
    version3Fails(Status.Code.INTERNAL);
    moveProductionTo3();

    assertThat(codeOf(request())).isEqualTo(Status.Code.INTERNAL);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(3);
  }

  @Test
  void splitThroughAMovedAlias_getsServing_sError() {
    TrafficPolicy allToProduction =
        TrafficPolicy.newBuilder()
            .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(100))
            .build();
    gw.registry.publish(FRAUD.toBuilder().setTrafficPolicy(allToProduction).build());
    version3Fails(Status.Code.UNAVAILABLE);
    moveTo3(
        FRAUD.toBuilder().putAliases("production", 3).setTrafficPolicy(allToProduction).build());

    assertThat(codeOf(request())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(3);
  }
}

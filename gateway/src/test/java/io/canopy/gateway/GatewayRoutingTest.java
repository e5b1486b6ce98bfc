package io.canopy.gateway;

import static io.canopy.gateway.FraudModel.FRAUD;
import static io.canopy.gateway.FraudModel.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing from the registry's watch stream, through both fronts, against fakes on real ports. */
class GatewayRoutingTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final RecordingMetrics metrics = new RecordingMetrics();
  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of(), metrics));
    gw.registry.publish(FRAUD);
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    Await.until("watch seen", Duration.ofSeconds(20), () -> predict(request()).getVersion() == 1);
  }

  private PredictResponse predict(PredictRequest.Builder request) {
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(request.build());
  }

  @Test
  void predict_noSelector_servesProduction_andUpstreamGetsTheExplicitVersion() {
    assertThat(predict(request()).getVersion()).isEqualTo(1);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(1);
  }

  @Test
  void predict_aliasMove_isSeenLiveOnBothFronts() throws Exception {
    gw.registry.publish(FRAUD.toBuilder().putAliases("production", 3).build());
    Await.until("alias moved", Duration.ofSeconds(10), () -> predict(request()).getVersion() == 3);
    HttpResponse<String> http = gw.post("/v1/models/fraud:predict", "{\"instances\": [[0.5]]}");
    assertThat(RunningGateway.json(http).get("version").asLong()).isEqualTo(3);
    HttpResponse<String> latest =
        gw.post("/v1/models/fraud/labels/latest:predict", "{\"instances\": [[0.5]]}");
    assertThat(RunningGateway.json(latest).get("version").asLong()).isEqualTo(3);
  }

  @Test
  void predict_unknownAliasOfAWatchedModel_isNotFoundOnBothFronts() throws Exception {
    assertThatThrownBy(() -> predict(request().setAlias("nope")))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> Status.fromThrowable(e).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            gw.post("/v1/models/fraud/labels/nope:predict", "{\"instances\": [[1]]}").statusCode())
        .isEqualTo(404);
  }

  @Test
  void predict_stickySplit_sameKeySameVersion_andTheResponseNamesIt() {
    gw.registry.publish(
        FRAUD.toBuilder()
            .setTrafficPolicy(
                TrafficPolicy.newBuilder()
                    .setSticky(true)
                    .addSplits(TrafficSplit.newBuilder().setVersion(1).setPercent(50))
                    .addSplits(TrafficSplit.newBuilder().setVersion(2).setPercent(50)))
            .build());
    Await.until(
        "policy seen",
        Duration.ofSeconds(10),
        () ->
            predict(request().setRoutingKey("probe")).getVersion() != 0
                && gw.serving.predictSeen.get().getVersion() >= 1);
    Await.until(
        "split over two versions",
        Duration.ofSeconds(10),
        () -> {
          boolean both = false;
          long a = predict(request().setRoutingKey("k-a")).getVersion();
          for (int i = 0; i < 40; i++) {
            both |= predict(request().setRoutingKey("k-" + i)).getVersion() != a;
          }
          return both;
        });
    for (int key = 0; key < 20; key++) {
      long first = predict(request().setRoutingKey("user-" + key)).getVersion();
      for (int again = 0; again < 5; again++) {
        assertThat(predict(request().setRoutingKey("user-" + key)).getVersion()).isEqualTo(first);
      }
    }
  }

  @Test
  void predict_shadow_isComparedAndCounted_butNeverReturned() {
    gw.registry.publish(
        FRAUD.toBuilder()
            .setTrafficPolicy(
                TrafficPolicy.newBuilder()
                    .addSplits(TrafficSplit.newBuilder().setVersion(1).setPercent(100))
                    .setShadow(ShadowTarget.newBuilder().setVersion(2).setSampleRate(1.0)))
            .build());
    // The fake answers version 2 with different values: the shadow must disagree, never leak.
    gw.serving.onPredict =
        r -> {
          PredictResponse echo = FakeServing.oneValuePerRow(r);
          return r.getVersion() == 2 ? echo.toBuilder().setValues(0, 99f).build() : echo;
        };
    Await.until(
        "a shadow comparison",
        Duration.ofSeconds(10),
        () -> predict(request()) != null && !metrics.shadows.isEmpty());
    for (int i = 0; i < 20; i++) {
      PredictResponse response = predict(request().setRequestId("req-" + i));
      assertThat(response.getVersion()).isEqualTo(1);
      assertThat(response.getValues(0)).isEqualTo(0.5f);
      assertThat(response.getRequestId()).isEqualTo("req-" + i);
    }
    Await.until("20 comparisons", Duration.ofSeconds(10), () -> metrics.shadows.size() >= 20);
    assertThat(metrics.shadows)
        .allSatisfy(
            s -> {
              assertThat(s.version()).isEqualTo(2);
              assertThat(s.agreed()).isFalse();
              assertThat(s.maxAbsDiff()).isEqualTo(98.5);
            });
    assertThat(gw.serving.predicts).anySatisfy(r -> assertThat(r.getVersion()).isEqualTo(2));
  }
}

package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.gateway.metrics.HelidonGatewayMetrics;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.StatusRuntimeException;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.Metrics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Model and version labels stay bounded (issue 13, item 2): thousands of made-up model names and
 * version numbers add no series beyond one "_unknown" set, a real model keeps its own, a cap folds
 * the excess into "_other", and a deleted model's series are removed.
 */
@ProcessSuite
class GatewayMetricLabelsTest {

  private static final int UNKNOWN_CALLS = 1500;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  /** The model labels of this gateway's request series. */
  private static Set<String> requestModelLabels() {
    return Metrics.globalRegistry().meters().stream()
        .filter(m -> m.id().name().equals("canopy.gateway.requests"))
        .map(Meter::id)
        .filter(id -> "gateway".equals(id.tagsMap().get("service")))
        .map(id -> id.tagsMap().get("model") + "/" + id.tagsMap().get("version"))
        .collect(Collectors.toSet());
  }

  @Test
  void unknownNamesAndVersions_foldIntoUnknown_andADeletedModelsSeriesGo() throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(Map.of(), new HelidonGatewayMetrics(Metrics.globalRegistry())));
    gw.registry.publish(FakeRegistry.IRIS);
    Await.until(
        "iris routed",
        Duration.ofSeconds(20),
        () -> {
          try {
            return gw.post("/v1/models/iris/versions/1:predict", "{\"instances\": [[1, 2, 3, 4]]}")
                    .statusCode()
                == 200;
          } catch (Exception e) {
            return false;
          }
        });
    var grpc =
        InferenceServiceGrpc.newBlockingStub(
            cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20)));

    for (int i = 0; i < UNKNOWN_CALLS; i++) {
      gw.post("/v1/models/made-up-" + i + ":predict", "{\"instances\": [[1]]}");
      gw.post(
          "/v1/models/iris/versions/" + (1000 + i) + ":predict", "{\"instances\": [[1, 2, 3, 4]]}");
      try {
        grpc.withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setModel("grpc-made-up-" + i)
                    .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1f))
                    .build());
      } catch (StatusRuntimeException expected) {
        // whatever the fake serving answers, the labels are what matters here
      }
    }

    Set<String> labels = requestModelLabels();
    System.out.printf(
        "gateway request series model/version labels after %d made-up calls: %s%n",
        3 * UNKNOWN_CALLS, labels);
    assertThat(labels).noneMatch(l -> l.startsWith("made-up-") || l.startsWith("grpc-made-up-"));
    assertThat(labels).noneMatch(l -> l.matches("iris/1[0-9]{3}"));
    assertThat(labels).contains("iris/1", "iris/_unknown");
    assertThat(labels).anyMatch(l -> l.startsWith("_unknown/"));
    assertThat(labels.size()).isLessThanOrEqualTo(6);

    gw.registry.publishDeleted("iris");
    Await.until(
        "iris's series removed",
        Duration.ofSeconds(20),
        () -> requestModelLabels().stream().noneMatch(l -> l.startsWith("iris/")));

    // Made again under the same name, its requests are counted in the registry again (the timer
    // the gateway kept for iris/1 went with the deleted model's series).
    gw.registry.publish(FakeRegistry.IRIS);
    Await.until(
        "iris/1 counted again",
        Duration.ofSeconds(20),
        () -> {
          try {
            gw.post("/v1/models/iris/versions/1:predict", "{\"instances\": [[1, 2, 3, 4]]}");
          } catch (Exception e) {
            return false;
          }
          return requestModelLabels().contains("iris/1");
        });
  }
}

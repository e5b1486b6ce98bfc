package io.canopy.serving;

import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real wiring ({@link ServingServer#start}) on Netty, port 0, against a fake registry over
 * loopback.
 */
@ProcessSuite
class MainTest {

  private static final String MODEL = "breast-cancer";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;

  @Test
  void start_servesPredictionsAndReportsReadinessOnBothHealthEndpoints() throws Exception {
    FakeRegistry registry = new FakeRegistry();
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.setAlias(MODEL, "production", 1);
    CountDownLatch download = registry.holdDownloads(MODEL, 1);
    GrpcServer registryServer =
        cleanup.register(
            new GrpcServer(
                    GrpcTransports.server(
                        "127.0.0.1", 0, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
                    List.of(registry),
                    List.of())
                .start());
    ServingConfig config =
        ServingConfig.create(
            ServingHarness.config(
                cacheDir, Map.of("serving.registry.target", "127.0.0.1:" + registryServer.port())));

    ServingServer server = cleanup.register(ServingServer.start(config));

    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel(
                "127.0.0.1:" + server.grpcPort(),
                GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest healthRequest =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminPort() + "/observe/health"))
            .build();
    Await.until("v1 is downloading", () -> registry.downloads() == 1);
    assertThat(http.send(healthRequest, HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(503);

    download.countDown();
    var health = HealthGrpc.newBlockingStub(channel);
    Await.until(
        "gRPC health is SERVING",
        () ->
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == ServingStatus.SERVING);
    assertThat(http.send(healthRequest, HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(200);

    PredictResponse response =
        InferenceServiceGrpc.newBlockingStub(channel)
            .predict(ServingHarness.breastCancerRequest(MODEL).build());
    assertThat(response.getVersion()).isEqualTo(1);
    ServingServiceTest.assertMatchesFixture(response.getValuesList());
    assertThat(server.grpcPort()).isPositive();

    // The feature store is on the same server; its lookups and the Predict show in the metrics.
    var features = FeatureStoreServiceGrpc.newBlockingStub(channel);
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder()
            .setFeatureView(
                FeatureView.newBuilder()
                    .setName("patients")
                    .setEntity("patient_id")
                    .addFeatures(
                        Feature.newBuilder().setName("f0").setType(ValueType.VALUE_TYPE_FLOAT)))
            .build());
    features.getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder()
            .setFeatureView("patients")
            .addEntityKeys("nobody")
            .build());
    GrpcAssertions.assertCode(
        () ->
            InferenceServiceGrpc.newBlockingStub(channel)
                .predict(ServingHarness.breastCancerRequest("no-such-model").build()),
        io.grpc.Status.Code.NOT_FOUND);
    // Thousands of made-up names, unknown versions and malformed names add no series (item 2).
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < 1000; i++) {
      String name = "made-up-" + i;
      long version = 100 + i;
      String hostile = "bad name " + i;
      GrpcAssertions.assertCode(
          () -> stub.predict(ServingHarness.breastCancerRequest(name).build()),
          io.grpc.Status.Code.NOT_FOUND);
      GrpcAssertions.assertCode(
          () -> stub.predict(ServingHarness.breastCancerRequest(MODEL).setVersion(version).build()),
          io.grpc.Status.Code.NOT_FOUND);
      try {
        stub.predict(ServingHarness.breastCancerRequest(hostile).build());
      } catch (io.grpc.StatusRuntimeException expected) {
        // INVALID_ARGUMENT or NOT_FOUND: either way no series of its own
      }
    }
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/observe/metrics"))
                    .header("Accept", "text/plain")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .containsPattern("canopy_serving_requests_total\\{[^}]*model=\"breast-cancer\"[^}]*\\} 1")
        .containsPattern("canopy_serving_compute_seconds_count\\{[^}]*version=\"1\"")
        .containsPattern("canopy_serving_feature_misses_total\\{[^}]*view=\"patients\"[^}]*\\} 1")
        .containsPattern("canopy_serving_loaded_versions\\{[^}]*service=\"serving\"[^}]*\\} 1")
        .containsPattern("canopy_serving_version_events_total\\{[^}]*event=\"loaded\"")
        // A client's made-up model name or version number does not become a tag.
        .containsPattern(
            "canopy_serving_errors_total\\{[^}]*code=\"NOT_FOUND\"[^}]*model=\"_unknown\"")
        .doesNotContain("no-such-model")
        .doesNotContain("made-up-")
        .doesNotContain("bad name")
        .doesNotContainPattern("version=\"1[0-9]{2,3}\"");

    server.close();
    server.close(); // idempotent
  }
}

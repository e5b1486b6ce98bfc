package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.cli.registry.ModelUploader;
import io.canopy.cli.up.Suite;
import io.canopy.common.digest.Sha256;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: registry, serving and gateway started by the real wiring on port
 * 0 in this JVM; the Python-trained fixture model uploaded, validated in a child process, loaded by
 * serving and predicted through the gateway's HTTP and gRPC fronts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ProcessSuite
class EndToEndTest {

  private static final String MODEL = "breast-cancer";
  private static final int FEATURES = 30;

  @TempDir static Path dataDir;
  private static Suite suite;
  private static ManagedChannel registryChannel;
  private static ManagedChannel gatewayChannel;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startSuite() {
    suite = TestSuites.start(dataDir);
    registryChannel = TestSuites.channel(suite.registry().grpcPort());
    gatewayChannel = TestSuites.channel(suite.gateway().grpcPort());
  }

  @AfterAll
  static void stopSuite() {
    if (registryChannel != null) {
      registryChannel.shutdownNow();
      gatewayChannel.shutdownNow();
    }
    if (suite != null) {
      suite.close();
    }
  }

  private static ModelVersion upload(byte[] bytes) throws Exception {
    return new ModelUploader(registryChannel)
        .upload(
            UploadVersionHeader.newBuilder().setModel(MODEL).setCreateModel(true).build(),
            new ByteArrayInputStream(bytes),
            120,
            sent -> {});
  }

  @Test
  @Order(1)
  void uploadedModel_isValidatedThenServedThroughHttpAndGrpc() throws Exception {
    byte[] model = Fixtures.bytes("breast_cancer_binary.ubj");
    ModelVersion version = upload(model);
    assertThat(version.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(version.getNumFeatures()).isEqualTo(FEATURES);
    assertThat(version.getSha256()).isEqualTo(Sha256.hex(model));
    ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(MODEL)
                .setAlias("production")
                .setVersion(version.getVersion())
                .build());
    TestSuites.awaitAvailable(gatewayChannel, MODEL, version.getVersion(), Duration.ofSeconds(60));

    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    double[] expected = Fixtures.column("breast_cancer_expected_probability.csv");

    PredictResponse grpc =
        InferenceServiceGrpc.newBlockingStub(gatewayChannel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setModel(MODEL)
                    .setDense(
                        DenseRows.newBuilder().setNumFeatures(FEATURES).addAllValues(boxed(rows)))
                    .build());
    assertThat(grpc.getVersion()).isEqualTo(version.getVersion());
    assertThat(grpc.getSha256()).isEqualTo(version.getSha256());
    assertThat(grpc.getValuesCount()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) grpc.getValues(i))
          .isCloseTo(expected[i], within(1e-6 * Math.max(1, expected[i])));
    }

    JsonNode http = postJson("/v1/models/" + MODEL + ":predict", instancesJson(rows), 200);
    assertThat(http.get("model").asText()).isEqualTo(MODEL);
    assertThat(http.get("version").asLong()).isEqualTo(version.getVersion());
    assertThat(http.get("sha256").asText()).isEqualTo(version.getSha256());
    JsonNode predictions = http.get("predictions");
    assertThat(predictions.size()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(predictions.get(i).asDouble())
          .isCloseTo(expected[i], within(1e-6 * Math.max(1, expected[i])));
    }
  }

  @Test
  @Order(2)
  void corruptUpload_failsWithAReason_andEverythingKeepsServing() throws Exception {
    ModelVersion corrupt = upload(Fixtures.bytes("corrupt_truncated.ubj"));
    assertThat(corrupt.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(corrupt.getFailureReason()).isNotBlank();

    assertThat(
            ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList())
        .extracting(m -> m.getName())
        .contains(MODEL);
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    float[] first = new float[FEATURES];
    System.arraycopy(rows, 0, first, 0, FEATURES);
    JsonNode http = postJson("/v1/models/" + MODEL + ":predict", instancesJson(first), 200);
    assertThat(http.get("predictions").get(0).asDouble())
        .isCloseTo(Fixtures.column("breast_cancer_expected_probability.csv")[0], within(1e-6));
  }

  @Test
  @Order(3)
  void badRequests_getTheRightCodes() throws Exception {
    JsonNode unknown =
        postJson("/v1/models/no-such-model:predict", "{\"instances\": [[1, 2]]}", 404);
    assertThat(unknown.get("error").asText()).isNotBlank();
    postJson("/v1/models/" + MODEL + ":predict", "{\"instances\": [[1, 2, 3]]}", 400);
    try {
      InferenceServiceGrpc.newBlockingStub(gatewayChannel)
          .predict(
              PredictRequest.newBuilder()
                  .setModel(MODEL)
                  .setDense(
                      DenseRows.newBuilder().setNumFeatures(3).addAllValues(List.of(1f, 2f, 3f)))
                  .build());
      throw new AssertionError("wrong feature count was accepted");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  @Order(4)
  void adminPorts_reportHealthy() throws Exception {
    for (int port :
        List.of(
            suite.registry().adminPort(),
            suite.serving().adminPort(),
            suite.gateway().httpPort())) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("health on port %d", port).isIn(200, 204);
    }
  }

  private JsonNode postJson(String path, String body, int expectedStatus) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + suite.gateway().httpPort() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }

  /** {"instances": [[...], ...]} with null for NaN (JSON has no NaN). */
  private static String instancesJson(float[] rowMajor) {
    StringBuilder json = new StringBuilder("{\"instances\": [");
    for (int r = 0; r < rowMajor.length / FEATURES; r++) {
      json.append(r == 0 ? "[" : ", [");
      for (int c = 0; c < FEATURES; c++) {
        float v = rowMajor[r * FEATURES + c];
        json.append(c == 0 ? "" : ", ").append(Float.isNaN(v) ? "null" : Float.toString(v));
      }
      json.append(']');
    }
    return json.append("]}").toString();
  }

  private static List<Float> boxed(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return list;
  }
}

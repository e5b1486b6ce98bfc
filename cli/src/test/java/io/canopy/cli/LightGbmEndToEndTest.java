package io.canopy.cli;

import static io.canopy.cli.CliRun.canopy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.lightgbm.NativeBooster;
import io.canopy.lightgbm.Trained;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LightGBM model as a user ships one: trained by LightGBM, registered with {@code canopy
 * register}, validated in the registry's child, loaded by serving, and answering through the
 * gateway's HTTP API with LightGBM's own outputs.
 */
@ProcessSuite
class LightGbmEndToEndTest {

  @TempDir static Path dir;
  private static Suite suite;
  private static String registry;

  @BeforeAll
  static void start() {
    suite = TestSuites.start(dir);
    registry = "127.0.0.1:" + suite.registry().grpcPort();
  }

  @AfterAll
  static void stop() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void register_lightGbmMulticlass_predictsLightGbmsOutputsThroughTheGateway() throws Exception {
    try (Trained trained =
        Trained.train("multiclass3", "objective=multiclass num_class=3 num_leaves=7", 800, 10, 4)) {
      Path model = Files.writeString(dir.resolve("model.txt"), trained.text);

      CliRun wrongFormat =
          canopy("register", "lgbm", model.toString(), "--format", "ubj", "--registry", registry);
      CliRun registered =
          canopy(
              "register",
              "lgbm",
              model.toString(),
              "--format",
              "lightgbm",
              "--alias",
              "production",
              "--registry",
              registry);

      assertThat(wrongFormat.exit()).isNotZero();
      assertThat(wrongFormat.err()).contains("header.format");
      assertThat(registered.exit()).as(registered.err()).isZero();
      assertThat(registered.out()).contains("lgbm version 1 READY").contains("6 features");
      assertThat(canopy("versions", "lgbm", "--registry", registry).out()).contains("multiclass");
      assertThat(canopy("versions", "lgbm", "--json", "--registry", registry).out())
          .contains("LIGHTGBM");

      int rows = 5;
      float[] x = Trained.rows(rows, trained.features, new Random(11));
      StringBuilder body = new StringBuilder("{\"instances\": [");
      for (int r = 0; r < rows; r++) {
        body.append(r == 0 ? "[" : ", [");
        for (int f = 0; f < trained.features; f++) {
          float v = x[r * trained.features + f];
          body.append(f == 0 ? "" : ", ").append(Float.isNaN(v) ? "null" : Float.toString(v));
        }
        body.append(']');
      }
      body.append("]}");
      awaitLoaded("lgbm");
      HttpResponse<String> response = predict(body.toString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode predictions = new ObjectMapper().readTree(response.body()).get("predictions");
      double[] expected = trained.predict(x, rows, NativeBooster.NORMAL);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < 3; c++) {
          assertThat((float) predictions.get(r).get(c).asDouble())
              .as("row %d class %d", r, c)
              .isEqualTo((float) expected[r * 3 + c]);
        }
      }
    }
  }

  @Test
  void register_lightGbmWithCategoricalFeatures_servedOnTheVerifiedWalk() throws Exception {
    try (Trained trained =
        Trained.train(
            "binary", "objective=binary num_leaves=15 categorical_feature=2,3", 1500, 20, 6)) {
      Path model = Files.writeString(dir.resolve("categorical.txt"), trained.text);
      CliRun registered =
          canopy(
              "register",
              "lgbm-cat",
              model.toString(),
              "--alias",
              "production",
              "--registry",
              registry);
      assertThat(registered.exit()).as(registered.err()).isZero();
      assertThat(registered.out()).contains("lgbm-cat version 1 READY");

      // Category codes as a client sends them, with a missing one and one never seen in training.
      float[][] rows = {
        {0.3f, 1.5f, 4f, 10f, 2f, 0.5f},
        {Float.NaN, -2f, 11f, 35f, -1f, 0.1f},
        {1f, 0f, 7f, Float.NaN, 0f, 0.9f},
        {-0.7f, 0.2f, 250f, 999f, 4.5f, 0.3f}
      };
      StringBuilder body = new StringBuilder("{\"instances\": [");
      float[] flat = new float[rows.length * trained.features];
      for (int r = 0; r < rows.length; r++) {
        body.append(r == 0 ? "[" : ", [");
        for (int f = 0; f < trained.features; f++) {
          float v = rows[r][f];
          flat[r * trained.features + f] = v;
          body.append(f == 0 ? "" : ", ").append(Float.isNaN(v) ? "null" : Float.toString(v));
        }
        body.append(']');
      }
      body.append("]}");
      assertThat(awaitLoaded("lgbm-cat").getEngine())
          .isEqualTo(io.canopy.proto.inference.v1.PredictionEngine.PREDICTION_ENGINE_FLAT);
      HttpResponse<String> response = predict("lgbm-cat", body.toString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode predictions = new ObjectMapper().readTree(response.body()).get("predictions");
      double[] expected = trained.predict(flat, rows.length, NativeBooster.NORMAL);
      for (int r = 0; r < rows.length; r++) {
        assertThat((float) predictions.get(r).asDouble())
            .as("row %d", r)
            .isEqualTo((float) expected[r]);
      }
    }
  }

  /** Waits until serving has loaded the model's version 1, and returns its status. */
  private static io.canopy.proto.inference.v1.ModelVersionStatus awaitLoaded(String model) {
    io.grpc.ManagedChannel serving = TestSuites.channel(suite.serving().grpcPort());
    try {
      var stub = io.canopy.proto.inference.v1.InferenceServiceGrpc.newBlockingStub(serving);
      java.util.function.Supplier<io.canopy.proto.inference.v1.ModelVersionStatus> status =
          () ->
              stub.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                  .getModelStatus(
                      io.canopy.proto.inference.v1.GetModelStatusRequest.newBuilder()
                          .setModel(model)
                          .build())
                  .getVersions(0);
      io.canopy.common.testing.Await.until(
          model + " v1 loaded",
          java.time.Duration.ofSeconds(60),
          () ->
              status.get().getState()
                  == io.canopy.proto.inference.v1.LoadState.LOAD_STATE_AVAILABLE);
      return status.get();
    } finally {
      serving.shutdownNow();
    }
  }

  private static HttpResponse<String> predict(String body) throws Exception {
    return predict("lgbm", body);
  }

  private static HttpResponse<String> predict(String model, String body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + suite.gateway().httpPort()
                          + "/v1/models/"
                          + model
                          + ":predict"))
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}

package io.canopy.gateway;

import static io.canopy.gateway.RunningGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.grpc.Status;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP/JSON front end to end: real wiring on port 0, fake serving and registry behind it. */
class GatewayHttpTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw =
        cleanup.register(
            new RunningGateway(
                Map.of("gateway.http.max-body-bytes", "2048", "gateway.max-rows", "5")));
  }

  @Test
  void predict_arrayRows_reachServingAsDenseMatrixAndReturnItsValues() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/models/iris:predict",
            """
            {"instances": [[1, 2.5, null], [4, 5, 6]], "output": "margin", "request_id": "r-1"}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    PredictRequest seen = gw.serving.predictSeen.get();
    assertThat(seen.getModel()).isEqualTo("iris");
    assertThat(seen.getVersionSelectorCase())
        .isEqualTo(PredictRequest.VersionSelectorCase.VERSIONSELECTOR_NOT_SET);
    assertThat(seen.getDense().getNumFeatures()).isEqualTo(3);
    assertThat(seen.getDense().getValuesList()).containsExactly(1f, 2.5f, Float.NaN, 4f, 5f, 6f);
    assertThat(seen.getOutput()).isEqualTo(OutputKind.OUTPUT_KIND_MARGIN);
    assertThat(seen.getRequestId()).isEqualTo("r-1");

    JsonNode body = json(response);
    assertThat(body.get("model").asText()).isEqualTo("iris");
    assertThat(body.get("version").asLong()).isEqualTo(7);
    assertThat(body.get("sha256").asText()).isEqualTo(FakeServing.SHA256);
    assertThat(body.get("output").asText()).isEqualTo("margin");
    assertThat(body.get("predictions").toString()).isEqualTo("[0.5,1.5]");
    assertThat(response.headers().firstValue("x-request-id")).contains("r-1");
  }

  @Test
  void predict_namedRows_reachServingAsNamedFeatures() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/models/iris:predict",
            """
            {"instances": [{"f0": 1.0, "f1": null}, {"f1": 2}]}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    PredictRequest seen = gw.serving.predictSeen.get();
    assertThat(seen.getNamed().getRowsList())
        .extracting(NamedRow::getFeaturesMap)
        .containsExactly(Map.of("f0", 1.0f), Map.of("f1", 2.0f));
    assertThat(json(response).get("predictions").toString()).isEqualTo("[0.5,1.5]");
  }

  @Test
  void predict_entityRows_reachServingAsEntityKeys() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris:predict", "{\"instances\": [{\"entity\": \"user-1\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(gw.serving.predictSeen.get().getEntities().getKeysList()).containsExactly("user-1");
  }

  @Test
  void predict_versionPath_selectsThatVersion() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris/versions/3:predict", "{\"instances\": [[1, 2]]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(3);
    assertThat(json(response).get("version").asLong()).isEqualTo(3);
  }

  @Test
  void predict_labelsPath_selectsThatAlias() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris/labels/canary:predict", "{\"instances\": [[1, 2]]}");

    assertThat(response.statusCode()).isEqualTo(200);
    PredictRequest seen = gw.serving.predictSeen.get();
    assertThat(seen.getVersionSelectorCase()).isEqualTo(PredictRequest.VersionSelectorCase.ALIAS);
    assertThat(seen.getAlias()).isEqualTo("canary");
  }

  @Test
  void predict_twoDimensionalOutput_isNestedPerRow() throws Exception {
    gw.serving.onPredict =
        r ->
            PredictResponse.newBuilder()
                .setModel("iris")
                .setVersion(1)
                .setOutput(OutputKind.OUTPUT_KIND_VALUE)
                .addShape(2)
                .addShape(3)
                .addAllValues(List.of(0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f))
                .build();

    HttpResponse<String> response =
        gw.post("/v1/models/iris:predict", "{\"instances\": [[1, 2], [3, 4]]}");

    assertThat(json(response).get("predictions").toString())
        .isEqualTo("[[0.1,0.2,0.7],[0.6,0.3,0.1]]");
    assertThat(json(response).get("output").asText()).isEqualTo("value");
  }

  @Test
  void predict_requestIdHeader_isForwardedAndEchoed() throws Exception {
    HttpResponse<String> response = predictOneRow("x-request-id", "hdr-9");

    assertThat(gw.serving.predictSeen.get().getRequestId()).isEqualTo("hdr-9");
    assertThat(response.headers().firstValue("x-request-id")).contains("hdr-9");
  }

  @Test
  void predict_withoutRequestId_getsOneInTheHeaderAndTheBody() throws Exception {
    HttpResponse<String> response = predictOneRow("x-canopy-test", "none");

    String sent = gw.serving.predictSeen.get().getRequestId();
    assertThat(sent).matches("[0-9a-f]{32}");
    assertThat(response.headers().firstValue("x-request-id")).contains(sent);
    assertThat(json(response).get("request_id").asText()).isEqualTo(sent);
  }

  @Test
  void predict_requestIdWithSpaces_is400NamingTheHeader() throws Exception {
    HttpResponse<String> response = predictOneRow("x-request-id", "not ok");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("x-request-id");
  }

  /** POST one row to iris's :predict with one extra header. */
  private HttpResponse<String> predictOneRow(String header, String value) throws Exception {
    return gw.send(
        HttpRequest.newBuilder(gw.uri("/v1/models/iris:predict"))
            .header(header, value)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1]]}")));
  }

  @Test
  void predict_upstreamNotFound_is404WithError() throws Exception {
    gw.serving.onPredict =
        r -> {
          throw Status.NOT_FOUND.withDescription("no model nope").asRuntimeException();
        };

    HttpResponse<String> response = gw.post("/v1/models/nope:predict", "{\"instances\": [[1]]}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").asText()).isNotBlank();
  }

  @Test
  void predict_upstreamInvalidArgument_is400WithError() throws Exception {
    gw.serving.onPredict =
        r -> {
          throw ErrorMapping.toStatusException(
              new CanopyException.InvalidArgument("dense.num_features", "model expects 4"));
        };

    HttpResponse<String> response = gw.post("/v1/models/iris:predict", "{\"instances\": [[1]]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).contains("dense.num_features");
  }

  @Test
  void predict_upstreamUnavailable_is503() throws Exception {
    gw.serving.onPredict =
        r -> {
          throw Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException();
        };

    HttpResponse<String> response = gw.post("/v1/models/iris:predict", "{\"instances\": [[1]]}");

    assertThat(response.statusCode()).isEqualTo(503);
  }

  @Test
  void predict_malformedJson_is400AndNeverReachesServing() throws Exception {
    HttpResponse<String> response = gw.post("/v1/models/iris:predict", "{\"instances\": [[1, 2]");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).startsWith("body:");
    assertThat(gw.serving.predictSeen.get()).isNull();
  }

  @Test
  void predict_rowsOfDifferentWidths_is400NamingTheRow() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris:predict", "{\"instances\": [[1, 2], [3]]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asText()).startsWith("instances[1]");
  }

  @Test
  void predict_invalidModelName_is400() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/bad:name:predict", "{\"instances\": [[1]]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(gw.serving.predictSeen.get()).isNull();
  }

  @Test
  void predict_bodyOverLimit_is413() throws Exception {
    String row = "[" + "1.0,".repeat(600) + "1.0]";

    HttpResponse<String> response =
        gw.post("/v1/models/iris:predict", "{\"instances\": [" + row + "]}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response).get("error").asText()).isNotBlank();
    assertThat(gw.serving.predictSeen.get()).isNull();
  }

  @Test
  void predict_moreRowsThanAllowed_is413() throws Exception {
    HttpResponse<String> response =
        gw.post("/v1/models/iris:predict", "{\"instances\": [[1],[2],[3],[4],[5],[6]]}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(gw.serving.predictSeen.get()).isNull();
  }

  @Test
  void unknownRoute_is404Json() throws Exception {
    HttpResponse<String> response = gw.get("/v1/nothing/here");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").asText()).isNotBlank();
  }

  @Test
  void kserveInfer_light_goesAsAPredict_andComesBackAsKServe() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v2/models/iris/versions/2/infer",
            """
            {"id": "q-1", "inputs": [{"name": "input-0", "shape": [2, 2], "datatype": "FP32",
              "data": [[1, 2], [3, null]]}]}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    PredictRequest seen = gw.serving.predictSeen.get();
    assertThat(seen.getModel()).isEqualTo("iris");
    assertThat(seen.getVersion()).isEqualTo(2);
    assertThat(seen.getRequestId()).isEqualTo("q-1");
    assertThat(seen.getDense().getNumFeatures()).isEqualTo(2);
    assertThat(seen.getDense().getValuesList()).containsExactly(1f, 2f, 3f, Float.NaN);
    assertThat(gw.serving.inferSeen.get()).isNull();

    JsonNode body = json(response);
    assertThat(body.get("model_name").asText()).isEqualTo("iris");
    assertThat(body.get("model_version").asText()).isEqualTo("2");
    assertThat(body.get("id").asText()).isEqualTo("q-1");
    assertThat(response.headers().firstValue("x-request-id")).hasValue("q-1");
    JsonNode output = body.get("outputs").get(0);
    assertThat(output.get("name").asText()).isEqualTo("output-0");
    assertThat(output.get("datatype").asText()).isEqualTo("FP32");
    assertThat(output.get("shape").toString()).isEqualTo("[2]");
    assertThat(output.get("data").toString()).isEqualTo("[0.5,1.5]");
  }

  @Test
  void kserveInfer_withParameters_translatesToModelInferAndBack() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v2/models/iris/versions/2/infer",
            """
            {"id": "q-1", "parameters": {"priority": 1},
              "inputs": [{"name": "input-0", "shape": [2, 2], "datatype": "FP32",
              "data": [[1, 2], [3, null]]}]}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    ModelInferRequest seen = gw.serving.inferSeen.get();
    assertThat(seen.getModelName()).isEqualTo("iris");
    assertThat(seen.getModelVersion()).isEqualTo("2");
    assertThat(seen.getId()).isEqualTo("q-1");
    assertThat(seen.getInputs(0).getShapeList()).containsExactly(2L, 2L);
    assertThat(seen.getInputs(0).getContents().getFp32ContentsList())
        .containsExactly(1f, 2f, 3f, Float.NaN);

    JsonNode body = json(response);
    assertThat(body.get("model_name").asText()).isEqualTo("iris");
    assertThat(body.get("model_version").asText()).isEqualTo("2");
    assertThat(body.get("id").asText()).isEqualTo("q-1");
    JsonNode output = body.get("outputs").get(0);
    assertThat(output.get("datatype").asText()).isEqualTo("FP32");
    assertThat(output.get("shape").toString()).isEqualTo("[4]");
    assertThat(output.get("data").toString()).isEqualTo("[2.0,4.0,6.0,null]");
  }

  @Test
  void kserveInfer_shapeAndDataDisagree_is400() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v2/models/iris/infer",
            """
            {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3]}]}
            """);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(gw.serving.inferSeen.get()).isNull();
  }

  @Test
  void kserveHealthAndMetadata_translateToTheirRpcs() throws Exception {
    assertThat(gw.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(json(gw.get("/v2/health/live")).get("live").asBoolean()).isTrue();
    assertThat(gw.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(gw.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);

    gw.serving.ready = false;
    assertThat(gw.get("/v2/health/ready").statusCode()).isEqualTo(503);
    HttpResponse<String> modelReady = gw.get("/v2/models/iris/versions/2/ready");
    assertThat(modelReady.statusCode()).isEqualTo(503);
    assertThat(json(modelReady).get("ready").asBoolean()).isFalse();

    JsonNode metadata = json(gw.get("/v2/models/iris/versions/2"));
    assertThat(metadata.get("name").asText()).isEqualTo("iris");
    assertThat(metadata.get("versions").toString()).isEqualTo("[\"2\"]");
    assertThat(metadata.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,4]");
    assertThat(json(gw.get("/v2")).get("name").asText()).isEqualTo("fake-serving");
  }

  @Test
  void registryReads_listAndGetModelWithVersionsAndPolicy() throws Exception {
    HttpResponse<String> list = gw.get("/v1/models?page_size=10");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).get("models").get(0).get("name").asText()).isEqualTo("iris");
    assertThat(gw.registry.listSeen.get().getPageSize()).isEqualTo(10);

    HttpResponse<String> get = gw.get("/v1/models/iris");
    assertThat(get.statusCode()).isEqualTo(200);
    JsonNode model = json(get);
    assertThat(model.get("aliases").get("canary").asLong()).isEqualTo(2);
    assertThat(model.get("traffic_policy").get("splits").get(0).get("alias").asText())
        .isEqualTo("production");
    assertThat(model.get("traffic_policy").get("sticky").asBoolean()).isTrue();
    assertThat(model.get("create_time").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(model.get("versions").findValuesAsText("version")).containsExactly("2", "1");
    assertThat(model.get("versions").get(0).get("state").asText()).isEqualTo("READY");

    assertThat(gw.get("/v1/models/unknown").statusCode()).isEqualTo(404);
    assertThat(gw.get("/v1/models?page_size=lots").statusCode()).isEqualTo(400);
  }

  @Test
  void observeHealth_isUpOnTheHttpPort() throws Exception {
    HttpResponse<String> health = gw.get("/observe/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(gw.get("/observe/metrics").statusCode()).isEqualTo(200);
  }
}

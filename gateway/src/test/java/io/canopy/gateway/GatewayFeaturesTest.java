package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.features.v1.FeatureColumn;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ValueType;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FeatureStore through the gateway: gRPC forwarded, HTTP views, :get and :write. */
class GatewayFeaturesTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of()));
  }

  /** The feature store through the gateway's gRPC front, 10 s a call. */
  private FeatureStoreServiceGrpc.FeatureStoreServiceBlockingStub features() {
    return FeatureStoreServiceGrpc.newBlockingStub(
            cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcGetOnlineFeatures_isForwarded() {
    GetOnlineFeaturesResponse r =
        features()
            .getOnlineFeatures(
                GetOnlineFeaturesRequest.newBuilder()
                    .setFeatureView("users")
                    .addEntityKeys("u1")
                    .addEntityKeys("u2")
                    .build());
    assertThat(r.getRowsList()).extracting(row -> row.getEntityKey()).containsExactly("u1", "u2");
  }

  @Test
  void grpcGetOnlineFeatures_columns_relayedAsServingAnswers() {
    GetOnlineFeaturesResponse r =
        features()
            .getOnlineFeatures(
                GetOnlineFeaturesRequest.newBuilder()
                    .setFeatureView("users")
                    .addEntityKeys("u1")
                    .addEntityKeys("missing-1")
                    .setLayout(FeatureLayout.FEATURE_LAYOUT_COLUMNS)
                    .build());

    assertThat(r.getRowsCount()).isZero();
    assertThat(r.getEntityKeysList()).containsExactly("u1", "missing-1");
    FeatureColumn age = r.getColumns(0);
    assertThat(age.getType()).isEqualTo(ValueType.VALUE_TYPE_INT64);
    assertThat(age.getInt64ValuesList()).containsExactly(42L, 0L);
    assertThat(age.getStatusesList())
        .containsExactly(
            FeatureStatus.FEATURE_STATUS_PRESENT, FeatureStatus.FEATURE_STATUS_NOT_FOUND);
    assertThat(age.getEventTimeNanosList())
        .containsExactly(FakeFeatureStore.EVENT_TIME.getSeconds() * 1_000_000_000L, 0L);
  }

  @Test
  void httpGet_formatColumns_answersPerFeature() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/features/users:get",
            "{\"entities\": [\"u1\", \"missing-1\", \"u1\"], \"format\": \"columns\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = RunningGateway.json(response);
    assertThat(body.has("rows")).isFalse();
    assertThat(body.get("entities").toString()).isEqualTo("[\"u1\",\"missing-1\",\"u1\"]");
    JsonNode age = body.get("columns").get(0);
    assertThat(age.get("name").asText()).isEqualTo("age");
    assertThat(age.get("type").asText()).isEqualTo("int64");
    assertThat(age.get("values").toString()).isEqualTo("[42,null,42]");
    assertThat(age.get("statuses").toString()).isEqualTo("[\"present\",\"not_found\",\"present\"]");
    assertThat(age.get("event_times").toString())
        .isEqualTo("[\"2023-11-14T22:13:20Z\",null,\"2023-11-14T22:13:20Z\"]");
  }

  @Test
  void httpGet_formatRowsOrAbsent_answersPerEntity_unknownFormatIs400() throws Exception {
    JsonNode rows =
        RunningGateway.json(
            gw.post("/v1/features/users:get", "{\"entities\": [\"u1\"], \"format\": \"rows\"}"));
    assertThat(rows.get("rows").get(0).get("entity").asText()).isEqualTo("u1");

    HttpResponse<String> bad =
        gw.post("/v1/features/users:get", "{\"entities\": [\"u1\"], \"format\": \"arrow\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("format");
  }

  @Test
  void httpGet_returnsValuesAndStatusesPerEntity() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/features/users:get", "{\"entities\": [\"u1\", \"u2\"], \"features\": [\"age\"]}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = RunningGateway.json(response);
    assertThat(body.get("rows").get(1).get("entity").asText()).isEqualTo("u2");
    assertThat(body.get("rows").get(1).get("values").get(0).asLong()).isEqualTo(42);
    assertThat(body.get("rows").get(1).get("statuses").get(0).asText()).isEqualTo("present");
  }

  @Test
  void httpGet_eventTimesPerValue_nullWhereNothingIsStored() throws Exception {
    JsonNode body =
        RunningGateway.json(
            gw.post("/v1/features/users:get", "{\"entities\": [\"u1\", \"missing-1\"]}"));

    assertThat(body.get("rows").get(0).get("event_times").toString())
        .isEqualTo("[\"2023-11-14T22:13:20Z\"]");
    assertThat(body.get("rows").get(1).get("statuses").get(0).asText()).isEqualTo("not_found");
    assertThat(body.get("rows").get(1).get("event_times").toString()).isEqualTo("[null]");
  }

  @Test
  void httpListViews_namesTypesAndTtl_pagedLikeTheRpc() throws Exception {
    HttpResponse<String> response = gw.get("/v1/features?page_size=2&page_token=abc");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = RunningGateway.json(response);
    JsonNode users = body.get("views").get(0);
    assertThat(users.get("name").asText()).isEqualTo("users");
    assertThat(users.get("entity").asText()).isEqualTo("user_id");
    assertThat(users.get("features").toString())
        .isEqualTo(
            "[{\"name\":\"age\",\"type\":\"int64\"},{\"name\":\"score\",\"type\":\"float\"}]");
    assertThat(users.get("ttl_seconds").asLong()).isEqualTo(3600);
    assertThat(users.get("create_time").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(body.get("views").get(1).get("ttl_seconds").isNull()).isTrue();
    assertThat(body.get("views").get(1).get("features").get(0).get("type").asText())
        .isEqualTo("string");
    assertThat(body.get("next_page_token").asText()).isEqualTo("next");
    assertThat(gw.serving.features.listSeen.get().getPageSize()).isEqualTo(2);
    assertThat(gw.serving.features.listSeen.get().getPageToken()).isEqualTo("abc");
    assertThat(gw.get("/v1/features?page_size=-1").statusCode()).isEqualTo(400);
  }

  @Test
  void httpWrite_typesValuesPerTheViewSchema() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/features/users:write",
            "{\"rows\": [{\"entity\": \"u1\", \"values\": {\"age\": 30, \"score\": 0.5},"
                + " \"event_time\": \"2026-01-02T03:04:05Z\"}]}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(RunningGateway.json(response).get("rows_written").asLong()).isEqualTo(1);
    var row = gw.serving.features.written.peek().getRows(0);
    assertThat(row.getValuesMap().get("age").getInt64Value()).isEqualTo(30);
    assertThat(row.getValuesMap().get("score").getFloatValue()).isEqualTo(0.5f);
    assertThat(row.getEventTime().getSeconds()).isEqualTo(1767323045L);
  }

  @Test
  void httpWrite_wrongType_is400WithoutWriting() throws Exception {
    HttpResponse<String> response =
        gw.post(
            "/v1/features/users:write",
            "{\"rows\": [{\"entity\": \"u1\", \"values\": {\"age\": \"old\"}}]}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(gw.serving.features.written).isEmpty();
  }

  /**
   * JSON lets a lone UTF-16 surrogate through as an escape; encoded for protobuf or a store key it
   * would become '?', so "c-\\ud800" and "c-\\udbff" would read and write the same entity.
   */
  @Test
  void loneSurrogateInAnEntityKey_is400NamingTheField_andNothingIsForwarded() throws Exception {
    String lone = "c-\\ud800";
    HttpResponse<String> get =
        gw.post("/v1/features/users:get", "{\"entities\": [\"" + lone + "\"]}");
    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(get.body()).contains("entities").contains("surrogate");

    HttpResponse<String> write =
        gw.post(
            "/v1/features/users:write",
            "{\"rows\": [{\"entity\": \"" + lone + "\", \"values\": {\"age\": 3}}]}");
    assertThat(write.statusCode()).isEqualTo(400);
    assertThat(write.body()).contains("rows[0].entity");
    assertThat(gw.serving.features.written).isEmpty();

    HttpResponse<String> predict =
        gw.post("/v1/models/iris:predict", "{\"instances\": [{\"entity\": \"" + lone + "\"}]}");
    assertThat(predict.statusCode()).isEqualTo(400);
    assertThat(predict.body()).contains("entity").contains("surrogate");

    // A well-formed pair (an emoji, U+1F600) is a valid key.
    HttpResponse<String> pair =
        gw.post("/v1/features/users:get", "{\"entities\": [\"c-\\ud83d\\ude00\"]}");
    assertThat(pair.statusCode()).isEqualTo(200);
  }
}

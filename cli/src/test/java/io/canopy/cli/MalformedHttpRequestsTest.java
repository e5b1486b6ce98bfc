package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile requests on the gateway's HTTP fronts (TF-Serving-style /v1 predict, KServe
 * v2 REST, features, registry reads), table-driven against the whole suite on loopback: each must
 * get its documented status with {@code {"error": "..."}} naming the field where there is one,
 * never a 500 or a stack trace; a good request succeeds after each batch.
 */
@ProcessSuite
class MalformedHttpRequestsTest {

  private static final String MODEL = "bc";
  private static final String VIEW = "fz_view";
  private static final int FEATURES = 30;
  private static final int MAX_BODY = 16 * 1024 * 1024;

  @TempDir static Path dir;
  private static Suite suite;
  private static ManagedChannel registryChannel;
  private static ManagedChannel gatewayChannel;
  private static HttpClient http;

  private final MalformedCases cases = new MalformedCases();

  /** Pseudo status: the server closed the connection without an answer the client could read. */
  private static final int CLOSED = 0;

  /** One request and the statuses it may get; {@code field} must lead the error, if given. */
  record Case(
      String name,
      String method,
      String path,
      String contentType,
      BodyPublisher body,
      Set<Integer> codes,
      String field) {}

  @BeforeAll
  static void start() throws Exception {
    suite = TestSuites.start(dir);
    registryChannel = TestSuites.channel(suite.registry().grpcPort());
    gatewayChannel = TestSuites.channel(suite.gateway().grpcPort());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    TestSuites.publishBreastCancer(registryChannel, gatewayChannel, MODEL);
    FeatureView.Builder view = FeatureView.newBuilder().setName(VIEW).setEntity("id");
    for (String f : List.of("a", "b")) {
      view.addFeatures(Feature.newBuilder().setName(f).setType(ValueType.VALUE_TYPE_FLOAT));
    }
    view.addFeatures(Feature.newBuilder().setName("s").setType(ValueType.VALUE_TYPE_STRING));
    FeatureStoreServiceGrpc.newBlockingStub(gatewayChannel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createFeatureView(
            CreateFeatureViewRequest.newBuilder().setFeatureView(view).setReplace(true).build());
  }

  @AfterAll
  static void stop() {
    if (registryChannel != null) {
      registryChannel.shutdownNow();
      gatewayChannel.shutdownNow();
    }
    if (http != null) {
      http.close();
    }
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void malformedHttpRequests_getTheDocumentedStatus_neverA500() throws Exception {
    run("http /v1 predict", predictCases());
    run("http /v2 kserve", kserveCases());
    run("http features", featureCases());
    run("http names in paths", nameCases());
    run("http bodies and limits", limitCases());

    System.out.printf(
        "malformed HTTP requests: %d tried, %d answered other than documented, %d server errors%n%s",
        cases.tried(), cases.wrong().size(), cases.serverErrors(), cases.summary());
    assertThat(cases.wrong()).isEmpty();
    assertThat(cases.serverErrors()).isZero();
  }

  private void run(String front, List<Case> batch) throws Exception {
    for (Case c : batch) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base() + c.path())).timeout(Duration.ofSeconds(60));
      if (c.contentType() != null) {
        request.header("content-type", c.contentType());
      }
      request.method(c.method(), c.body() == null ? BodyPublishers.noBody() : c.body());
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (!c.codes().contains(CLOSED)) {
          throw e;
        }
        cases.http(front, c.name(), CLOSED, "", c.codes(), c.field());
        continue;
      }
      cases.http(front, c.name(), response.statusCode(), response.body(), c.codes(), c.field());
    }
    // The suite keeps serving after each batch.
    HttpResponse<String> good = post("/v1/models/" + MODEL + ":predict", instances(row(1f)));
    assertThat(good.statusCode()).as(front + " then a good request: " + good.body()).isEqualTo(200);
    assertThat(good.body()).contains("\"predictions\":[");
  }

  private static List<Case> predictCases() {
    String p = "/v1/models/" + MODEL + ":predict";
    String row = row(1f);
    List<Case> c = new ArrayList<>();
    c.add(json("truncated JSON", p, "{\"instances\": [[1, 2", 400, "body"));
    c.add(json("not JSON", p, "hello", 400, "body"));
    c.add(json("empty body", p, "", 400, "body"));
    c.add(json("JSON array body", p, "[" + row + "]", 400, "body"));
    c.add(json("JSON null body", p, "null", 400, "body"));
    c.add(json("trailing garbage", p, instances(row) + "}", 400, "body"));
    c.add(json("no instances", p, "{}", 400, "instances"));
    c.add(json("unknown field", p, "{\"instances\": [" + row + "], \"rows\": 1}", 400, "rows"));
    c.add(json("instances a string", p, "{\"instances\": \"abc\"}", 400, "instances"));
    c.add(json("instances a number", p, "{\"instances\": 5}", 400, "instances"));
    c.add(json("instances null", p, "{\"instances\": null}", 400, "instances"));
    c.add(json("zero rows", p, "{\"instances\": []}", 400, "instances"));
    c.add(
        json("row of strings", p, instances(row.replace("1.0", "\"x\"")), 400, "instances[0][0]"));
    c.add(
        json("row of booleans", p, instances(row.replace("1.0", "true")), 400, "instances[0][0]"));
    c.add(
        json(
            "rows nested too deep", p, "{\"instances\": [[" + row + "]]}", 400, "instances[0][0]"));
    c.add(json("a null row", p, "{\"instances\": [null]}", 400, "instances[0]"));
    c.add(json("an empty row", p, "{\"instances\": [[]]}", 400, "instances[0]"));
    c.add(json("ragged rows", p, "{\"instances\": [" + row + ", [1, 2]]}", 400, "instances[1]"));
    c.add(
        json(
            "rows then an object",
            p,
            "{\"instances\": [" + row + ", {\"f0\": 1}]}",
            400,
            "instances[1]"));
    c.add(json("too few features", p, "{\"instances\": [[1, 2, 3]]}", 400, "dense.num_features"));
    c.add(
        json("too many features", p, instances(row(1f, FEATURES + 1)), 400, "dense.num_features"));
    c.add(json("all null (missing) cells", p, instances(row.replace("1.0", "null")), 200, null));
    c.add(
        json(
            "duplicate key",
            p,
            "{\"instances\": [" + row + "], \"instances\": [" + row + "]}",
            400,
            "body"));
    c.add(json("NaN literal", p, instances(row.replaceFirst("1\\.0", "NaN")), 400, "body"));
    c.add(
        json("Infinity literal", p, instances(row.replaceFirst("1\\.0", "Infinity")), 400, "body"));
    c.add(
        json(
            "float overflow 1e39",
            p,
            instances(row.replaceFirst("1\\.0", "1e39")),
            400,
            "dense.values"));
    c.add(
        json(
            "double overflow 1e400",
            p,
            instances(row.replaceFirst("1\\.0", "1e400")),
            400,
            "dense.values"));
    c.add(json("-1e39", p, instances(row.replaceFirst("1\\.0", "-1e39")), 400, "dense.values"));
    c.add(
        json(
            "huge integer",
            p,
            instances(row.replaceFirst("1\\.0", "1" + "0".repeat(400))),
            400,
            null));
    c.add(
        json(
            "named: unknown feature",
            p,
            "{\"instances\": [{\"nope\": 1}]}",
            400,
            "named.rows[0].features"));
    c.add(
        json(
            "named: string value",
            p,
            "{\"instances\": [{\"f0\": \"x\"}]}",
            400,
            "instances[0].f0"));
    c.add(
        json("named: 1e39", p, "{\"instances\": [{\"f0\": 1e39}]}", 400, "named.rows[0].features"));
    c.add(
        json(
            "named: nested object",
            p,
            "{\"instances\": [{\"f0\": {\"a\": 1}}]}",
            400,
            "instances[0].f0"));
    c.add(json("named: all absent", p, "{\"instances\": [{}]}", 200, null));
    c.add(
        json("entity without a binding", p, "{\"instances\": [{\"entity\": \"e1\"}]}", 400, null));
    c.add(
        json(
            "entity and named mixed",
            p,
            "{\"instances\": [{\"entity\": \"e1\"}, {\"f0\": 1}]}",
            400,
            "instances[1]"));
    c.add(
        json(
            "entity with extra key",
            p,
            "{\"instances\": [{\"entity\": \"e1\", \"f0\": 1}]}",
            400,
            "instances[0]"));
    c.add(
        json(
            "unknown output kind",
            p,
            "{\"instances\": [" + row + "], \"output\": \"bogus\"}",
            400,
            "output"));
    c.add(
        json("output a number", p, "{\"instances\": [" + row + "], \"output\": 3}", 400, "output"));
    c.add(
        json(
            "request_id an object",
            p,
            "{\"instances\": [" + row + "], \"request_id\": {}}",
            400,
            "request_id"));
    c.add(json("unknown model", "/v1/models/no-such-model:predict", instances(row), 404, null));
    c.add(
        json(
            "unknown version",
            "/v1/models/" + MODEL + "/versions/999:predict",
            instances(row),
            404,
            null));
    c.add(
        json(
            "version 0",
            "/v1/models/" + MODEL + "/versions/0:predict",
            instances(row),
            400,
            "version"));
    c.add(
        json(
            "version -1",
            "/v1/models/" + MODEL + "/versions/-1:predict",
            instances(row),
            400,
            "version"));
    c.add(
        json(
            "version not a number",
            "/v1/models/" + MODEL + "/versions/abc:predict",
            instances(row),
            400,
            "version"));
    c.add(
        json(
            "version overflows long",
            "/v1/models/" + MODEL + "/versions/99999999999999999999:predict",
            instances(row),
            400,
            "version"));
    c.add(
        json(
            "unknown alias",
            "/v1/models/" + MODEL + "/labels/nope:predict",
            instances(row),
            404,
            null));
    c.add(
        json(
            "latest alias works",
            "/v1/models/" + MODEL + "/labels/latest:predict",
            instances(row),
            200,
            null));
    c.add(
        new Case(
            "text/plain content type (a cross-site form can send it)",
            "POST",
            p,
            "text/plain",
            BodyPublishers.ofString(instances(row)),
            Set.of(415),
            "content-type"));
    c.add(
        new Case(
            "xml content type",
            "POST",
            p,
            "application/xml",
            BodyPublishers.ofString("<instances/>"),
            Set.of(415),
            "content-type"));
    c.add(
        new Case(
            "no content type",
            "POST",
            p,
            null,
            BodyPublishers.ofString(instances(row)),
            Set.of(415),
            "content-type"));
    c.add(
        new Case(
            "json with a charset",
            "POST",
            p,
            "application/json; charset=utf-8",
            BodyPublishers.ofString(instances(row)),
            Set.of(200),
            null));
    // GET /v1/models/{m} is the registry read: "bc:predict" is no model name.
    c.add(new Case("GET on predict", "GET", p, null, null, Set.of(400, 404, 405), null));
    c.add(
        new Case(
            "PUT on predict",
            "PUT",
            p,
            "application/json",
            BodyPublishers.ofString(instances(row)),
            Set.of(404, 405),
            null));
    return c;
  }

  private static List<Case> kserveCases() {
    String p = "/v2/models/" + MODEL + "/infer";
    List<Case> c = new ArrayList<>();
    String data = row(1f);
    c.add(json("valid", p, infer("[1, 30]", "FP32", data), 200, null));
    c.add(json("truncated JSON", p, "{\"inputs\": [{\"name\": ", 400, "body"));
    c.add(json("empty body", p, "", 400, "body"));
    c.add(json("no inputs", p, "{}", 400, "inputs"));
    c.add(json("empty inputs", p, "{\"inputs\": []}", 400, "inputs"));
    c.add(json("inputs not an array", p, "{\"inputs\": {}}", 400, null));
    c.add(json("unknown field", p, "{\"inputs\": [], \"bogus\": 1}", 400, "bogus"));
    c.add(
        json(
            "no name",
            p,
            "{\"inputs\": [{\"shape\": [1, 30], \"datatype\": \"FP32\", \"data\": " + data + "}]}",
            400,
            "inputs[0].name"));
    c.add(json("datatype BYTES", p, infer("[1, 30]", "BYTES", data), 400, "inputs[0].datatype"));
    c.add(json("datatype bogus", p, infer("[1, 30]", "NOPE", data), 400, "inputs[0].datatype"));
    c.add(json("shape vs data length", p, infer("[2, 30]", "FP32", data), 400, null));
    c.add(json("zero rows", p, infer("[0, 30]", "FP32", "[]"), 400, null));
    c.add(json("negative dimension", p, infer("[-1, 30]", "FP32", data), 400, "inputs[0].shape"));
    c.add(
        json(
            "dimension overflow",
            p,
            infer("[4294967296, 4294967296]", "FP32", data),
            400,
            "inputs[0].shape"));
    c.add(json("shape a string", p, infer("\"1x30\"", "FP32", data), 400, null));
    c.add(json("wrong feature count", p, infer("[1, 3]", "FP32", "[1, 2, 3]"), 400, null));
    c.add(json("three-dimensional shape", p, infer("[1, 1, 30]", "FP32", data), 400, null));
    c.add(
        json(
            "strings in data",
            p,
            infer("[1, 30]", "FP32", data.replace("1.0", "\"x\"")),
            400,
            null));
    c.add(
        json(
            "ragged nested data",
            p,
            infer("[2, 30]", "FP32", "[" + data + ", [1, 2]]"),
            400,
            null));
    c.add(json("nested data", p, infer("[1, 30]", "FP32", "[" + data + "]"), 200, null));
    c.add(
        json(
            "1e39 in data",
            p,
            infer("[1, 30]", "FP32", data.replaceFirst("1\\.0", "1e39")),
            400,
            null));
    c.add(
        json(
            "NaN literal in data",
            p,
            infer("[1, 30]", "FP32", data.replaceFirst("1\\.0", "NaN")),
            400,
            "body"));
    c.add(json("duplicate key", p, "{\"inputs\": [], \"inputs\": []}", 400, "body"));
    c.add(
        json(
            "unknown model",
            "/v2/models/no-such-model/infer",
            infer("[1, 30]", "FP32", data),
            404,
            null));
    c.add(
        json(
            "unknown version",
            "/v2/models/" + MODEL + "/versions/999/infer",
            infer("[1, 30]", "FP32", data),
            404,
            null));
    c.add(
        json(
            "version 0",
            "/v2/models/" + MODEL + "/versions/0/infer",
            infer("[1, 30]", "FP32", data),
            Set.of(400, 404),
            null));
    c.add(
        json(
            "version -5",
            "/v2/models/" + MODEL + "/versions/-5/infer",
            infer("[1, 30]", "FP32", data),
            Set.of(400, 404),
            null));
    c.add(
        new Case(
            "metadata of unknown model",
            "GET",
            "/v2/models/no-such-model",
            null,
            null,
            Set.of(404),
            null));
    c.add(
        new Case(
            "ready of unknown model",
            "GET",
            "/v2/models/no-such-model/ready",
            null,
            null,
            Set.of(404, 503),
            null));
    c.add(
        new Case(
            "metadata of unknown version",
            "GET",
            "/v2/models/" + MODEL + "/versions/999",
            null,
            null,
            Set.of(404),
            null));
    c.add(
        new Case(
            "metadata of version -1",
            "GET",
            "/v2/models/" + MODEL + "/versions/-1",
            null,
            null,
            Set.of(400, 404),
            null));
    c.add(
        json(
            "unknown output kind",
            p,
            "{\"inputs\": "
                + inputs("[1, 30]", "FP32", data)
                + ", \"outputs\": [{\"name\": \"bogus\"}]}",
            Set.of(200, 400),
            null));
    return c;
  }

  private static List<Case> featureCases() {
    String get = "/v1/features/" + VIEW + ":get";
    String write = "/v1/features/" + VIEW + ":write";
    List<Case> c = new ArrayList<>();
    c.add(json("get: valid", get, "{\"entities\": [\"e1\"]}", 200, null));
    c.add(json("get: truncated JSON", get, "{\"entities\": [", 400, "body"));
    c.add(json("get: empty body", get, "", 400, null));
    c.add(json("get: entities a string", get, "{\"entities\": \"e1\"}", 400, "entities"));
    c.add(json("get: no entities", get, "{\"entities\": []}", 400, "entities"));
    c.add(json("get: entity null", get, "{\"entities\": [null]}", 400, "entities"));
    c.add(json("get: entity an object", get, "{\"entities\": [{}]}", 400, "entities"));
    c.add(
        json(
            "get: unknown feature",
            get,
            "{\"entities\": [\"e1\"], \"features\": [\"nope\"]}",
            400,
            "features"));
    c.add(
        json(
            "get: duplicate key",
            get,
            "{\"entities\": [\"e1\"], \"entities\": [\"e2\"]}",
            400,
            "body"));
    c.add(
        json(
            "get: unknown view",
            "/v1/features/no_such_view:get",
            "{\"entities\": [\"e1\"]}",
            404,
            null));
    c.add(
        json(
            "get: 10001 entities",
            get,
            "{\"entities\": [" + "\"e\",".repeat(10_000) + "\"e\"]}",
            Set.of(400, 413),
            null));
    c.add(
        json(
            "write: valid",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"a\": 1.5, \"s\": \"x\"}}]}",
            200,
            null));
    c.add(json("write: truncated JSON", write, "{\"rows\": [{\"entity\": ", 400, "body"));
    c.add(json("write: no rows", write, "{\"rows\": []}", 400, "rows"));
    c.add(json("write: rows an object", write, "{\"rows\": {}}", 400, "rows"));
    c.add(json("write: row not an object", write, "{\"rows\": [1]}", 400, "rows[0].entity"));
    c.add(
        json(
            "write: entity a number",
            write,
            "{\"rows\": [{\"entity\": 5}]}",
            400,
            "rows[0].entity"));
    c.add(
        json(
            "write: unknown feature",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"zz\": 1}}]}",
            400,
            "rows[0].values.zz"));
    c.add(
        json(
            "write: string for float",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"a\": \"x\"}}]}",
            400,
            "rows[0].values.a"));
    c.add(
        json(
            "write: number for string",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"s\": 1}}]}",
            400,
            "rows[0].values.s"));
    c.add(
        json(
            "write: null value",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"a\": null}}]}",
            400,
            "rows[0].values.a"));
    c.add(
        json(
            "write: bad event time",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"event_time\": \"yesterday\", \"values\": {\"a\": 1}}]}",
            400,
            "rows[0].event_time"));
    c.add(
        json(
            "write: duplicate key",
            write,
            "{\"rows\": [{\"entity\": \"e1\", \"entity\": \"e2\", \"values\": {}}]}",
            400,
            "body"));
    c.add(
        json(
            "write: unknown view",
            "/v1/features/no_such_view:write",
            "{\"rows\": [{\"entity\": \"e1\", \"values\": {\"a\": 1}}]}",
            404,
            null));
    return c;
  }

  /** Hostile names in every path segment that carries a name. */
  private static List<Case> nameCases() {
    List<Case> c = new ArrayList<>();
    String body = instances(row(1f));
    for (String name : MalformedCases.HOSTILE_NAMES) {
      String label = name.length() > 40 ? name.length() + "-char name" : name;
      String e = encode(name);
      // A request line over the HTTP server's limit is answered 414 and the connection closed at
      // once; a client still writing its request may see the close (a reset) before the 414.
      Set<Integer> refused =
          name.length() > 4096 ? Set.of(400, 404, 414, 431, CLOSED) : Set.of(400, 404, 414, 431);
      c.add(json("model " + label, "/v1/models/" + e + ":predict", body, refused, null));
      c.add(
          json(
              "alias " + label,
              "/v1/models/" + MODEL + "/labels/" + e + ":predict",
              body,
              refused,
              null));
      c.add(
          json(
              "kserve model " + label,
              "/v2/models/" + e + "/infer",
              infer("[1, 30]", "FP32", row(1f)),
              refused,
              null));
      c.add(
          new Case(
              "kserve metadata " + label, "GET", "/v2/models/" + e, null, null, refused, null));
      c.add(
          new Case("registry read " + label, "GET", "/v1/models/" + e, null, null, refused, null));
      c.add(
          json(
              "features view " + label,
              "/v1/features/" + e + ":get",
              "{\"entities\": [\"e1\"]}",
              refused,
              null));
      c.add(
          json(
              "entity key " + label,
              "/v1/features/" + VIEW + ":get",
              "{\"entities\": [" + quote(name) + "]}",
              Set.of(200, 400),
              null));
    }
    c.add(
        json(
            "raw ../ in path",
            "/v1/models/../models/" + MODEL + ":predict",
            body,
            Set.of(200, 400, 404),
            null));
    c.add(
        json(
            "two colons",
            "/v1/models/" + MODEL + ":predict:predict",
            body,
            Set.of(400, 404),
            null));
    return c;
  }

  private static List<Case> limitCases() {
    String p = "/v1/models/" + MODEL + ":predict";
    String small = instances(row(1f));
    List<Case> c = new ArrayList<>();
    byte[] under = padded(small, 10 * 1024 * 1024);
    c.add(
        new Case(
            "10 MB body under the limit",
            "POST",
            p,
            "application/json",
            BodyPublishers.ofByteArray(under),
            Set.of(200),
            null));
    byte[] over = padded(small, MAX_BODY + 1024);
    c.add(
        new Case(
            "16 MB + 1 KB body",
            "POST",
            p,
            "application/json",
            BodyPublishers.ofByteArray(over),
            Set.of(413),
            "body"));
    c.add(
        new Case(
            "16 MB + 1 KB body, chunked",
            "POST",
            p,
            "application/json",
            BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(over)),
            Set.of(413),
            "body"));
    c.add(
        new Case(
            "16 MB + 1 KB KServe body",
            "POST",
            "/v2/models/" + MODEL + "/infer",
            "application/json",
            BodyPublishers.ofByteArray(over),
            Set.of(413),
            "body"));
    c.add(
        new Case(
            "16 MB + 1 KB features body",
            "POST",
            "/v1/features/" + VIEW + ":get",
            "application/json",
            BodyPublishers.ofByteArray(over),
            Set.of(413),
            "body"));
    StringJoiner rows = new StringJoiner(",", "{\"instances\": [", "]}");
    String r = row(0.5f);
    for (int i = 0; i < 10_001; i++) {
      rows.add(r);
    }
    c.add(json("10 001 rows (over max-rows)", p, rows.toString(), 413, "instances"));
    StringJoiner named = new StringJoiner(",", "{\"instances\": [", "]}");
    for (int i = 0; i < 10_001; i++) {
      named.add("{\"f0\": 1}");
    }
    c.add(json("10 001 named rows", p, named.toString(), 413, "instances"));
    c.add(
        json(
            "KServe 10 001 rows",
            "/v2/models/" + MODEL + "/infer",
            infer("[10001, 30]", "FP32", "[]"),
            413,
            null));
    // Jackson's own limits: the reply says what is wrong, never Jackson's class names (issue 13).
    c.add(
        json(
            "a number of 1 001 digits",
            p,
            "{\"instances\": [[" + "1".repeat(1001) + "]]}",
            400,
            "body"));
    c.add(
        json(
            "nesting 2 000 arrays deep",
            p,
            "{\"instances\": " + "[".repeat(2000) + "]".repeat(2000) + "}",
            400,
            null));
    c.add(
        json(
            "features: nesting 2 000 arrays deep",
            "/v1/features/" + VIEW + ":get",
            "{\"entities\": " + "[".repeat(2000) + "]".repeat(2000) + "}",
            400,
            "body"));
    c.add(
        json(
            "KServe: a number of 1 001 digits",
            "/v2/models/" + MODEL + "/infer",
            infer("[1, 30]", "FP32", "[" + "9".repeat(1001) + "]"),
            400,
            null));
    c.add(
        json(
            "10 000 rows (at max-rows)",
            p,
            rows.toString().replaceFirst("\\[" + Pattern.quote(r) + ",", "["),
            200,
            null));
    return c;
  }

  private static Case json(String name, String path, String body, int code, String field) {
    return json(name, path, body, Set.of(code), field);
  }

  private static Case json(
      String name, String path, String body, Set<Integer> codes, String field) {
    return new Case(
        name, "POST", path, "application/json", BodyPublishers.ofString(body), codes, field);
  }

  private static String row(float value) {
    return row(value, FEATURES);
  }

  private static String row(float value, int width) {
    float[] cells = new float[width];
    Arrays.fill(cells, value);
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (float v : cells) {
      j.add(Float.toString(v));
    }
    return j.toString();
  }

  private static String instances(String row) {
    return "{\"instances\": [" + row + "]}";
  }

  private static String inputs(String shape, String datatype, String data) {
    return "[{\"name\": \"input-0\", \"shape\": "
        + shape
        + ", \"datatype\": \""
        + datatype
        + "\", \"data\": "
        + data
        + "}]";
  }

  private static String infer(String shape, String datatype, String data) {
    return "{\"inputs\": " + inputs(shape, datatype, data) + "}";
  }

  /** {@code json} followed by whitespace up to {@code size} bytes: valid, just big. */
  private static byte[] padded(String json, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) ' ');
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(j, 0, b, 0, j.length);
    return b;
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch < 0x20 || ch == '"' || ch == '\\') {
        out.append(String.format("\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.append('"').toString();
  }

  private static String base() {
    return "http://127.0.0.1:" + suite.gateway().httpPort();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("content-type", "application/json")
            .POST(BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

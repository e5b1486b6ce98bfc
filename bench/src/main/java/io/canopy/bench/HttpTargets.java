package io.canopy.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the gateway's HTTP targets: TF-Serving-style predict and KServe v2 REST infer. */
final class HttpTargets {

  private HttpTargets() {}

  /**
   * {@code POST /v1/models/{m}[/versions/{v} | /labels/{alias}]:predict} with {@code instances}.
   */
  static Target predict(
      HttpClient client,
      String base,
      ModelRef ref,
      Payload payload,
      int rows,
      String token,
      Duration timeout) {
    String path = "/v1/models/" + segment(ref.model());
    if (ref.version() != null) {
      path += "/versions/" + ref.version();
    } else if (ref.alias() != null) {
      path += "/labels/" + segment(ref.alias());
    }
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < payload.distinctRequests(rows); i++) {
      ObjectNode body = Json.object();
      ArrayNode instances = body.putArray("instances");
      float[] values = payload.batch(i, rows);
      int f = payload.numFeatures();
      for (int r = 0; r < rows; r++) {
        addValues(instances.addArray(), values, r * f, f);
      }
      bodies.add(Json.write(body));
    }
    return new HttpTarget(
        "http-predict", rows, client, uri(base, path + ":predict"), bodies, token, timeout);
  }

  /** {@code POST /v2/models/{m}[/versions/{v}]/infer} with one FP32 [rows, F] input. */
  static Target kserve(
      HttpClient client,
      String base,
      ModelRef ref,
      Payload payload,
      int rows,
      String token,
      Duration timeout) {
    if (ref.alias() != null) {
      throw new IllegalArgumentException(
          "--alias is not part of KServe v2; give --version or neither");
    }
    String path = "/v2/models/" + segment(ref.model());
    if (ref.version() != null) {
      path += "/versions/" + ref.version();
    }
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < payload.distinctRequests(rows); i++) {
      float[] values = payload.batch(i, rows);
      ObjectNode body = Json.object();
      ObjectNode input = body.putArray("inputs").addObject();
      input.put("name", GrpcTargets.KSERVE_INPUT);
      input.put("datatype", "FP32");
      input.putArray("shape").add(rows).add(payload.numFeatures());
      addValues(input.putArray("data"), values, 0, values.length);
      bodies.add(Json.write(body));
    }
    return new HttpTarget(
        "http-kserve", rows, client, uri(base, path + "/infer"), bodies, token, timeout);
  }

  /** Values as JSON numbers; NaN (missing) as null. */
  private static void addValues(ArrayNode out, float[] values, int from, int count) {
    for (int i = 0; i < count; i++) {
      float v = values[from + i];
      if (Float.isFinite(v)) {
        out.add(v);
      } else {
        out.addNull();
      }
    }
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static URI uri(String base, String path) {
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    try {
      URI uri = URI.create(trimmed + path);
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
        throw new IllegalArgumentException("--http must be an http(s) URL, got " + base);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--http must be an http(s) URL, got " + base, e);
    }
  }
}

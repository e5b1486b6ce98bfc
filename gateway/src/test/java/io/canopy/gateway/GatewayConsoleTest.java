package io.canopy.gateway;

import static io.canopy.gateway.RunningGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import io.canopy.common.testing.GrpcCleanup;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's files under /ui/ (the test classpath holds a stand-in index.html and app.js): the
 * redirect, types, ETags and caching, and the security headers on every answer, errors included.
 */
class GatewayConsoleTest {

  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of()));
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in =
        GatewayConsoleTest.class.getResourceAsStream("/io/canopy/console/ui/" + name)) {
      return in.readAllBytes();
    }
  }

  private static void assertSecurityHeaders(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-security-policy")).contains(CSP);
    assertThat(r.headers().firstValue("x-content-type-options")).contains("nosniff");
    assertThat(r.headers().firstValue("referrer-policy")).contains("no-referrer");
    assertThat(r.headers().firstValue("x-frame-options")).contains("DENY");
  }

  @Test
  void ui_redirectsToTheDirectory_whichServesIndexHtml() throws Exception {
    HttpResponse<String> redirect = gw.get("/ui");
    HttpResponse<String> index = gw.get("/ui/");

    assertThat(redirect.statusCode()).isEqualTo(308);
    assertThat(redirect.headers().firstValue("location")).contains("/ui/");
    assertSecurityHeaders(redirect);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("cache-control")).contains("no-cache");
    assertThat(index.headers().firstValue("etag"))
        .contains('"' + Sha256.hex(resource("index.html")) + '"');
    assertThat(index.body()).contains("test console");
    assertSecurityHeaders(index);
  }

  @Test
  void aFile_hasItsTypeAndCaching_andAMatchingEtagIs304() throws Exception {
    HttpResponse<String> js = gw.get("/ui/app.js");
    String etag = js.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> again =
        gw.send(HttpRequest.newBuilder(gw.uri("/ui/app.js")).header("if-none-match", etag).GET());
    HttpResponse<String> changed =
        gw.send(
            HttpRequest.newBuilder(gw.uri("/ui/app.js")).header("if-none-match", "\"old\"").GET());

    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("cache-control")).contains("max-age=300");
    assertThat(js.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(resource("app.js"));
    assertThat(etag).isEqualTo('"' + Sha256.hex(resource("app.js")) + '"');
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertSecurityHeaders(again);
    assertThat(changed.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownFiles_otherDirectories_andTraversal_are404_withTheHeaders() throws Exception {
    HttpResponse<String> missing = gw.get("/ui/nope.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).contains("nope.js");
    assertSecurityHeaders(missing);

    for (String path :
        List.of(
            "/ui/sub/app.js",
            "/ui/%2e%2e/gateway.yaml",
            "/ui/..%2fgateway.yaml",
            "/ui/%2e%2e%2f%2e%2e%2fgateway.yaml",
            "/ui/gateway.yaml")) {
      HttpResponse<String> r = gw.get(path);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.body()).as(path).doesNotContain("max-body-bytes");
    }
  }
}

package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.GrpcCleanup;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page on another site cannot make a visitor's browser write features or predict: bodies must be
 * application/json (what a cross-site form or a no-preflight fetch cannot send) and a foreign
 * Origin is refused unless allowed (issue 13, item 10).
 */
class GatewayBrowserGuardTest {

  private static final String WRITE =
      "{\"rows\": [{\"entity\": \"u1\", \"values\": {\"age\": 99}}]}";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private HttpResponse<String> write(RunningGateway gw, String contentType, String origin)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(gw.uri("/v1/features/users:write"));
    if (contentType != null) {
      request.header("content-type", contentType);
    }
    if (origin != null) {
      request.header("origin", origin);
    }
    return gw.send(request.POST(HttpRequest.BodyPublishers.ofString(WRITE)));
  }

  @Test
  void crossSiteSimpleRequests_refused_andNothingIsWritten() throws Exception {
    RunningGateway gw = cleanup.register(new RunningGateway(Map.of()));

    HttpResponse<String> textPlain = write(gw, "text/plain", null);
    HttpResponse<String> form = write(gw, "application/x-www-form-urlencoded", null);
    HttpResponse<String> none = write(gw, null, null);
    HttpResponse<String> foreign = write(gw, "application/json", "https://evil.example");

    assertThat(textPlain.statusCode()).isEqualTo(415);
    assertThat(textPlain.body()).contains("application/json");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(none.statusCode()).isEqualTo(415);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("https://evil.example", "gateway.http.allowed-origins");
    assertThat(gw.serving.features.written).isEmpty();
    // A foreign page cannot read either.
    assertThat(
            gw.send(
                    HttpRequest.newBuilder(gw.uri("/v1/models"))
                        .header("origin", "https://evil.example")
                        .GET())
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void jsonWithoutOrigin_sameOrigin_orAnAllowedOrigin_getThrough() throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(
                Map.of("gateway.http.allowed-origins.0", "https://console.example.com")));

    assertThat(write(gw, "application/json", null).statusCode()).isEqualTo(200);
    assertThat(write(gw, "application/json; charset=utf-8", null).statusCode()).isEqualTo(200);
    assertThat(write(gw, "application/json", "https://console.example.com").statusCode())
        .isEqualTo(200);
    assertThat(
            write(gw, "application/json", gw.uri("/").toString().replaceAll("/$", "")).statusCode())
        .as("same origin")
        .isEqualTo(200);
    assertThat(
            write(gw, "application/json", "https://console.example.com.evil.example").statusCode())
        .isEqualTo(403);
  }

  @Test
  void allowedOrigins_notAnOrigin_failsAtStartupNamingTheKey() {
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(
                        Map.of("gateway.http.allowed-origins.0", "https://x.example/path"))))
        .hasMessageContaining("gateway.http.allowed-origins.0");
  }
}

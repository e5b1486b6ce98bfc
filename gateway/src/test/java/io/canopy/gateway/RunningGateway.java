package io.canopy.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canopy.common.testing.TestConfig;
import io.canopy.common.tls.ServerTls;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.helidon.config.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real gateway ({@link Main#start}) on port 0 in front of a fake serving-service and a fake
 * registry, with small HTTP helpers.
 */
final class RunningGateway implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final FakeServing serving;
  final FakeRegistry registry;
  final GatewayServer gateway;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  RunningGateway(Map<String, String> overrides) throws IOException {
    this(overrides, GatewayMetrics.NOOP);
  }

  RunningGateway(Map<String, String> overrides, GatewayMetrics metrics) throws IOException {
    this(overrides, metrics, ServerTls.PLAINTEXT);
  }

  /** The fakes behind the gateway serve TLS with {@code upstreamTls} when it is enabled. */
  RunningGateway(Map<String, String> overrides, GatewayMetrics metrics, ServerTls upstreamTls)
      throws IOException {
    this(overrides, metrics, upstreamTls, Clock.systemUTC());
  }

  /** The gateway times alias moves with {@code clock}. */
  RunningGateway(Map<String, String> overrides, GatewayMetrics metrics, Clock clock)
      throws IOException {
    this(overrides, metrics, ServerTls.PLAINTEXT, clock);
  }

  private RunningGateway(
      Map<String, String> overrides, GatewayMetrics metrics, ServerTls upstreamTls, Clock clock)
      throws IOException {
    this(new FakeServing(upstreamTls), overrides, metrics, upstreamTls, clock);
  }

  /**
   * The gateway reaches its fake serving on the in-process transport, as {@code canopy up} does.
   */
  static RunningGateway withServingInProcess(Map<String, String> overrides) throws IOException {
    return new RunningGateway(
        FakeServing.inProcess("fake-serving-" + java.util.UUID.randomUUID()),
        overrides,
        GatewayMetrics.NOOP,
        ServerTls.PLAINTEXT,
        Clock.systemUTC());
  }

  private RunningGateway(
      FakeServing serving,
      Map<String, String> overrides,
      GatewayMetrics metrics,
      ServerTls upstreamTls,
      Clock clock)
      throws IOException {
    this.serving = serving;
    registry = new FakeRegistry(upstreamTls);
    Map<String, String> settings = new HashMap<>();
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.port", "0");
    settings.put("gateway.upstream.serving-target", serving.target());
    settings.put("gateway.upstream.registry-target", registry.target());
    settings.putAll(overrides);
    gateway =
        GatewayServer.start(
            GatewayConfig.create(config(settings)),
            GatewayServer.Seams.real().withMetrics(metrics).withClock(clock));
  }

  static Config config(Map<String, String> settings) {
    return TestConfig.from(settings, "gateway.yaml");
  }

  String grpcTarget() {
    return "127.0.0.1:" + gateway.grpcPort();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.httpPort() + path);
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.close();
    } finally {
      http.close();
      serving.close();
      registry.close();
    }
  }
}

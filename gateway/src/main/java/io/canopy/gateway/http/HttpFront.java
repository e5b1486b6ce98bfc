package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.canopy.common.config.Listen;
import io.canopy.gateway.upstream.Upstream;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.util.function.BooleanSupplier;

/**
 * The gateway's HTTP/JSON API on Helidon SE: TF-Serving-style predict, KServe v2 REST, registry
 * reads, and {@code /observe/health} and {@code /observe/metrics} on the same port.
 */
public final class HttpFront implements AutoCloseable {

  private final WebServer server;

  private HttpFront(WebServer server) {
    this.server = server;
  }

  /**
   * Builds the routes and starts listening.
   *
   * @param listen where to bind (port 0 picks a free one)
   * @param maxBodyBytes larger request bodies get 413
   * @param maxRows requests with more rows get 413
   * @param upstream the services behind the gateway
   * @param ready readiness reported by {@code /observe/health}
   */
  public static HttpFront start(
      Listen listen, int maxBodyBytes, int maxRows, Upstream upstream, BooleanSupplier ready) {
    JsonFactory json =
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    JsonReplies replies = new JsonReplies(json);
    RequestBodies bodies = new RequestBodies(maxBodyBytes);
    PredictHandler predict =
        new PredictHandler(upstream, bodies, new PredictBodyParser(json, maxRows), replies);
    KServeHandler kserve =
        new KServeHandler(upstream, bodies, new InferBodyParser(json, maxRows), replies);
    RegistryHandler registry = new RegistryHandler(upstream, replies);
    HttpErrors errors = new HttpErrors(replies);
    WebServer server =
        WebServer.builder()
            .host(listen.host())
            .port(listen.port())
            .featuresDiscoverServices(false)
            .addFeature(observe(ready))
            .routing(
                routing -> {
                  predict.routes(routing);
                  kserve.routes(routing);
                  registry.routes(routing);
                  errors.register(routing);
                })
            .build();
    server.start();
    return new HttpFront(server);
  }

  private static ObserveFeature observe(BooleanSupplier ready) {
    HealthObserver health =
        HealthObserver.builder()
            .details(true)
            .addCheck(check("gateway-ready", HealthCheckType.READINESS, ready))
            .addCheck(check("gateway-live", HealthCheckType.LIVENESS, () -> true))
            .build();
    return ObserveFeature.builder()
        .addObserver(health)
        .addObserver(MetricsObserver.create())
        .build();
  }

  private static HealthCheck check(String name, HealthCheckType type, BooleanSupplier up) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthCheckType type() {
        return type;
      }

      @Override
      public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(up.getAsBoolean()).build();
      }
    };
  }

  /** The bound port (the real one when configured with port 0). */
  public int port() {
    return server.port();
  }

  /** Stops listening; Helidon lets requests in flight finish first. */
  @Override
  public void close() {
    server.stop();
  }
}

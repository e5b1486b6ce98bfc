package io.canopy.common.admin;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.util.function.BooleanSupplier;

/**
 * A service's admin HTTP port (Helidon SE): {@code /observe/health} (liveness and readiness; 503
 * while not ready) and {@code /observe/metrics} (Prometheus text format). A service may add its own
 * admin routes. Serves HTTPS when the service has a certificate ({@link AdminSettings}).
 */
public final class AdminServer implements AutoCloseable {

  private final WebServer server;

  /**
   * @param settings where to bind, the largest request body, and the certificate (or plaintext)
   * @param serviceName shown in the readiness check's name
   * @param ready readiness: true only when the service can do its job
   */
  public AdminServer(AdminSettings settings, String serviceName, BooleanSupplier ready) {
    WebServerConfig.Builder builder =
        WebServer.builder()
            .host(settings.listen().host())
            .port(settings.listen().port())
            // Larger request bodies get 413 before any handler reads them.
            .maxPayloadSize(settings.maxPayloadBytes())
            .featuresDiscoverServices(false)
            .addFeature(observeFeature(serviceName, ready))
            // HTTP/1.1 as always, and HTTP/1.0 health checks (HAProxy's default), which Helidon
            // alone would drop unanswered.
            .addProtocol(Http1Config.create())
            .addProtocol(new Http10.Config(ready))
            .routing(ConnectionClose::register);
    settings.tls().applyTo(builder);
    this.server = builder.build();
  }

  /**
   * {@code /observe/health} (readiness from {@code ready}, liveness always up) and {@code
   * /observe/metrics}, for any Helidon server (the gateway adds it to its public HTTP server).
   */
  public static ObserveFeature observeFeature(String serviceName, BooleanSupplier ready) {
    HealthObserver health =
        HealthObserver.builder()
            .details(true)
            .addCheck(check(serviceName + "-ready", HealthCheckType.READINESS, ready))
            .addCheck(check(serviceName + "-live", HealthCheckType.LIVENESS, () -> true))
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

  public AdminServer start() {
    server.start();
    return this;
  }

  /** The bound port (the real one when configured with port 0). */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}

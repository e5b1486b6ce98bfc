package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.canopy.common.admin.AdminServer;
import io.canopy.common.admin.ConnectionClose;
import io.canopy.common.admin.Http10;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.config.Listen;
import io.canopy.common.tls.ServerTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.features.FeatureCalls;
import io.canopy.gateway.predict.KServeCalls;
import io.canopy.gateway.predict.PredictPipeline;
import io.canopy.gateway.traffic.TrafficHistory;
import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.gateway.upstream.ServingClient;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The gateway's HTTP/JSON API on Helidon SE: TF-Serving-style predict, KServe v2 REST, registry
 * reads and writes, feature reads and writes, the console's traffic and static files under {@code
 * /ui/}, and {@code /observe/health} and {@code /observe/metrics} on the same port.
 */
public final class HttpFront implements AutoCloseable {

  /**
   * What the HTTP routes call.
   *
   * @param serving the serving replicas (deadlines, KServe server calls)
   * @param pipeline predictions: routing, batching, retries
   * @param kserve KServe v2 model calls: routing, retries
   * @param features feature reads and writes
   * @param registry registry reads and writes
   * @param outcomes outcomes for the monitor; null when they are off
   * @param monitor the monitor's reads (quality, drift, comparisons); null without a monitor
   * @param traffic the gateway's recent traffic, for the console's charts
   */
  public record Calls(
      ServingClient serving,
      PredictPipeline pipeline,
      KServeCalls kserve,
      FeatureCalls features,
      RegistryClient registry,
      io.canopy.gateway.outcomes.OutcomeIntake outcomes,
      io.canopy.gateway.upstream.MonitorClient monitor,
      TrafficHistory traffic) {}

  private final WebServer server;
  private final StallGuard stalls;

  private HttpFront(WebServer server, StallGuard stalls) {
    this.server = server;
    this.stalls = stalls;
  }

  /**
   * Builds the routes and starts listening.
   *
   * @param listen where to bind (port 0 picks a free one)
   * @param maxBodyBytes larger request bodies get 413
   * @param maxUploadBytes larger model uploads get 413
   * @param limits how long a connection may stall and how much all bodies may buffer
   * @param maxRows requests with more rows get 413
   * @param calls what the routes call: predictions, KServe, features, the registry, traffic
   * @param clientTokens bearer tokens predictions need; empty: auth off
   * @param allowedOrigins browser origins besides the gateway's own that may call the API
   * @param tls the certificate to serve HTTPS with, when enabled
   * @param ready readiness reported by {@code /observe/health}
   * @param tracing a server span per API request, when on
   */
  public static HttpFront start(
      Listen listen,
      int maxBodyBytes,
      long maxUploadBytes,
      HttpLimits limits,
      int maxRows,
      Calls calls,
      BearerTokens clientTokens,
      List<String> allowedOrigins,
      ServerTls tls,
      BooleanSupplier ready,
      Tracing tracing) {
    // First: a console over its byte bound stops the start before anything is running.
    ConsoleAssets assets = ConsoleAssets.load(HttpFront.class.getClassLoader());
    JsonFactory json =
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    JsonReplies replies = new JsonReplies(json);
    StallGuard stalls = new StallGuard(limits.readTimeout());
    RequestBodies bodies = new RequestBodies(maxBodyBytes, limits.maxBufferedBytes(), stalls);
    PredictHandler predict =
        new PredictHandler(
            calls.serving(),
            calls.pipeline(),
            bodies,
            new PredictBodyParser(json, maxRows),
            replies);
    KServeHandler kserve =
        new KServeHandler(
            calls.serving(), calls.kserve(), bodies, new InferBodyParser(json, maxRows), replies);
    RegistryHandler registry = new RegistryHandler(calls.registry(), replies);
    HttpErrors errors = new HttpErrors(replies);
    UploadHandler upload =
        new UploadHandler(calls.registry(), bodies, maxUploadBytes, replies, errors);
    RegistryWritesHandler registryWrites =
        new RegistryWritesHandler(
            calls.registry(), bodies, new RegistryWritesParser(json), replies);
    FeaturesHandler features = new FeaturesHandler(calls.features(), bodies, replies);
    OutcomesHandler outcomes = new OutcomesHandler(calls.outcomes(), bodies, replies);
    MonitorHandler monitor = new MonitorHandler(calls.monitor(), replies);
    ModelStatusHandler status = new ModelStatusHandler(calls.serving(), replies);
    TrafficHandler traffic = new TrafficHandler(calls.traffic(), replies);
    ConsoleHandler console = new ConsoleHandler(assets, replies);
    WebServerConfig.Builder builder = WebServer.builder();
    tls.applyTo(builder);
    WebServer server =
        builder
            .host(listen.host())
            .port(listen.port())
            // A client silent for read-timeout in the middle of its headers or body loses the
            // connection (StallGuard); an idle keep-alive connection goes after idle-timeout.
            .addProtocol(Http1Config.builder().addReceiveListener(stalls.headerDeadline()).build())
            // HTTP/1.0 health checks (HAProxy's default), which Helidon would drop unanswered.
            .addProtocol(new Http10.Config(ready))
            // A request line Helidon cannot route (a control character in the method): 400.
            .directHandlers(
                d -> d.addHandler(DirectHandler.EventType.INTERNAL_ERROR, new MalformedRequests()))
            .idleConnectionTimeout(limits.idleTimeout())
            .idleConnectionPeriod(limits.idleTimeout().dividedBy(4))
            .maxTcpConnections(limits.maxConnections())
            .featuresDiscoverServices(false)
            .addFeature(AdminServer.observeFeature("gateway", ready))
            .routing(
                routing -> {
                  new HttpTracing(tracing).register(routing);
                  ConnectionClose.register(routing);
                  new BrowserGuard(allowedOrigins, replies).register(routing);
                  new HttpAuth(clientTokens, replies).register(routing);
                  predict.routes(routing);
                  kserve.routes(routing);
                  registry.routes(routing);
                  registryWrites.routes(routing);
                  upload.routes(routing);
                  status.routes(routing);
                  features.routes(routing);
                  outcomes.routes(routing);
                  monitor.routes(routing);
                  traffic.routes(routing);
                  console.routes(routing);
                  errors.register(routing);
                })
            .build();
    server.start();
    return new HttpFront(server, stalls);
  }

  /** The bound port (the real one when configured with port 0). */
  public int port() {
    return server.port();
  }

  /** Stops listening; Helidon lets requests in flight finish first. */
  @Override
  public void close() {
    server.stop();
    stalls.close();
  }
}

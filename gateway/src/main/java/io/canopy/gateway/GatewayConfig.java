package io.canopy.gateway;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.canopy.common.auth.TokenConfig;
import io.canopy.common.config.ByteSizes;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.common.tracing.TracingSettings;
import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.gateway.http.HttpLimits;
import io.canopy.gateway.outcomes.OutcomeSettings;
import io.canopy.gateway.placement.PlacementSettings;
import io.canopy.gateway.upstream.RetrySettings;
import io.helidon.config.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's settings (top-level key {@code gateway}; defaults in {@code gateway.yaml}).
 *
 * @param http where the HTTP/JSON API listens
 * @param grpc where the gRPC API listens
 * @param tracing {@code gateway.tracing.*}: spans of both fronts' calls, routing, batches and
 *     upstream attempts, and the W3C trace context sent upstream; off by default
 * @param maxBodyBytes {@code gateway.http.max-body-bytes}: larger HTTP bodies get 413
 * @param maxRows {@code gateway.max-rows}: most rows one request may carry
 * @param servingTarget {@code gateway.upstream.serving-target}: gRPC target of serving-service
 * @param registryTarget {@code gateway.upstream.registry-target}: gRPC target of the registry
 * @param upstreamTimeout {@code gateway.upstream.timeout}: deadline when the caller gives none
 * @param retry {@code gateway.upstream.retry.*}
 * @param placement {@code gateway.upstream.placement.*}: which replicas serve each model
 * @param maxConcurrentPerModel {@code gateway.upstream.max-concurrent-per-model}: the admission
 *     limit
 * @param batching {@code gateway.batching.*}
 * @param clientTokens {@code gateway.auth.tokens} (each with a role: predict, write-features,
 *     admin) and {@code gateway.auth.client-token} (role write-features); none: auth off
 * @param servingToken {@code gateway.upstream.token}: presented to serving-service when its tokens
 *     are on
 * @param tls {@code gateway.tls.*}: the certificate of both fronts; empty: plaintext
 * @param grpcLimits {@code gateway.grpc.max-inbound-message-bytes} and {@code
 *     max-inbound-metadata-bytes}
 * @param upstreamTls {@code gateway.upstream.tls.*}: the CA serving-service's and the registry's
 *     certificates must chain to; empty: plaintext
 * @param allowedOrigins {@code gateway.http.allowed-origins}: browser origins (besides the
 *     gateway's own) whose requests the HTTP API accepts; others get 403
 * @param httpLimits {@code gateway.http.read-timeout}, {@code idle-timeout}, {@code
 *     max-connections} and {@code max-buffered-bytes}
 * @param outcomes {@code gateway.outcomes.*}: where RecordOutcomes writes, and its item limit
 * @param monitorTarget {@code gateway.monitor.target}: the monitor whose reads the HTTP API relays;
 *     empty: none (those routes answer 503)
 * @param maxSeriesPerMetric {@code gateway.metrics.max-series-per-metric}: model/version label
 *     pairs one metric may carry; more fold into {@code _other}
 * @param aliasFallbackWindow {@code gateway.routing.alias-fallback-window}: how long a moved
 *     alias's previous target answers when serving does not serve the new one yet; 0: never
 * @param maxUploadBytes {@code gateway.http.max-upload-bytes}: the largest model file {@code POST
 *     /v1/models/{m}/versions} streams to the registry; larger gets 413
 */
public record GatewayConfig(
    Listen http,
    Listen grpc,
    TracingSettings tracing,
    int maxBodyBytes,
    int maxRows,
    String servingTarget,
    String registryTarget,
    Duration upstreamTimeout,
    RetrySettings retry,
    PlacementSettings placement,
    int maxConcurrentPerModel,
    BatchingSettings batching,
    List<BearerTokens.Token> clientTokens,
    Optional<String> servingToken,
    ServerTls tls,
    GrpcLimits grpcLimits,
    ClientTls upstreamTls,
    Duration aliasFallbackWindow,
    List<String> allowedOrigins,
    int maxSeriesPerMetric,
    HttpLimits httpLimits,
    OutcomeSettings outcomes,
    String monitorTarget,
    long maxUploadBytes) {

  public GatewayConfig {
    Objects.requireNonNull(outcomes, "gateway.outcomes");
    Objects.requireNonNull(monitorTarget, "gateway.monitor.target");
    Objects.requireNonNull(http, "gateway.http");
    Objects.requireNonNull(grpc, "gateway.grpc");
    Objects.requireNonNull(tracing, "gateway.tracing");
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException(
          "gateway.http.max-body-bytes: " + maxBodyBytes + " must be positive");
    }
    if (maxUploadBytes <= 0) {
      throw new IllegalArgumentException(
          "gateway.http.max-upload-bytes: " + maxUploadBytes + " must be positive");
    }
    if (maxRows <= 0) {
      throw new IllegalArgumentException("gateway.max-rows: " + maxRows + " must be positive");
    }
    if (servingTarget == null || servingTarget.isBlank()) {
      throw new IllegalArgumentException("gateway.upstream.serving-target: must not be blank");
    }
    if (registryTarget == null || registryTarget.isBlank()) {
      throw new IllegalArgumentException("gateway.upstream.registry-target: must not be blank");
    }
    if (upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
      throw new IllegalArgumentException(
          "gateway.upstream.timeout: " + upstreamTimeout + " must be positive");
    }
    Objects.requireNonNull(retry, "gateway.upstream.retry");
    Objects.requireNonNull(placement, "gateway.upstream.placement");
    Objects.requireNonNull(tls, "gateway.tls");
    Objects.requireNonNull(grpcLimits, "gateway.grpc");
    Objects.requireNonNull(upstreamTls, "gateway.upstream.tls");
    Objects.requireNonNull(batching, "gateway.batching");
    if (maxConcurrentPerModel <= 0) {
      throw new IllegalArgumentException(
          "gateway.upstream.max-concurrent-per-model: "
              + maxConcurrentPerModel
              + " must be positive");
    }
    if (aliasFallbackWindow == null || aliasFallbackWindow.isNegative()) {
      throw new IllegalArgumentException(
          "gateway.routing.alias-fallback-window: "
              + aliasFallbackWindow
              + " must not be negative");
    }
    clientTokens = List.copyOf(clientTokens);
    Objects.requireNonNull(servingToken, "gateway.upstream.token");
    allowedOrigins = origins(allowedOrigins == null ? List.of() : allowedOrigins);
    Objects.requireNonNull(httpLimits, "gateway.http");
    if (maxSeriesPerMetric < 1) {
      throw new IllegalArgumentException(
          "gateway.metrics.max-series-per-metric: " + maxSeriesPerMetric + " must be at least 1");
    }
  }

  /**
   * {@code tokens} (a list; role predict unless given) and the older single {@code client-token},
   * which may predict and write features but, since roles exist, not administer feature views. ""
   * (the default) is no token; anything else must be a real one (spaces are refused, not read as
   * "off").
   */
  private static List<BearerTokens.Token> clientTokens(Config auth) {
    List<BearerTokens.Token> tokens = new java.util.ArrayList<>();
    TokenConfig.single(
            auth.get("client-token"), "gateway.auth.client-token", "client", Role.WRITE_FEATURES)
        .ifPresent(tokens::add);
    tokens.addAll(TokenConfig.list(auth.get("tokens"), "gateway.auth.tokens", Role.PREDICT));
    return tokens;
  }

  /** A YAML list, or one comma-separated value (what an environment variable can hold). */
  private static List<String> allowedOrigins(Config node) {
    if (node.isLeaf()) {
      return node.asString()
          .map(
              v ->
                  java.util.Arrays.stream(v.split(","))
                      .map(String::strip)
                      .filter(o -> !o.isEmpty())
                      .toList())
          .orElse(List.of());
    }
    return node.asList(String.class).orElse(List.of());
  }

  private static List<String> origins(List<String> origins) {
    for (int i = 0; i < origins.size(); i++) {
      String o = origins.get(i);
      if (!o.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        throw new IllegalArgumentException(
            "gateway.http.allowed-origins."
                + i
                + ": '"
                + o
                + "' is not an origin (scheme://host[:port], e.g. https://console.example.com)");
      }
    }
    return List.copyOf(origins);
  }

  /** The accepted client tokens; empty when auth is off. */
  public BearerTokens tokens() {
    return new BearerTokens(clientTokens);
  }

  @Override
  public String toString() {
    return "GatewayConfig[http="
        + http
        + ", grpc="
        + grpc
        + ", servingTarget="
        + servingTarget
        + ", registryTarget="
        + registryTarget
        + ", batching="
        + batching
        + ", retry="
        + retry
        + ", auth="
        + (clientTokens.isEmpty() ? "off" : "on (" + clientTokens.size() + " tokens)")
        + ", tls="
        + tls.enabled()
        + ", upstreamTls="
        + upstreamTls.enabled()
        + "]";
  }

  /** Reads the keys under {@code gateway} of {@code root}. */
  public static GatewayConfig create(Config root) {
    Config gateway = root.get("gateway");
    Config upstream = gateway.get("upstream");
    return new GatewayConfig(
        Listen.create(gateway.get("http")),
        Listen.create(gateway.get("grpc")),
        TracingSettings.create(gateway.get("tracing"), "canopy-gateway"),
        ConfigLoader.intValue(gateway.get("http"), "max-body-bytes"),
        ConfigLoader.intValue(gateway, "max-rows"),
        ConfigLoader.stringValue(upstream, "serving-target"),
        ConfigLoader.stringValue(upstream, "registry-target"),
        duration(upstream, "timeout"),
        retry(upstream.get("retry"), duration(upstream.get("hedging"), "delay")),
        new PlacementSettings(
            ConfigLoader.intValue(upstream, "placement.replicas-per-model"),
            ConfigLoader.intValue(upstream, "placement.hot-in-flight")),
        ConfigLoader.intValue(upstream, "max-concurrent-per-model"),
        batching(gateway.get("batching")),
        clientTokens(gateway.get("auth")),
        TokenConfig.single(upstream.get("token"), "gateway.upstream.token", "gateway", Role.ADMIN)
            .map(BearerTokens.Token::secret),
        ServerTls.create(gateway.get("tls")),
        GrpcLimits.create(gateway.get("grpc")),
        ClientTls.create(upstream.get("tls")),
        duration(gateway.get("routing"), "alias-fallback-window"),
        allowedOrigins(gateway.get("http").get("allowed-origins")),
        ConfigLoader.intValue(gateway.get("metrics"), "max-series-per-metric"),
        HttpLimits.create(gateway.get("http"), GatewayConfig::duration),
        OutcomeSettings.create(gateway.get("outcomes")),
        gateway.get("monitor.target").asString().orElse("").trim(),
        ByteSizes.parse(
            ConfigLoader.stringValue(gateway.get("http"), "max-upload-bytes"),
            "gateway.http.max-upload-bytes"));
  }

  private static RetrySettings retry(Config retry, Duration hedgingDelay) {
    return new RetrySettings(
        ConfigLoader.intValue(retry, "max-attempts"),
        duration(retry, "initial-backoff"),
        duration(retry, "max-backoff"),
        Double.parseDouble(ConfigLoader.stringValue(retry, "budget-ratio")),
        ConfigLoader.intValue(retry, "budget-min-retries"),
        duration(retry, "budget-window"),
        hedgingDelay);
  }

  private static BatchingSettings batching(Config batching) {
    Set<String> unbatched = new HashSet<>();
    for (String name : batching.get("unbatched-models").asString().orElse("").split(",")) {
      if (!name.isBlank()) {
        unbatched.add(name.trim());
      }
    }
    return new BatchingSettings(
        batching.get("enabled").asBoolean().orElse(true),
        ConfigLoader.intValue(batching, "max-batch-rows"),
        ConfigLoader.intValue(batching, "max-in-flight"),
        duration(batching, "max-delay"),
        unbatched);
  }

  /** A duration in the one grammar of {@link io.canopy.common.config.Durations}. */
  static Duration duration(Config node, String key) {
    return ConfigLoader.duration(node, key);
  }
}

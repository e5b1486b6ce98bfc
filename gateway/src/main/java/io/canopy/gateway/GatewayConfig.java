package io.canopy.gateway;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Listen;
import io.helidon.config.Config;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's settings (top-level key {@code gateway}; defaults in {@code gateway.yaml}).
 *
 * @param http where the HTTP/JSON API listens
 * @param grpc where the gRPC API listens
 * @param maxBodyBytes {@code gateway.http.max-body-bytes}: larger HTTP bodies get 413
 * @param maxRows {@code gateway.max-rows}: most rows one request may carry
 * @param servingTarget {@code gateway.upstream.serving-target}: gRPC target of serving-service
 * @param registryTarget {@code gateway.upstream.registry-target}: gRPC target of the registry
 * @param upstreamTimeout {@code gateway.upstream.timeout}: deadline when the caller gives none
 */
public record GatewayConfig(
    Listen http,
    Listen grpc,
    int maxBodyBytes,
    int maxRows,
    String servingTarget,
    String registryTarget,
    Duration upstreamTimeout) {

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)");

  public GatewayConfig {
    Objects.requireNonNull(http, "gateway.http");
    Objects.requireNonNull(grpc, "gateway.grpc");
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException(
          "gateway.http.max-body-bytes: " + maxBodyBytes + " must be positive");
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
  }

  /** Reads the keys under {@code gateway} of {@code root}. */
  public static GatewayConfig create(Config root) {
    Config gateway = root.get("gateway");
    Config upstream = gateway.get("upstream");
    return new GatewayConfig(
        Listen.create(gateway.get("http")),
        Listen.create(gateway.get("grpc")),
        ConfigLoader.intValue(gateway.get("http"), "max-body-bytes"),
        ConfigLoader.intValue(gateway, "max-rows"),
        ConfigLoader.stringValue(upstream, "serving-target"),
        ConfigLoader.stringValue(upstream, "registry-target"),
        duration(upstream, "timeout"));
  }

  /** Accepts "250ms", "10s", "2m", "1h" or ISO-8601 ("PT10S"). */
  static Duration duration(Config node, String key) {
    String text = ConfigLoader.stringValue(node, key).trim();
    Matcher m = SHORT_DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          node.get(key).key() + ": '" + text + "' is not a duration (e.g. 10s, 500ms, PT10S)", e);
    }
  }
}

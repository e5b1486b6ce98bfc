package io.canopy.gateway.http;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;
import java.time.Duration;

/**
 * What one HTTP client can hold of the gateway ({@code gateway.http.*}).
 *
 * @param readTimeout a connection that sends no byte for this long (half-sent headers or body) is
 *     closed
 * @param idleTimeout a keep-alive connection with no request for this long is closed
 * @param maxConnections open connections at most; more wait in the accept queue
 * @param maxBufferedBytes request-body bytes all requests may hold in memory while they arrive; a
 *     body that would go over it gets 503
 */
public record HttpLimits(
    Duration readTimeout, Duration idleTimeout, int maxConnections, long maxBufferedBytes) {

  public HttpLimits {
    if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException(
          "gateway.http.read-timeout: " + readTimeout + " must be positive");
    }
    if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "gateway.http.idle-timeout: " + idleTimeout + " must be at least 1s");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "gateway.http.max-connections: " + maxConnections + " must be positive");
    }
    if (maxBufferedBytes < 65536 || maxBufferedBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "gateway.http.max-buffered-bytes: "
              + maxBufferedBytes
              + " must be between 65536 and "
              + Integer.MAX_VALUE);
    }
  }

  /** Reads {@code gateway.http}; durations take the gateway's duration grammar. */
  public static HttpLimits create(
      Config http, java.util.function.BiFunction<Config, String, Duration> duration) {
    return new HttpLimits(
        duration.apply(http, "read-timeout"),
        duration.apply(http, "idle-timeout"),
        ConfigLoader.intValue(http, "max-connections"),
        Long.parseLong(ConfigLoader.stringValue(http, "max-buffered-bytes").trim()));
  }
}

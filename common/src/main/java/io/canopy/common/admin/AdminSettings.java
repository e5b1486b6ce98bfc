package io.canopy.common.admin;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Listen;
import io.canopy.common.tls.ServerTls;
import io.helidon.config.Config;
import java.util.Objects;

/**
 * A service's admin listener: where it binds ({@code <service>.admin.host|port}), the largest
 * request body it accepts ({@code <service>.admin.max-payload-bytes}, 413 above it) and the
 * certificate it serves ({@code <service>.tls.*}, shared with the service's gRPC listener).
 */
public record AdminSettings(Listen listen, long maxPayloadBytes, ServerTls tls) {

  public AdminSettings {
    Objects.requireNonNull(listen, "admin");
    Objects.requireNonNull(tls, "tls");
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException(
          "max-payload-bytes: " + maxPayloadBytes + " must be positive");
    }
  }

  /**
   * Reads {@code host}, {@code port} and {@code max-payload-bytes} under {@code node} (e.g. {@code
   * serving.admin}); a bad value fails naming its full key. {@code tls} is the service's own
   * certificate.
   */
  public static AdminSettings create(Config node, ServerTls tls) {
    Listen listen = Listen.create(node);
    long maxPayloadBytes = ConfigLoader.intValue(node, "max-payload-bytes");
    try {
      return new AdminSettings(listen, maxPayloadBytes, tls);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(node.key() + "." + e.getMessage(), e);
    }
  }
}

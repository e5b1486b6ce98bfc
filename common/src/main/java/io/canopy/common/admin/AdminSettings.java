package io.canopy.common.admin;

import io.canopy.common.config.Listen;
import io.canopy.common.tls.ServerTls;
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
          "admin.max-payload-bytes: " + maxPayloadBytes + " must be positive");
    }
  }
}

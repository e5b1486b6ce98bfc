package io.canopy.common.config;

import io.helidon.config.Config;

/** Where a listener binds: a host (interface) and a port, 0 for any free port. */
public record Listen(String host, int port) {

  public Listen {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " is outside 0-65535");
    }
  }

  /** Reads {@code <node>.host} and {@code <node>.port}. */
  public static Listen create(Config node) {
    // ConfigLoader's messages already carry the full key; the constructor's name the field.
    String host = ConfigLoader.stringValue(node, "host");
    int port = ConfigLoader.intValue(node, "port");
    try {
      return new Listen(host, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(node.key() + "." + e.getMessage(), e);
    }
  }

  /** "host:port" as a gRPC target. */
  public String target() {
    return host + ":" + port;
  }
}

package io.canopy.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.helidon.config.Config;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * How a client reaches a service: plaintext, or TLS trusting only the CA certificates in {@code
 * trustCa} (PEM), so a server whose certificate does not chain to them fails the handshake.
 * {@code authority}, when set, is the name the server certificate must carry instead of the
 * target's host (for targets reached by an address not in the certificate).
 */
public record ClientTls(Path trustCa, String authority) {

  /** Plaintext channels. */
  public static final ClientTls PLAINTEXT = new ClientTls(null, "");

  public ClientTls {
    authority = authority == null ? "" : authority.trim();
    if (trustCa == null && !authority.isEmpty()) {
      throw new IllegalArgumentException("tls.authority: needs tls.trust-ca");
    }
  }

  /**
   * Reads {@code trust-ca} and {@code authority} under {@code node} (e.g. {@code
   * serving.registry.tls}); an empty {@code trust-ca} means plaintext.
   */
  public static ClientTls create(Config node) {
    String ca = node.get("trust-ca").asString().orElse("").trim();
    String authority = node.get("authority").asString().orElse("").trim();
    if (ca.isEmpty()) {
      if (!authority.isEmpty()) {
        throw new IllegalArgumentException(
            node.key() + ".authority: needs " + node.key() + ".trust-ca");
      }
      return PLAINTEXT;
    }
    return trusting(node.key() + ".trust-ca", Path.of(ca), authority);
  }

  /** TLS trusting the PEM CA file {@code ca}, checked now; {@code key} names the setting. */
  public static ClientTls trusting(String key, Path ca, String authority) {
    PemFiles.certificates(key, ca);
    return new ClientTls(ca, authority);
  }

  /** True when channels use TLS. */
  public boolean enabled() {
    return trustCa != null;
  }

  /** Sets the channel's security: plaintext, or TLS trusting only {@link #trustCa()}. */
  public NettyChannelBuilder applyTo(NettyChannelBuilder channel) {
    if (!enabled()) {
      return channel.usePlaintext();
    }
    try {
      channel.sslContext(GrpcSslContexts.forClient().trustManager(trustCa.toFile()).build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("tls.trust-ca: cannot use '" + trustCa + "'", e);
    }
    if (!authority.isEmpty()) {
      channel.overrideAuthority(authority);
    }
    return channel;
  }

  @Override
  public String toString() {
    return enabled() ? "ClientTls[trust-ca=" + trustCa + "]" : "ClientTls[plaintext]";
  }
}

package io.canopy.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.helidon.common.configurable.Resource;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The certificate a service's listeners present ({@code <service>.tls.cert-chain} and {@code
 * <service>.tls.private-key}, PEM; the key unencrypted PKCS#8). Both empty: plaintext. Both files
 * are read, parsed and checked to belong together when the configuration is created, so a bad file
 * stops the service at startup naming its setting.
 *
 * <p>{@code <service>.tls.client-ca} (PEM CA bundle), when set, turns on mutual TLS: every listener
 * then requires a client certificate chaining to one of those CAs and refuses the handshake
 * otherwise. It needs the listeners' own certificate.
 */
public record ServerTls(Path certChain, Path privateKey, Path clientCa) {

  /** No certificate: the listeners speak plaintext. */
  public static final ServerTls PLAINTEXT = new ServerTls(null, null, null);

  public ServerTls {
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("tls.cert-chain and tls.private-key: set both or neither");
    }
    if (clientCa != null && certChain == null) {
      throw new IllegalArgumentException("tls.client-ca: needs tls.cert-chain and tls.private-key");
    }
  }

  /** Server TLS without client certificates. */
  public ServerTls(Path certChain, Path privateKey) {
    this(certChain, privateKey, null);
  }

  /**
   * Reads {@code cert-chain}, {@code private-key} and {@code client-ca} under {@code node} (e.g.
   * {@code registry.tls}); all empty or absent means plaintext.
   */
  public static ServerTls create(Config node) {
    String chain = node.get("cert-chain").asString().orElse("").trim();
    String key = node.get("private-key").asString().orElse("").trim();
    String clientCa = node.get("client-ca").asString().orElse("").trim();
    String chainKey = node.key() + ".cert-chain";
    String keyKey = node.key() + ".private-key";
    String clientCaKey = node.key() + ".client-ca";
    if (!PemFiles.pairSet(chainKey, chain, keyKey, key)) {
      if (!clientCa.isEmpty()) {
        throw new IllegalArgumentException(
            clientCaKey
                + ": needs "
                + chainKey
                + " and "
                + keyKey
                + " (mutual TLS needs the listeners' own certificate)");
      }
      return PLAINTEXT;
    }
    ServerTls server = checked(chainKey, Path.of(chain), keyKey, Path.of(key));
    return clientCa.isEmpty() ? server : server.requiringClientsOf(clientCaKey, Path.of(clientCa));
  }

  /** A certificate from files, checked like {@link #create(Config)}; keys name the settings. */
  public static ServerTls checked(String chainKey, Path chain, String keyKey, Path key) {
    PemFiles.certifiedKey(chainKey, chain, keyKey, key);
    return new ServerTls(chain, key);
  }

  /**
   * This certificate, with listeners that require a client certificate chaining to the PEM CA
   * bundle {@code clientCa}, read and checked now; {@code key} names the setting.
   */
  public ServerTls requiringClientsOf(String key, Path clientCa) {
    if (!enabled()) {
      throw new IllegalArgumentException(key + ": needs the listeners' own certificate");
    }
    PemFiles.certificates(key, clientCa);
    return new ServerTls(certChain, privateKey, clientCa);
  }

  /** True when the listeners serve TLS. */
  public boolean enabled() {
    return certChain != null;
  }

  /** True when the listeners require a client certificate (mutual TLS). */
  public boolean requiresClientCertificates() {
    return clientCa != null;
  }

  /** The Netty context for a gRPC server ({@code NettyServerBuilder.sslContext}). */
  public SslContext grpcContext() {
    requireEnabled();
    try {
      SslContextBuilder builder =
          GrpcSslContexts.forServer(certChain.toFile(), privateKey.toFile());
      if (requiresClientCertificates()) {
        builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: cannot build a TLS context from '"
              + certChain
              + "' and '"
              + privateKey
              + "'"
              + (requiresClientCertificates() ? " with client CA '" + clientCa + "'" : ""),
          e);
    }
  }

  /**
   * Makes a Helidon listener serve HTTPS with this certificate, requiring client certificates when
   * {@link #requiresClientCertificates()}; plaintext: leaves it as is.
   */
  public void applyTo(WebServerConfig.Builder server) {
    if (!enabled()) {
      return;
    }
    Resource key = Resource.create(privateKey);
    Resource chain = Resource.create(certChain);
    server.tls(
        t -> {
          t.privateKey(k -> k.pem(pem -> pem.key(key)))
              .privateKeyCertChain(k -> k.pem(pem -> pem.certChain(chain)));
          if (requiresClientCertificates()) {
            Resource cas = Resource.create(clientCa);
            t.trust(k -> k.pem(pem -> pem.certificates(cas))).clientAuth(TlsClientAuth.REQUIRED);
          }
        });
  }

  private void requireEnabled() {
    if (!enabled()) {
      throw new IllegalStateException("tls: no certificate configured");
    }
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "ServerTls[plaintext]";
    }
    return "ServerTls[cert-chain="
        + certChain
        + (requiresClientCertificates() ? ", client-ca=" + clientCa : "")
        + "]";
  }
}

package io.canopy.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.helidon.common.configurable.Resource;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The certificate a service's listeners present ({@code <service>.tls.cert-chain} and {@code
 * <service>.tls.private-key}, PEM; the key unencrypted PKCS#8). Both empty: plaintext. Both files
 * are read, parsed and checked to belong together when the configuration is created, so a bad
 * file stops the service at startup naming its setting.
 */
public record ServerTls(Path certChain, Path privateKey) {

  /** No certificate: the listeners speak plaintext. */
  public static final ServerTls PLAINTEXT = new ServerTls(null, null);

  public ServerTls {
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("tls.cert-chain and tls.private-key: set both or neither");
    }
  }

  /**
   * Reads {@code cert-chain} and {@code private-key} under {@code node} (e.g. {@code
   * registry.tls}); both empty or absent means plaintext.
   */
  public static ServerTls create(Config node) {
    String chain = node.get("cert-chain").asString().orElse("").trim();
    String key = node.get("private-key").asString().orElse("").trim();
    String chainKey = node.key() + ".cert-chain";
    String keyKey = node.key() + ".private-key";
    if (chain.isEmpty() && key.isEmpty()) {
      return PLAINTEXT;
    }
    if (chain.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(
          chainKey + " and " + keyKey + ": set both or neither (" + (chain.isEmpty() ? chainKey : keyKey)
              + " is empty)");
    }
    return checked(chainKey, Path.of(chain), keyKey, Path.of(key));
  }

  /** A certificate from files, checked like {@link #create(Config)}; keys name the settings. */
  public static ServerTls checked(String chainKey, Path chain, String keyKey, Path key) {
    List<X509Certificate> certs = PemFiles.certificates(chainKey, chain);
    PrivateKey privateKey = PemFiles.privateKey(keyKey, key);
    PemFiles.requireMatch(keyKey, privateKey, certs.getFirst());
    return new ServerTls(chain, key);
  }

  /** True when the listeners serve TLS. */
  public boolean enabled() {
    return certChain != null;
  }

  /** The Netty context for a gRPC server ({@code NettyServerBuilder.sslContext}). */
  public SslContext grpcContext() {
    requireEnabled();
    try {
      return GrpcSslContexts.forServer(certChain.toFile(), privateKey.toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: cannot build a TLS context from '" + certChain + "' and '" + privateKey + "'", e);
    }
  }

  /** Makes a Helidon listener serve HTTPS with this certificate; plaintext: leaves it as is. */
  public void applyTo(WebServerConfig.Builder server) {
    if (!enabled()) {
      return;
    }
    Resource key = Resource.create(privateKey);
    Resource chain = Resource.create(certChain);
    server.tls(
        t ->
            t.privateKey(k -> k.pem(pem -> pem.key(key)))
                .privateKeyCertChain(k -> k.pem(pem -> pem.certChain(chain))));
  }

  private void requireEnabled() {
    if (!enabled()) {
      throw new IllegalStateException("tls: no certificate configured");
    }
  }

  @Override
  public String toString() {
    return enabled() ? "ServerTls[cert-chain=" + certChain + "]" : "ServerTls[plaintext]";
  }
}

package io.canopy.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.helidon.config.Config;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client reaches a service: plaintext, or TLS trusting only the CA certificates in {@code
 * trustCa} (PEM), so a server whose certificate does not chain to them fails the handshake. {@code
 * authority}, when set, is the name the server certificate must carry instead of the target's host
 * (for targets reached by an address not in the certificate). {@code certChain} and {@code
 * privateKey} (PEM, the key unencrypted PKCS#8; both or neither), when set, are the client
 * certificate presented to servers that require one (mutual TLS).
 */
public record ClientTls(Path trustCa, String authority, Path certChain, Path privateKey) {

  /** Plaintext channels. */
  public static final ClientTls PLAINTEXT = new ClientTls(null, "", null, null);

  public ClientTls {
    authority = authority == null ? "" : authority.trim();
    if (trustCa == null && !authority.isEmpty()) {
      throw new IllegalArgumentException("tls.authority: needs tls.trust-ca");
    }
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("tls.cert-chain and tls.private-key: set both or neither");
    }
    if (trustCa == null && certChain != null) {
      throw new IllegalArgumentException("tls.cert-chain: needs tls.trust-ca");
    }
  }

  /** TLS (or plaintext, {@code trustCa} null) without a client certificate. */
  public ClientTls(Path trustCa, String authority) {
    this(trustCa, authority, null, null);
  }

  /**
   * Reads {@code trust-ca}, {@code authority}, {@code cert-chain} and {@code private-key} under
   * {@code node} (e.g. {@code serving.registry.tls}); an empty {@code trust-ca} means plaintext.
   */
  public static ClientTls create(Config node) {
    String ca = node.get("trust-ca").asString().orElse("").trim();
    String authority = node.get("authority").asString().orElse("").trim();
    String chain = node.get("cert-chain").asString().orElse("").trim();
    String key = node.get("private-key").asString().orElse("").trim();
    String chainKey = node.key() + ".cert-chain";
    String keyKey = node.key() + ".private-key";
    if (ca.isEmpty()) {
      if (!authority.isEmpty()) {
        throw new IllegalArgumentException(
            node.key() + ".authority: needs " + node.key() + ".trust-ca");
      }
      if (!chain.isEmpty() || !key.isEmpty()) {
        throw new IllegalArgumentException(
            (chain.isEmpty() ? keyKey : chainKey) + ": needs " + node.key() + ".trust-ca");
      }
      return PLAINTEXT;
    }
    ClientTls tls = trusting(node.key() + ".trust-ca", Path.of(ca), authority);
    if (!PemFiles.pairSet(chainKey, chain, keyKey, key)) {
      return tls;
    }
    return tls.presenting(chainKey, Path.of(chain), keyKey, Path.of(key));
  }

  /** TLS trusting the PEM CA file {@code ca}, checked now; {@code key} names the setting. */
  public static ClientTls trusting(String key, Path ca, String authority) {
    PemFiles.certificates(key, ca);
    return new ClientTls(ca, authority);
  }

  /**
   * This client, presenting the certificate {@code chain} with {@code key}: both read, parsed and
   * checked to belong together now; {@code chainKey} and {@code keyKey} name the settings.
   */
  public ClientTls presenting(String chainKey, Path chain, String keyKey, Path key) {
    if (!enabled()) {
      throw new IllegalArgumentException(chainKey + ": a client certificate needs a trust CA");
    }
    PemFiles.certifiedKey(chainKey, chain, keyKey, key);
    return new ClientTls(trustCa, authority, chain, key);
  }

  /** True when channels use TLS. */
  public boolean enabled() {
    return trustCa != null;
  }

  /** True when channels present a client certificate. */
  public boolean presentsCertificate() {
    return certChain != null;
  }

  /**
   * Sets the channel's security: plaintext, or TLS trusting only {@link #trustCa()} and presenting
   * {@link #certChain()} when set.
   */
  public NettyChannelBuilder applyTo(NettyChannelBuilder channel) {
    if (!enabled()) {
      return channel.usePlaintext();
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trustCa.toFile());
      if (presentsCertificate()) {
        ssl.keyManager(certChain.toFile(), privateKey.toFile());
      }
      channel.sslContext(ssl.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: cannot use trust-ca '"
              + trustCa
              + "'"
              + (presentsCertificate() ? " with cert-chain '" + certChain + "'" : ""),
          e);
    }
    if (!authority.isEmpty()) {
      channel.overrideAuthority(authority);
    }
    return channel;
  }

  /**
   * A JDK context (for {@code java.net.http.HttpClient}) trusting only {@link #trustCa()} and
   * presenting {@link #certChain()} when set. {@link #authority()} is not part of it: JDK clients
   * check the certificate against the URL's host.
   *
   * @throws IllegalStateException when plaintext
   * @throws IllegalArgumentException when a file can no longer be read or parsed
   */
  public SSLContext sslContext() {
    if (!enabled()) {
      throw new IllegalStateException("tls: plaintext has no SSL context");
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      List<X509Certificate> cas = PemFiles.certificates("tls.trust-ca", trustCa);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("tls: cannot build an SSL context from " + this, e);
    }
  }

  private KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
    if (!presentsCertificate()) {
      return null;
    }
    PemFiles.CertifiedKey client =
        PemFiles.certifiedKey("tls.cert-chain", certChain, "tls.private-key", privateKey);
    // an in-memory store needs a password; it never leaves this method
    char[] password = new char[] {'-'};
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "client", client.privateKey(), password, client.chain().toArray(Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, password);
    return factory.getKeyManagers();
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "ClientTls[plaintext]";
    }
    return "ClientTls[trust-ca="
        + trustCa
        + (presentsCertificate() ? ", cert-chain=" + certChain : "")
        + "]";
  }
}

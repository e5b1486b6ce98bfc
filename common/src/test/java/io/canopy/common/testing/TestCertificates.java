package io.canopy.common.testing;

import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throwaway certificate authority, a server certificate it signed for {@code 127.0.0.1} and
 * {@code localhost} and a client certificate it signed (for mutual TLS), generated fresh (EC P-256)
 * and written as PEM files into a directory: the CA certificate, each chain (leaf then CA) and each
 * unencrypted PKCS#8 key. Nothing is checked in; every test run has its own keys. Needs
 * bcpkix-jdk18on on the test classpath.
 *
 * @param caCert PEM certificate of the CA (what clients trust, and what a server requiring client
 *     certificates of this CA trusts)
 * @param certChain PEM chain the server presents
 * @param privateKey the server's PEM PKCS#8 key
 * @param clientCertChain PEM chain a client presents (CN=canopy-test-client, clientAuth)
 * @param clientPrivateKey the client's PEM PKCS#8 key
 */
public record TestCertificates(
    Path caCert, Path certChain, Path privateKey, Path clientCertChain, Path clientPrivateKey) {

  private static final Duration VALIDITY = Duration.ofDays(2);

  /** Generates a new CA, server and client certificate into {@code dir} (created if missing). */
  public static TestCertificates create(Path dir) {
    try {
      Files.createDirectories(dir);
      KeyPair caKeys = ecKeys();
      KeyPair serverKeys = ecKeys();
      KeyPair clientKeys = ecKeys();
      X500Name caName = new X500Name("CN=Canopy Test CA " + System.nanoTime());
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
              caName,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              caName,
              caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCert = sign(ca, caKeys);

      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              new X500Name("CN=localhost"),
              serverKeys.getPublic());
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      server.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
      server.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      server.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate serverCert = sign(server, caKeys);

      X509v3CertificateBuilder client =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              new X500Name("CN=canopy-test-client"),
              clientKeys.getPublic());
      client.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      client.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      client.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
      client.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate clientCert = sign(client, caKeys);

      Path caFile = dir.resolve("ca.pem");
      Path chainFile = dir.resolve("server-chain.pem");
      Path keyFile = dir.resolve("server-key.pem");
      Files.writeString(caFile, pem(caCert));
      Files.writeString(chainFile, pem(serverCert) + pem(caCert));
      // getEncoded() of a JDK private key is PKCS#8: "BEGIN PRIVATE KEY".
      Files.writeString(
          keyFile, pem(new PemObject("PRIVATE KEY", serverKeys.getPrivate().getEncoded())));
      Path clientChainFile = dir.resolve("client-chain.pem");
      Path clientKeyFile = dir.resolve("client-key.pem");
      Files.writeString(clientChainFile, pem(clientCert) + pem(caCert));
      Files.writeString(
          clientKeyFile, pem(new PemObject("PRIVATE KEY", clientKeys.getPrivate().getEncoded())));
      return new TestCertificates(caFile, chainFile, keyFile, clientChainFile, clientKeyFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate test certificates", e);
    }
  }

  /** The server side: both files, checked as a service would at startup. */
  public ServerTls serverTls() {
    return ServerTls.checked("test.cert-chain", certChain, "test.private-key", privateKey);
  }

  /**
   * The server side requiring client certificates issued by {@code clientIssuer}'s CA (mutual TLS),
   * checked as a service would at startup.
   */
  public ServerTls serverTlsRequiringClientsOf(TestCertificates clientIssuer) {
    return serverTls().requiringClientsOf("test.client-ca", clientIssuer.caCert());
  }

  /** A client trusting this CA only. */
  public ClientTls clientTls() {
    return ClientTls.trusting("test.trust-ca", caCert, "");
  }

  /**
   * A client trusting this CA only and presenting the client certificate of {@code clientIssuer}
   * (this one, or another CA's to test a refused certificate).
   */
  public ClientTls clientTlsPresenting(TestCertificates clientIssuer) {
    return clientTls()
        .presenting(
            "test.cert-chain", clientIssuer.clientCertChain(),
            "test.private-key", clientIssuer.clientPrivateKey());
  }

  /** A JDK SSL context trusting this CA only (for {@code java.net.http.HttpClient}). */
  public SSLContext sslContext() {
    return clientTls().sslContext();
  }

  /**
   * A JDK SSL context trusting this CA only and presenting the client certificate of {@code
   * clientIssuer}.
   */
  public SSLContext sslContextPresenting(TestCertificates clientIssuer) {
    return clientTlsPresenting(clientIssuer).sslContext();
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    return gen.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static String pem(Object value) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (value instanceof PemObject raw) {
        writer.writeObject(raw);
      } else {
        writer.writeObject(value);
      }
    }
    return out.toString();
  }
}

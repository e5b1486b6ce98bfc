package io.canopy.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys the way the TLS stacks will, so that a bad file
 * fails at startup naming its setting instead of at the first handshake.
 */
final class PemFiles {

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  /** A certificate chain (leaf first) and the private key of its leaf. */
  record CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {}

  private PemFiles() {}

  /**
   * Whether a certificate-and-key pair of settings is set: false when both are empty, true when
   * both are set, and a failure naming the empty one when only one is.
   */
  static boolean pairSet(String chainKey, String chain, String keyKey, String key) {
    if (chain.isEmpty() && key.isEmpty()) {
      return false;
    }
    if (chain.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(
          chainKey
              + " and "
              + keyKey
              + ": set both or neither ("
              + (chain.isEmpty() ? chainKey : keyKey)
              + " is empty)");
    }
    return true;
  }

  /**
   * Reads a PEM certificate chain and its PEM PKCS#8 key and checks that the key belongs to the
   * chain's first certificate; {@code chainKey} and {@code keyKey} name the settings.
   */
  static CertifiedKey certifiedKey(String chainKey, Path chain, String keyKey, Path key) {
    List<X509Certificate> certs = certificates(chainKey, chain);
    PrivateKey privateKey = privateKey(keyKey, key);
    requireMatch(keyKey, privateKey, certs.getFirst());
    return new CertifiedKey(certs, privateKey);
  }

  /** The X.509 certificates of a PEM file, at least one; {@code key} names the setting. */
  static List<X509Certificate> certificates(String key, Path file) {
    readable(key, file);
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(key + ": no PEM certificate in '" + file + "'");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          key + ": '" + file + "' is not a PEM X.509 certificate file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read '" + file + "'", e);
    }
  }

  /** The private key of a PEM PKCS#8 file ("BEGIN PRIVATE KEY"); {@code key} names the setting. */
  static PrivateKey privateKey(String key, Path file) {
    readable(key, file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read '" + file + "'", e);
    }
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          key
              + ": '"
              + file
              + "' holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
              + " convert with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": '" + file + "' has a malformed PEM body", e);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        key + ": '" + file + "' is not an RSA, EC or EdDSA PKCS#8 private key");
  }

  /**
   * Fails unless {@code privateKey} belongs to {@code certificate}: signs random bytes with the key
   * and verifies them with the certificate's public key.
   */
  static void requireMatch(String key, PrivateKey privateKey, X509Certificate certificate) {
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm = signatureAlgorithm(privateKey.getAlgorithm());
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: fall through
    }
    throw new IllegalArgumentException(
        key
            + ": the private key does not belong to the first certificate of the chain ("
            + certificate.getSubjectX500Principal().getName()
            + ")");
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> keyAlgorithm; // Ed25519, Ed448, EdDSA sign with their own name
    };
  }

  private static void readable(String key, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + ": cannot read '" + file + "'");
    }
  }
}

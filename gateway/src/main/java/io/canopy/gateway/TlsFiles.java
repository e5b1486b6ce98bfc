package io.canopy.gateway;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificate both fronts present ({@code gateway.tls.*}): a PEM certificate chain and its
 * PEM (PKCS#8) private key. Both empty: plaintext.
 */
public record TlsFiles(String certChain, String privateKey) {

  public TlsFiles {
    certChain = certChain == null ? "" : certChain.trim();
    privateKey = privateKey == null ? "" : privateKey.trim();
    if (certChain.isEmpty() != privateKey.isEmpty()) {
      throw new IllegalArgumentException(
          "gateway.tls.cert-chain and gateway.tls.private-key: set both or neither");
    }
    for (String file : new String[] {certChain, privateKey}) {
      if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
        throw new IllegalArgumentException("gateway.tls: cannot read '" + file + "'");
      }
    }
  }

  public boolean enabled() {
    return !certChain.isEmpty();
  }
}

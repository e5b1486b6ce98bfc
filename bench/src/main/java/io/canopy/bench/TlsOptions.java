package io.canopy.bench;

import io.canopy.common.tls.ClientTls;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --tls-ca} (env CANOPY_TLS_CA) and {@code --tls-authority}: talk TLS to a service whose
 * certificate chains to the given PEM CA; without them, plaintext. {@code --tls-cert} and {@code
 * --tls-key} (env CANOPY_TLS_CERT, CANOPY_TLS_KEY; both or neither): the client certificate to
 * present to a service that requires one (mutual TLS).
 *
 * <p>The one mixin of every command that talks to the suite ({@code canopy bench}, the cli's
 * registry, predict and up commands); it lives here because the cli module depends on bench.
 */
public final class TlsOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--tls-ca",
      defaultValue = "${CANOPY_TLS_CA}",
      description =
          "PEM CA the server's certificate must chain to; turns TLS on (env CANOPY_TLS_CA)")
  String ca;

  @Option(
      names = "--tls-authority",
      defaultValue = "${CANOPY_TLS_AUTHORITY}",
      description = "name the server's certificate must carry, if not the target's host")
  String authority;

  @Option(
      names = "--tls-cert",
      defaultValue = "${CANOPY_TLS_CERT}",
      description = "PEM client certificate for mutual TLS; needs --tls-key (env CANOPY_TLS_CERT)")
  String cert;

  @Option(
      names = "--tls-key",
      defaultValue = "${CANOPY_TLS_KEY}",
      description = "PEM PKCS#8 key of --tls-cert (env CANOPY_TLS_KEY)")
  String key;

  /**
   * Plaintext, or TLS trusting the given CA and presenting the given client certificate; an
   * unreadable file or an incomplete pair is a usage error (exit 2).
   */
  public ClientTls clientTls() {
    boolean hasCert = cert != null && !cert.isBlank();
    boolean hasKey = key != null && !key.isBlank();
    if (ca == null || ca.isBlank()) {
      if (authority != null && !authority.isBlank()) {
        throw usage("--tls-authority needs --tls-ca");
      }
      if (hasCert || hasKey) {
        throw usage((hasCert ? "--tls-cert" : "--tls-key") + " needs --tls-ca");
      }
      return ClientTls.PLAINTEXT;
    }
    if (hasCert != hasKey) {
      throw usage("--tls-cert and --tls-key: set both or neither");
    }
    try {
      ClientTls tls = ClientTls.trusting("--tls-ca", Path.of(ca.trim()), authority);
      return hasCert
          ? tls.presenting("--tls-cert", Path.of(cert.trim()), "--tls-key", Path.of(key.trim()))
          : tls;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}

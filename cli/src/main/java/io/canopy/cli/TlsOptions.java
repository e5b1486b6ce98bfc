package io.canopy.cli;

import io.canopy.common.tls.ClientTls;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --tls-ca} (env CANOPY_TLS_CA) and {@code --tls-authority}: talk TLS to a service whose
 * certificate chains to the given PEM CA; without them, plaintext.
 */
public final class TlsOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--tls-ca",
      defaultValue = "${CANOPY_TLS_CA}",
      description = "PEM CA the server's certificate must chain to; turns TLS on (env CANOPY_TLS_CA)")
  String ca;

  @Option(
      names = "--tls-authority",
      defaultValue = "${CANOPY_TLS_AUTHORITY}",
      description = "name the server's certificate must carry, if not the target's host")
  String authority;

  /** Plaintext, or TLS trusting the given CA; an unreadable CA is a usage error (exit 2). */
  public ClientTls clientTls() {
    if (ca == null || ca.isBlank()) {
      if (authority != null && !authority.isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tls-authority needs --tls-ca");
      }
      return ClientTls.PLAINTEXT;
    }
    try {
      return ClientTls.trusting("--tls-ca", Path.of(ca.trim()), authority);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}

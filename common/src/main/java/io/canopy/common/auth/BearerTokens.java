package io.canopy.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * A set of accepted bearer tokens, each with the principal it names. Tokens are compared in
 * constant time (over their sha256, so length leaks nothing) and never logged or echoed.
 */
public final class BearerTokens {

  /** One accepted token and who presents it (for audit logs). */
  public record Token(String principal, String secret) {
    public Token {
      if (principal == null || principal.isBlank()) {
        throw new IllegalArgumentException("principal: must not be blank");
      }
      if (secret == null || secret.length() < 16) {
        throw new IllegalArgumentException(
            "token for '" + principal + "': must be at least 16 characters");
      }
    }

    @Override
    public String toString() {
      return "Token[principal=" + principal + ", secret=<redacted>]";
    }
  }

  private record Entry(String principal, byte[] digest) {}

  private final List<Entry> entries;

  public BearerTokens(List<Token> tokens) {
    this.entries =
        tokens.stream().map(t -> new Entry(t.principal(), digest(t.secret()))).toList();
  }

  /** True when no token is configured: authentication is off. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The principal of the token in an {@code Authorization} header value ("Bearer …"), or empty
   * when the header is missing, malformed or the token unknown. Checks every entry, always.
   */
  public Optional<String> authenticate(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = digest(authorizationHeader.substring(7).trim());
    String match = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest(), presented) && match == null) {
        match = e.principal();
      }
    }
    return Optional.ofNullable(match);
  }

  private static byte[] digest(String secret) {
    return io.canopy.common.digest.Sha256.newDigest().digest(secret.getBytes(StandardCharsets.UTF_8));
  }
}

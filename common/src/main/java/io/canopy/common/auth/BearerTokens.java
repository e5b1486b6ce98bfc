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

  /**
   * One accepted token and who presents it (for audit logs). Fails closed: a blank, too short,
   * whitespace-holding or placeholder-looking secret is refused (the service does not start) rather
   * than quietly accepted or quietly turning authentication off.
   */
  public record Token(String principal, String secret, Role role) {

    /** Shortest accepted secret, in UTF-8 bytes. */
    public static final int MIN_BYTES = 16;

    private static final java.util.regex.Pattern PLACEHOLDER =
        java.util.regex.Pattern.compile(
            "change[-_ ]?me|replace[-_ ]?me|placeholder|your[-_ ]?(secret|token)|example|todo|<.*>|\\$\\{.*}",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** A token that may do everything ({@link Role#ADMIN}). */
    public Token(String principal, String secret) {
      this(principal, secret, Role.ADMIN);
    }

    public Token {
      java.util.Objects.requireNonNull(role, "role");
      if (principal == null || principal.isBlank()) {
        throw new IllegalArgumentException("principal: must not be blank");
      }
      String who = "token for '" + principal + "'";
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException(who + ": must not be blank or only white space");
      }
      if (secret.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(who + ": must not contain white space");
      }
      if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
        throw new IllegalArgumentException(who + ": must be at least " + MIN_BYTES + " bytes");
      }
      if (PLACEHOLDER.matcher(secret).find() || secret.chars().distinct().count() < 4) {
        throw new IllegalArgumentException(
            who
                + ": looks like a placeholder, not a secret; generate one, e.g. 'openssl rand -hex 32'");
      }
    }

    @Override
    public String toString() {
      return "Token[principal="
          + principal
          + ", role="
          + role.configName()
          + ", secret=<redacted>]";
    }
  }

  /** Who presented a token, and what it may do. */
  public record Caller(String principal, Role role) {}

  private record Entry(Caller caller, byte[] digest) {}

  private final List<Entry> entries;

  public BearerTokens(List<Token> tokens) {
    this.entries =
        tokens.stream()
            .map(t -> new Entry(new Caller(t.principal(), t.role()), digest(t.secret())))
            .toList();
  }

  /** How many tokens are accepted. */
  public int size() {
    return entries.size();
  }

  /** True when no token is configured: authentication is off. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Who presents the token in an {@code Authorization} header value ("Bearer …") and their role, or
   * empty when the header is missing, malformed or the token unknown. Checks every entry.
   */
  public Optional<Caller> caller(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = digest(authorizationHeader.substring(7).trim());
    Caller match = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest(), presented) && match == null) {
        match = e.caller();
      }
    }
    return Optional.ofNullable(match);
  }

  private static byte[] digest(String secret) {
    return io.canopy.common.digest.Sha256.newDigest()
        .digest(secret.getBytes(StandardCharsets.UTF_8));
  }
}

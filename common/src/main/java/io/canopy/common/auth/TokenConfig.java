package io.canopy.common.auth;

import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads tokens from configuration, the same way in every service: one token under a key (empty:
 * none), or a list of {@code principal} / {@code token} / {@code role} entries. A bad token stops
 * the service naming its key (see {@link BearerTokens.Token}).
 */
public final class TokenConfig {

  private TokenConfig() {}

  /**
   * The token at {@code node}, if set.
   *
   * @param key the full key, for errors
   */
  public static Optional<BearerTokens.Token> single(
      Config node, String key, String principal, Role role) {
    String secret = node.asString().orElse("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(token(principal, secret, role, key));
  }

  /**
   * The list at {@code node}: entries of {@code principal}, {@code token} and an optional {@code
   * role} ({@code defaultRole} when absent).
   *
   * @param key the full key of the list, for errors ({@code key.N.token})
   */
  public static List<BearerTokens.Token> list(Config node, String key, Role defaultRole) {
    List<BearerTokens.Token> tokens = new ArrayList<>();
    List<Config> entries = node.asNodeList().orElse(List.of());
    for (int i = 0; i < entries.size(); i++) {
      Config entry = entries.get(i);
      String at = key + "." + i;
      Role role =
          entry.get("role").asString().map(r -> Role.parse(r, at + ".role")).orElse(defaultRole);
      tokens.add(
          token(
              entry.get("principal").asString().orElse(""),
              entry.get("token").asString().orElse(""),
              role,
              at));
    }
    return tokens;
  }

  private static BearerTokens.Token token(String principal, String secret, Role role, String key) {
    try {
      return new BearerTokens.Token(principal, secret, role);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }
}

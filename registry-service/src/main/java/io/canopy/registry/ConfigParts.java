package io.canopy.registry;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.config.ConfigLoader;
import io.canopy.registry.RegistryConfig.ArtifactBackend;
import io.canopy.registry.store.PostgresSettings;
import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the nested parts of {@link RegistryConfig}: PostgreSQL, artifacts, admin tokens. */
final class ConfigParts {

  /** The principal a single {@code registry.auth.admin-token} is recorded as. */
  static final String ADMIN = "admin";

  private ConfigParts() {}

  static PostgresSettings postgres(Config node) {
    return new PostgresSettings(
        ConfigLoader.stringValue(node, "url"),
        ConfigLoader.stringValue(node, "user"),
        node.get("password").asString().orElse(""),
        ConfigLoader.stringValue(node, "schema"),
        ConfigLoader.intValue(node, "pool-size"));
  }

  static ArtifactBackend artifactBackend(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "directory" -> ArtifactBackend.DIRECTORY;
      case "postgresql" -> ArtifactBackend.POSTGRESQL;
      default ->
          throw new IllegalArgumentException(
              "registry.artifacts.backend: '" + value
                  + "' is not supported (supported: directory, postgresql)");
    };
  }

  /**
   * {@code auth.admin-tokens} (a list of {@code principal}/{@code token}) plus {@code
   * auth.admin-token} (principal "admin"). The environment variable REGISTRY_AUTH_ADMIN_TOKEN
   * arrives as {@code auth.admin.token} through Helidon's mapping, so that spelling counts too.
   */
  static List<BearerTokens.Token> adminTokens(Config auth) {
    List<BearerTokens.Token> tokens = new ArrayList<>();
    // "" (the default) turns authentication off; anything else must be a real token: a value of
    // only spaces is refused rather than read as "off".
    String single =
        auth.get("admin-token")
            .asString()
            .asOptional()
            .filter(s -> !s.isEmpty())
            .or(() -> auth.get("admin.token").asString().asOptional())
            .orElse("");
    if (!single.isEmpty()) {
      tokens.add(token(ADMIN, single, "registry.auth.admin-token"));
    }
    List<Config> list = auth.get("admin-tokens").asNodeList().orElse(List.of());
    for (int i = 0; i < list.size(); i++) {
      Config entry = list.get(i);
      String key = "registry.auth.admin-tokens." + i;
      tokens.add(
          token(
              entry.get("principal").asString().orElse(""),
              entry.get("token").asString().orElse(""),
              key));
    }
    return tokens;
  }

  private static BearerTokens.Token token(String principal, String secret, String key) {
    try {
      return new BearerTokens.Token(principal, secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }
}

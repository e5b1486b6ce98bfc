package io.canopy.registry;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.canopy.common.auth.TokenConfig;
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
              "registry.artifacts.backend: '"
                  + value
                  + "' is not supported (supported: directory, postgresql)");
    };
  }

  /**
   * {@code auth.admin-tokens} (a list of {@code principal}/{@code token}) plus {@code
   * auth.admin-token} (principal "admin"). The environment variable REGISTRY_AUTH_ADMIN_TOKEN
   * arrives as {@code auth.admin.token} through Helidon's mapping, so that spelling counts too. ""
   * (the default) turns authentication off; anything else must be a real token.
   */
  static List<BearerTokens.Token> adminTokens(Config auth) {
    List<BearerTokens.Token> tokens = new ArrayList<>();
    Config single =
        auth.get("admin-token").asString().orElse("").isEmpty()
            ? auth.get("admin.token")
            : auth.get("admin-token");
    TokenConfig.single(single, "registry.auth.admin-token", ADMIN, Role.ADMIN)
        .ifPresent(tokens::add);
    tokens.addAll(
        TokenConfig.list(auth.get("admin-tokens"), "registry.auth.admin-tokens", Role.ADMIN));
    return tokens;
  }
}

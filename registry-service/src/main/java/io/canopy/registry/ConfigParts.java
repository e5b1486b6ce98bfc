package io.canopy.registry;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.canopy.common.auth.TokenConfig;
import io.canopy.common.config.ConfigLoader;
import io.canopy.registry.RegistryConfig.ArtifactBackend;
import io.canopy.registry.store.PostgresSettings;
import io.canopy.registry.store.S3Settings;
import io.helidon.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the nested parts of {@link RegistryConfig}: PostgreSQL, artifacts, S3, admin tokens. */
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
      case "s3" -> ArtifactBackend.S3;
      default ->
          throw new IllegalArgumentException(
              "registry.artifacts.backend: '"
                  + value
                  + "' is not supported (supported: directory, postgresql, s3)");
    };
  }

  /**
   * {@code artifacts.s3}. Keys with a dash arrive from the environment with {@code _dash_} (e.g.
   * REGISTRY_ARTIFACTS_S3_SECRET_dash_ACCESS_dash_KEY); unset credentials stay empty, which selects
   * the AWS SDK's default chain (AWS_ACCESS_KEY_ID, profiles, web identity, instance roles).
   */
  static S3Settings s3(Config node) {
    return new S3Settings(
        node.get("bucket").asString().orElse("").trim(),
        node.get("prefix").asString().orElse(""),
        node.get("region").asString().orElse("").trim(),
        S3Settings.endpoint(node.get("endpoint").asString().orElse("")),
        bool(node.get("path-style"), "registry.artifacts.s3.path-style"),
        node.get("access-key-id").asString().orElse(""),
        node.get("secret-access-key").asString().orElse(""));
  }

  private static boolean bool(Config node, String key) {
    String value = node.asString().orElse("false").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
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

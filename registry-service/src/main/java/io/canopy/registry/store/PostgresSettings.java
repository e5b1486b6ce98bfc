package io.canopy.registry.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach the PostgreSQL metadata (and optionally artifact) database.
 *
 * @param url JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/canopy}
 * @param user login role
 * @param password password ("" for trust or peer authentication)
 * @param schema where the registry's tables live (created if missing)
 * @param poolSize connections kept open
 */
public record PostgresSettings(
    String url, String user, String password, String schema, int poolSize) {

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PostgresSettings {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "registry.store.postgresql.url: '" + url + "' is not a jdbc:postgresql: URL");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("registry.store.postgresql.user: must not be blank");
    }
    Objects.requireNonNull(password, "registry.store.postgresql.password");
    if (schema == null || !SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "registry.store.postgresql.schema: '"
              + schema
              + "' must be a lower-case identifier ([a-z_][a-z0-9_]*)");
    }
    if (poolSize < 2 || poolSize > 100) {
      throw new IllegalArgumentException(
          "registry.store.postgresql.pool-size: " + poolSize + " is outside 2-100");
    }
  }

  @Override
  public String toString() {
    return "PostgresSettings[url="
        + url
        + ", user="
        + user
        + ", schema="
        + schema
        + ", poolSize="
        + poolSize
        + ", password=<redacted>]";
  }
}

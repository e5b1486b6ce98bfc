package io.canopy.monitor.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the record store lives: a SQLite file (the embedded default) or a PostgreSQL schema.
 *
 * @param sqliteFile the SQLite file, or null for PostgreSQL
 * @param postgresUrl jdbc:postgresql: URL, or null for SQLite
 * @param user PostgreSQL login role
 * @param password PostgreSQL password ("" for trust)
 * @param schema PostgreSQL schema holding the tables (created if missing)
 */
public record StoreSettings(
    Path sqliteFile, String postgresUrl, String user, String password, String schema) {

  public StoreSettings {
    if ((sqliteFile == null) == (postgresUrl == null)) {
      throw new IllegalArgumentException("store: exactly one of a SQLite file or a PostgreSQL url");
    }
    if (postgresUrl != null) {
      if (!postgresUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "store.postgresql.url: '" + postgresUrl + "' is not a jdbc:postgresql: URL");
      }
      Objects.requireNonNull(user, "store.postgresql.user");
      Objects.requireNonNull(password, "store.postgresql.password");
      if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException(
            "store.postgresql.schema: '" + schema + "' must be a lower-case identifier");
      }
    }
  }

  public static StoreSettings sqlite(Path file) {
    return new StoreSettings(file, null, null, null, null);
  }

  public static StoreSettings postgres(String url, String user, String password, String schema) {
    return new StoreSettings(null, url, user, password, schema);
  }

  @Override
  public String toString() {
    return sqliteFile != null
        ? "sqlite:" + sqliteFile
        : "postgresql:" + postgresUrl + " schema " + schema + " user " + user;
  }
}

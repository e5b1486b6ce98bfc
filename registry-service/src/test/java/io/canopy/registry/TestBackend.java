package io.canopy.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One test's storage: config overrides selecting the backend and, for PostgreSQL, a schema of its
 * own (unique per test, dropped by {@link #close()}), for S3 a server of its own (S3Proxy on a free
 * loopback port, stopped by {@link #close()}), so runs never see each other's data. The server
 * defaults to 127.0.0.1:5432, database {@code test}, user {@code postgres}; override with {@code
 * -Dcanopy.test.postgres.url=…} and {@code -Dcanopy.test.postgres.user=…}.
 */
public final class TestBackend implements AutoCloseable {

  static final String URL =
      System.getProperty("canopy.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getProperty("canopy.test.postgres.user", "postgres");

  /** Where the S3 backend keeps artifacts in its bucket. */
  static final String S3_PREFIX = "canopy/artifacts/";

  private final Backend backend;
  private final String schema;
  private final S3TestServer s3;
  private final String bucket;

  private TestBackend(Backend backend) {
    this.backend = backend;
    this.schema =
        "registry_test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    this.s3 = backend == Backend.SQLITE_S3 ? S3TestServer.start(scratch()) : null;
    this.bucket = s3 != null ? s3.createBucket() : null;
  }

  public static TestBackend create(Backend backend) {
    return new TestBackend(backend);
  }

  public Backend backend() {
    return backend;
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory("canopy-s3-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The S3 server of an S3 backend (to stop and restart it); absent for the others. */
  public S3TestServer s3() {
    if (s3 == null) {
      throw new IllegalStateException(backend + " has no S3 server");
    }
    return s3;
  }

  /** The bucket of an S3 backend. */
  public String bucket() {
    s3();
    return bucket;
  }

  /** Registry config overrides selecting this backend. */
  public Map<String, String> overrides() {
    return switch (backend) {
      case SQLITE_DIRECTORY -> Map.of();
      case SQLITE_S3 -> S3TestServer.registryOverrides(s3.endpoint(), bucket, S3_PREFIX);
      case POSTGRESQL ->
          Map.of(
              "registry.store.backend",
              "postgresql",
              "registry.artifacts.backend",
              "postgresql",
              "registry.store.postgresql.url",
              URL,
              "registry.store.postgresql.user",
              USER,
              "registry.store.postgresql.schema",
              schema,
              "registry.store.postgresql.pool-size",
              "4");
    };
  }

  /** Stored artifacts, whichever backend holds them. */
  long artifactCount(RegistryConfig config) {
    if (backend == Backend.SQLITE_DIRECTORY) {
      return InProcessRegistry.files(config.artifactDir());
    }
    if (backend == Backend.SQLITE_S3) {
      return s3.objects(bucket).size();
    }
    try (Connection c = DriverManager.getConnection(URL, USER, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + schema + ".artifacts")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws SQLException {
    if (s3 != null) {
      s3.close();
      s3.deleteFiles();
    }
    if (backend == Backend.POSTGRESQL) {
      try (Connection c = DriverManager.getConnection(URL, USER, "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}

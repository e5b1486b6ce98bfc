package io.canopy.registry;

import io.canopy.common.admin.AdminSettings;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.tls.ServerTls;
import io.canopy.common.tracing.TracingSettings;
import io.canopy.registry.store.PostgresSettings;
import io.canopy.registry.store.S3Settings;
import io.canopy.registry.watch.WatchLimits;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry's settings, read once from the {@code registry} key (defaults in {@code
 * registry.yaml}) and validated here so that a bad value fails at startup naming its key.
 *
 * @param grpc where the gRPC API listens
 * @param admin where the admin HTTP server listens ({@code registry.admin.*}), the largest body it
 *     takes ({@code registry.admin.max-payload-bytes}, 413 above it) and its certificate (the
 *     service's {@code registry.tls.*})
 * @param tracing {@code registry.tracing.*}: spans of its gRPC calls, off by default
 * @param dataDir holds {@code registry.db}, the artifact directory and staging files
 * @param storeBackend the metadata backend
 * @param uploadMaxBytes largest accepted artifact
 * @param validationTimeout wall-clock cap for validating one model
 * @param validationMaxHeapMb heap cap of the validation child JVM
 * @param validationProcesses how many warm validation children run at once
 * @param validationIdleTimeout a warm validation child unused this long is stopped (the pool
 *     shrinks to zero while nobody uploads); zero keeps children warm
 * @param validationMaxMemoryMb address-space cap of a validation child (heap, JVM and native
 *     memory), 0 for none
 * @param postgres how to reach PostgreSQL; present when a backend uses it
 * @param artifactBackend where artifacts are stored
 * @param s3 the bucket and how to reach it; present when {@code artifactBackend} is S3
 * @param adminTokens tokens that may mutate; empty means authentication is off
 * @param grpcLimits {@code registry.grpc.max-inbound-message-bytes} and {@code
 *     max-inbound-metadata-bytes}
 * @param tls {@code registry.tls.*}: the certificate of the gRPC and admin listeners; plaintext
 *     when unset
 * @param watchLimits {@code registry.watch.*}: open WatchModels streams, in total and per peer
 */
public record RegistryConfig(
    Listen grpc,
    AdminSettings admin,
    TracingSettings tracing,
    Path dataDir,
    StoreBackend storeBackend,
    long uploadMaxBytes,
    Duration validationTimeout,
    int validationMaxHeapMb,
    int validationProcesses,
    int validationMaxMemoryMb,
    Duration validationIdleTimeout,
    Optional<PostgresSettings> postgres,
    ArtifactBackend artifactBackend,
    Optional<S3Settings> s3,
    List<BearerTokens.Token> adminTokens,
    GrpcLimits grpcLimits,
    ServerTls tls,
    WatchLimits watchLimits) {

  /** Metadata backends; both run the same Flyway migrations and SQL. */
  public enum StoreBackend {
    SQLITE,
    POSTGRESQL
  }

  /**
   * Artifact backends: a content-addressed directory, chunked rows in PostgreSQL, or objects in an
   * S3-compatible bucket.
   */
  public enum ArtifactBackend {
    DIRECTORY,
    POSTGRESQL,
    S3
  }

  public RegistryConfig {
    if (grpc == null) {
      throw new IllegalArgumentException("registry.grpc: required");
    }
    if (admin == null) {
      throw new IllegalArgumentException("registry.admin: required");
    }
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new IllegalArgumentException("registry.data-dir: must not be blank");
    }
    if (storeBackend == null) {
      throw new IllegalArgumentException("registry.store.backend: required");
    }
    if (uploadMaxBytes < 1) {
      throw new IllegalArgumentException(
          "registry.upload.max-bytes: " + uploadMaxBytes + " must be at least 1");
    }
    if (validationTimeout == null || validationTimeout.isNegative() || validationTimeout.isZero()) {
      throw new IllegalArgumentException(
          "registry.validation.timeout: " + validationTimeout + " must be positive");
    }
    if (validationIdleTimeout == null || validationIdleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "registry.validation.idle-timeout: " + validationIdleTimeout + " must be 0 or positive");
    }
    if (validationMaxHeapMb < 16) {
      throw new IllegalArgumentException(
          "registry.validation.max-heap-mb: " + validationMaxHeapMb + " must be at least 16");
    }
    if (validationProcesses < 1 || validationProcesses > 64) {
      throw new IllegalArgumentException(
          "registry.validation.processes: " + validationProcesses + " is outside 1-64");
    }
    if (validationMaxMemoryMb != 0 && validationMaxMemoryMb < validationMaxHeapMb + 256) {
      throw new IllegalArgumentException(
          "registry.validation.max-memory-mb: "
              + validationMaxMemoryMb
              + " must be 0 (no cap) or at least max-heap-mb + 256 (the JVM needs room)");
    }
    Objects.requireNonNull(postgres, "postgres");
    if (artifactBackend == null) {
      throw new IllegalArgumentException("registry.artifacts.backend: required");
    }
    if (artifactBackend == ArtifactBackend.POSTGRESQL && storeBackend != StoreBackend.POSTGRESQL) {
      throw new IllegalArgumentException(
          "registry.artifacts.backend: postgresql keeps artifacts in the metadata database, so"
              + " it needs registry.store.backend: postgresql");
    }
    Objects.requireNonNull(s3, "s3");
    if (artifactBackend == ArtifactBackend.S3 && s3.isEmpty()) {
      throw new IllegalArgumentException("registry.artifacts.s3: required by the backend");
    }
    if (storeBackend == StoreBackend.POSTGRESQL && postgres.isEmpty()) {
      throw new IllegalArgumentException("registry.store.postgresql: required by the backend");
    }
    adminTokens = List.copyOf(adminTokens);
    Objects.requireNonNull(grpcLimits, "registry.grpc");
    Objects.requireNonNull(tls, "registry.tls");
    Objects.requireNonNull(tracing, "registry.tracing");
    Objects.requireNonNull(watchLimits, "registry.watch");
  }

  /** Reads the {@code registry} key of {@code root}. */
  public static RegistryConfig create(Config root) {
    Config node = root.get("registry");
    ServerTls tls = ServerTls.create(node.get("tls"));
    StoreBackend storeBackend = backend(ConfigLoader.stringValue(node, "store.backend"));
    ArtifactBackend artifactBackend =
        ConfigParts.artifactBackend(ConfigLoader.stringValue(node, "artifacts.backend"));
    return new RegistryConfig(
        Listen.create(node.get("grpc")),
        AdminSettings.create(node.get("admin"), tls),
        TracingSettings.create(node.get("tracing"), "canopy-registry"),
        Path.of(ConfigLoader.stringValue(node, "data-dir")),
        storeBackend,
        longValue(node, "upload.max-bytes"),
        ConfigLoader.duration(node, "validation.timeout"),
        ConfigLoader.intValue(node, "validation.max-heap-mb"),
        ConfigLoader.intValue(node, "validation.processes"),
        ConfigLoader.intValue(node, "validation.max-memory-mb"),
        ConfigLoader.duration(node, "validation.idle-timeout"),
        storeBackend == StoreBackend.POSTGRESQL
            ? Optional.of(ConfigParts.postgres(node.get("store.postgresql")))
            : Optional.empty(),
        artifactBackend,
        artifactBackend == ArtifactBackend.S3
            ? Optional.of(ConfigParts.s3(node.get("artifacts.s3")))
            : Optional.empty(),
        ConfigParts.adminTokens(node.get("auth")),
        GrpcLimits.create(node.get("grpc")),
        tls,
        WatchLimits.create(node.get("watch")));
  }

  private static StoreBackend backend(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "sqlite" -> StoreBackend.SQLITE;
      case "postgresql" -> StoreBackend.POSTGRESQL;
      default ->
          throw new IllegalArgumentException(
              "registry.store.backend: '"
                  + value
                  + "' is not supported (supported: sqlite, postgresql)");
    };
  }

  static long longValue(Config node, String key) {
    String text = ConfigLoader.stringValue(node, key).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "registry." + key + ": '" + text + "' is not an integer", e);
    }
  }

  /** The SQLite database file. */
  public Path databaseFile() {
    return dataDir.resolve("registry.db");
  }

  /** Root of the content-addressed artifact directory. */
  public Path artifactDir() {
    return dataDir.resolve("artifacts");
  }

  /** Private directories of the validation children (each deleted with its child). */
  public Path validationDir() {
    return dataDir.resolve("validation");
  }

  /** Staging area for uploads in progress (same file system as the artifact directory). */
  public Path stagingDir() {
    return dataDir.resolve("tmp");
  }
}

package io.canopy.serving.features;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where online features live: RocksDB (embedded, one process) or Redis (shared by replicas).
 *
 * @param backend which store
 * @param rocksdbPath RocksDB directory (backend rocksdb)
 * @param redisUri Redis URI (backend redis)
 * @param redisKeyPrefix prefix of every Redis key this store writes
 * @param redisTimeout connect and command timeout: past it a lookup fails with UNAVAILABLE
 * @param viewCacheTtl how long a feature view definition is cached in memory before re-reading it
 * @param limits {@code serving.features.max-response-bytes} and {@code max-value-bytes}
 */
public record FeatureSettings(
    Backend backend,
    Path rocksdbPath,
    String redisUri,
    String redisKeyPrefix,
    Duration redisTimeout,
    Duration viewCacheTtl,
    FeatureLimits limits) {

  /** The feature backends. */
  public enum Backend {
    ROCKSDB,
    REDIS
  }

  public FeatureSettings {
    Objects.requireNonNull(backend, "serving.features.backend");
    Objects.requireNonNull(rocksdbPath, "serving.features.rocksdb.path");
    Objects.requireNonNull(redisKeyPrefix, "serving.features.redis.key-prefix");
    if (redisUri == null || !redisUri.startsWith("redis") || !parses(redisUri)) {
      throw new IllegalArgumentException(
          "serving.features.redis.uri: must be a redis:// or rediss:// URI, got " + redisUri);
    }
    if (redisTimeout.isZero() || redisTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "serving.features.redis.timeout (or serving.features.redis.timeout-ms): must be > 0, got "
              + redisTimeout);
    }
    Objects.requireNonNull(limits, "serving.features");
    if (viewCacheTtl.isNegative()) {
      throw new IllegalArgumentException(
          "serving.features.view-cache (or serving.features.view-cache-ms): must be >= 0, got "
              + viewCacheTtl);
    }
  }

  private static boolean parses(String uri) {
    try {
      URI.create(uri);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Reads the {@code features} node under {@code serving}. */
  public static FeatureSettings create(Config node) {
    String backend = ConfigLoader.stringValue(node, "backend");
    Backend parsed;
    try {
      parsed = Backend.valueOf(backend.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "serving.features.backend: must be rocksdb or redis, got " + backend, e);
    }
    return new FeatureSettings(
        parsed,
        Path.of(ConfigLoader.stringValue(node, "rocksdb.path")),
        ConfigLoader.stringValue(node, "redis.uri"),
        node.get("redis.key-prefix").asString().orElse(""),
        ConfigLoader.duration(node, "redis.timeout", "redis.timeout-ms"),
        ConfigLoader.duration(node, "view-cache", "view-cache-ms"),
        new FeatureLimits(
            ConfigLoader.intValue(node, "max-response-bytes"),
            ConfigLoader.intValue(node, "max-value-bytes")));
  }
}

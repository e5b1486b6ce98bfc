package io.canopy.common.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Loads a service's configuration once, in {@code Main}. Precedence, highest first: system
 * properties ({@code -Dserving.grpc.port=9300}), environment variables ({@code
 * SERVING_GRPC_PORT=9300}), an optional YAML file named by {@code CANOPY_CONFIG} or {@code
 * -Dcanopy.config}, then the service's bundled defaults ({@code <service>.yaml} on the classpath).
 * Each service has its own top-level key, so the three can share one process.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * @param defaultsResource e.g. "serving.yaml"
   */
  public static Config load(String defaultsResource) {
    return load(defaultsResource, Map.of());
  }

  /**
   * Like {@link #load(String)}, with {@code overrides} above everything else: for facts only the
   * caller knows, such as the port another service in the same process actually bound.
   */
  public static Config load(String defaultsResource, Map<String, String> overrides) {
    Config.Builder builder =
        Config.builder()
            .disableSystemPropertiesSource()
            .disableEnvironmentVariablesSource()
            .addSource(ConfigSources.create(overrides))
            .addSource(ConfigSources.systemProperties())
            .addSource(ConfigSources.environmentVariables());
    String file = System.getProperty("canopy.config", System.getenv("CANOPY_CONFIG"));
    if (file != null && !file.isBlank()) {
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException("canopy.config: cannot read " + path.toAbsolutePath());
      }
      builder.addSource(ConfigSources.file(path));
    }
    builder.addSource(ConfigSources.classpath(defaultsResource));
    return builder.build();
  }

  /** Reads a required int, failing with the key's full name when absent or malformed. */
  public static int intValue(Config node, String key) {
    Config c = node.get(key);
    try {
      return c.asInt().orElseThrow(() -> missing(c));
    } catch (io.helidon.config.ConfigException e) {
      throw new IllegalArgumentException(c.key() + ": not an integer", e);
    }
  }

  /** Reads a required string, failing with the key's full name when absent. */
  public static String stringValue(Config node, String key) {
    Config c = node.get(key);
    return c.asString().orElseThrow(() -> missing(c));
  }

  /**
   * Reads a required duration in the one grammar of {@link Durations} ({@code 250ms}, {@code 10s},
   * {@code PT10S}), failing with the key's full name when absent or malformed.
   */
  public static Duration duration(Config node, String key) {
    Config c = node.get(key);
    return Durations.parse(c.asString().orElseThrow(() -> missing(c)), c.key().toString());
  }

  /**
   * Reads a duration that older releases configured as an integer count of milliseconds under
   * {@code legacyMillisKey} (e.g. {@code reconnect-initial-ms: 200}, now {@code reconnect-initial:
   * 200ms}). The old key still works and, when set anywhere, wins over the new one (whose value may
   * be only the bundled default).
   */
  public static Duration duration(Config node, String key, String legacyMillisKey) {
    Config legacy = node.get(legacyMillisKey);
    if (legacy.exists()) {
      int millis = intValue(node, legacyMillisKey);
      if (millis < 0) {
        throw new IllegalArgumentException(legacy.key() + ": must be >= 0, got " + millis);
      }
      return Duration.ofMillis(millis);
    }
    return duration(node, key);
  }

  private static IllegalArgumentException missing(Config c) {
    return new IllegalArgumentException(c.key() + ": required setting is missing");
  }
}

package io.canopy.common.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a service's configuration once, in {@code Main}. Precedence, highest first: system
 * properties ({@code -Dserving.grpc.port=9300}), environment variables ({@code
 * SERVING_GRPC_PORT=9300}), an optional YAML file named by {@code CANOPY_CONFIG} or {@code
 * -Dcanopy.config}, then the service's bundled defaults ({@code <service>.yaml} on the
 * classpath). Each service has its own top-level key, so the three can share one process.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** @param defaultsResource e.g. "serving.yaml" */
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

  private static IllegalArgumentException missing(Config c) {
    return new IllegalArgumentException(c.key() + ": required setting is missing");
  }
}

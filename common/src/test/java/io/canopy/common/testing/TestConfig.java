package io.canopy.common.testing;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.Map;

/**
 * A configuration for tests: the given settings over the given bundled defaults (e.g. {@code
 * "serving.yaml"}), and nothing from the environment or system properties, so a developer's shell
 * cannot change a test's outcome.
 */
public final class TestConfig {

  private TestConfig() {}

  /** {@code settings}, then each classpath resource of {@code defaults} in order, lowest last. */
  public static Config from(Map<String, String> settings, String... defaults) {
    Config.Builder builder =
        Config.builder()
            .disableEnvironmentVariablesSource()
            .disableSystemPropertiesSource()
            .addSource(ConfigSources.create(settings));
    for (String resource : defaults) {
      builder.addSource(ConfigSources.classpath(resource));
    }
    return builder.build();
  }
}

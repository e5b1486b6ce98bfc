package io.canopy.common.testing;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A configuration for tests: the given settings over the given bundled defaults (e.g. {@code
 * "serving.yaml"}), and nothing from the environment or system properties, so a developer's shell
 * cannot change a test's outcome.
 */
public final class TestConfig {

  private TestConfig() {}

  /**
   * Where tests that do not choose one keep the record store (serving's records, the gateway's
   * outcomes, the monitor's reads): one file per test JVM under the system's temporary directory,
   * never {@code .canopy/} in the module's directory.
   */
  private static final String RECORDS =
      Path.of(
              System.getProperty("java.io.tmpdir"),
              "canopy-test-records-" + ProcessHandle.current().pid(),
              "records.db")
          .toString();

  /**
   * {@code settings}, then each classpath resource of {@code defaults} in order, lowest last; the
   * record store defaults to a per-JVM temporary file and the monitor to no registry.
   */
  public static Config from(Map<String, String> settings, String... defaults) {
    Map<String, String> values = new HashMap<>();
    values.put("serving.recording.store.sqlite", RECORDS);
    values.put("gateway.outcomes.store.sqlite", RECORDS);
    values.put("monitor.store.sqlite", RECORDS);
    // No registry on a fixed port: a test that wants reference samples names its own.
    values.put("monitor.registry.target", "");
    values.putAll(settings);
    Config.Builder builder =
        Config.builder()
            .disableEnvironmentVariablesSource()
            .disableSystemPropertiesSource()
            .addSource(ConfigSources.create(values));
    for (String resource : defaults) {
      builder.addSource(ConfigSources.classpath(resource));
    }
    return builder.build();
  }
}

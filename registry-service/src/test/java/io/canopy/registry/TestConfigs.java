package io.canopy.registry;

import io.canopy.common.testing.TestConfig;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Registry configs for tests: bundled defaults, ports 0, a temp data dir, and overrides. */
public final class TestConfigs {

  private TestConfigs() {}

  public static Config config(Map<String, String> overrides) {
    return TestConfig.from(overrides, "registry.yaml");
  }

  public static RegistryConfig registry(Path dataDir, Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>();
    all.put("registry.grpc.port", "0");
    all.put("registry.admin.port", "0");
    all.put("registry.data-dir", dataDir.toString());
    all.put("registry.validation.processes", "2");
    all.putAll(overrides);
    return RegistryConfig.create(config(all));
  }

  public static RegistryConfig registry(Path dataDir) {
    return registry(dataDir, Map.of());
  }
}

package io.canopy.cli.up;

import io.canopy.common.config.ConfigLoader;
import io.canopy.gateway.GatewayConfig;
import io.canopy.gateway.GatewayServer;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import io.canopy.serving.ServingConfig;
import io.canopy.serving.ServingServer;
import java.util.HashMap;
import java.util.Map;

/**
 * The three services in one process, wired to each other's real ports: what {@code canopy up}
 * runs, and what the end-to-end test starts on port 0.
 */
public final class Suite implements AutoCloseable {

  private final RegistryServer registry;
  private final ServingServer serving;
  private final GatewayServer gateway;

  private Suite(RegistryServer registry, ServingServer serving, GatewayServer gateway) {
    this.registry = registry;
    this.serving = serving;
    this.gateway = gateway;
  }

  /**
   * Starts registry, then serving (pointed at the registry), then the gateway (pointed at both).
   *
   * @param overrides settings above env/sysprops/defaults, e.g. ports 0 and data dirs in tests
   */
  public static Suite start(Map<String, String> overrides) {
    RegistryServer registry =
        io.canopy.registry.Main.start(
            RegistryConfig.create(ConfigLoader.load("registry.yaml", overrides)));
    ServingServer serving = null;
    try {
      Map<String, String> servingOverrides = new HashMap<>(overrides);
      servingOverrides.put("serving.registry.target", "127.0.0.1:" + registry.grpcPort());
      serving =
          io.canopy.serving.Main.start(
              ServingConfig.create(ConfigLoader.load("serving.yaml", servingOverrides)));
      Map<String, String> gatewayOverrides = new HashMap<>(overrides);
      gatewayOverrides.put("gateway.upstream.serving-target", "127.0.0.1:" + serving.grpcPort());
      gatewayOverrides.put("gateway.upstream.registry-target", "127.0.0.1:" + registry.grpcPort());
      GatewayServer gateway =
          io.canopy.gateway.Main.start(
              GatewayConfig.create(ConfigLoader.load("gateway.yaml", gatewayOverrides)));
      return new Suite(registry, serving, gateway);
    } catch (RuntimeException e) {
      if (serving != null) {
        serving.close();
      }
      registry.close();
      throw e;
    }
  }

  public RegistryServer registry() {
    return registry;
  }

  public ServingServer serving() {
    return serving;
  }

  public GatewayServer gateway() {
    return gateway;
  }

  /** Stops front to back, so no request is accepted by a tier whose upstream is gone. */
  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      try {
        serving.close();
      } finally {
        registry.close();
      }
    }
  }
}

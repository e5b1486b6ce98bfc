package io.canopy.cli.up;

import io.canopy.common.config.ConfigLoader;
import io.canopy.gateway.GatewayConfig;
import io.canopy.gateway.GatewayServer;
import io.canopy.monitor.MonitorConfig;
import io.canopy.monitor.MonitorServer;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import io.canopy.serving.ServingConfig;
import io.canopy.serving.ServingServer;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The services in one process, wired to each other's real ports — but for the gateway's calls to
 * serving, which take grpc-java's in-process transport: what {@code canopy up} runs, and what the
 * end-to-end tests start on port 0.
 */
public final class Suite implements AutoCloseable {

  /**
   * Which services serve TLS on their listeners ({@code <service>.tls.*} set), and whether any
   * requires client certificates ({@code <service>.tls.client-ca}).
   */
  public record Tls(
      boolean registry, boolean serving, boolean gateway, boolean clientCertificates) {

    /** True when any service serves TLS. */
    public boolean any() {
      return registry || serving || gateway;
    }
  }

  private final RegistryServer registry;
  private final MonitorServer monitor;
  private final ServingServer serving;
  private final GatewayServer gateway;
  private final Tls tls;

  private Suite(
      RegistryServer registry,
      MonitorServer monitor,
      ServingServer serving,
      GatewayServer gateway,
      Tls tls) {
    this.registry = registry;
    this.monitor = monitor;
    this.serving = serving;
    this.gateway = gateway;
    this.tls = tls;
  }

  /**
   * Starts registry, then the monitor (which creates the record store), then serving (pointed at
   * the registry), then the gateway (pointed at both).
   *
   * @param overrides settings above env/sysprops/defaults, e.g. ports 0 and data dirs in tests
   */
  public static Suite start(Map<String, String> overrides) {
    return start(overrides, null);
  }

  /**
   * Like {@link #start(Map)}, the spans of every service whose {@code <service>.tracing.enabled}
   * handed to {@code spans} instead of OTLP (null: OTLP): the end-to-end tracing test reads one
   * trace across the services from OpenTelemetry's in-memory exporter.
   */
  public static Suite start(Map<String, String> overrides, SpanProcessor spans) {
    RegistryConfig registryConfig =
        RegistryConfig.create(ConfigLoader.load("registry.yaml", overrides));
    RegistryServer registry =
        io.canopy.registry.RegistryServer.start(
            registryConfig, RegistryServer.Seams.real().withSpans(spans));
    MonitorServer monitor = null;
    ServingServer serving = null;
    try {
      Map<String, String> monitorOverrides = new HashMap<>(overrides);
      monitorOverrides.put("monitor.registry.target", "127.0.0.1:" + registry.grpcPort());
      monitor =
          MonitorServer.start(
              MonitorConfig.create(ConfigLoader.load("monitor.yaml", monitorOverrides)));
      Map<String, String> servingOverrides = new HashMap<>(overrides);
      servingOverrides.put("serving.registry.target", "127.0.0.1:" + registry.grpcPort());
      // The gateway reaches serving in-process: the hop costs no socket and no copy. Serving
      // still listens on its port for clients that call it directly.
      String inProcess = "canopy-serving-" + UUID.randomUUID();
      servingOverrides.put("serving.grpc.in-process-name", inProcess);
      ServingConfig servingConfig =
          ServingConfig.create(ConfigLoader.load("serving.yaml", servingOverrides));
      serving =
          io.canopy.serving.ServingServer.start(
              servingConfig, ServingServer.Seams.real().withSpans(spans));
      Map<String, String> gatewayOverrides = new HashMap<>(overrides);
      gatewayOverrides.put("gateway.upstream.serving-target", "in-process:" + inProcess);
      gatewayOverrides.put("gateway.upstream.registry-target", "127.0.0.1:" + registry.grpcPort());
      gatewayOverrides.put("gateway.monitor.target", "127.0.0.1:" + monitor.grpcPort());
      GatewayConfig gatewayConfig =
          GatewayConfig.create(ConfigLoader.load("gateway.yaml", gatewayOverrides));
      GatewayServer gateway =
          io.canopy.gateway.GatewayServer.start(
              gatewayConfig, GatewayServer.Seams.real().withSpans(spans));
      Tls tls =
          new Tls(
              registryConfig.tls().enabled(),
              servingConfig.tls().enabled(),
              gatewayConfig.tls().enabled(),
              registryConfig.tls().requiresClientCertificates()
                  || servingConfig.tls().requiresClientCertificates()
                  || gatewayConfig.tls().requiresClientCertificates());
      return new Suite(registry, monitor, serving, gateway, tls);
    } catch (RuntimeException e) {
      if (serving != null) {
        serving.close();
      }
      if (monitor != null) {
        monitor.close();
      }
      registry.close();
      throw e;
    }
  }

  public RegistryServer registry() {
    return registry;
  }

  public MonitorServer monitor() {
    return monitor;
  }

  public ServingServer serving() {
    return serving;
  }

  public GatewayServer gateway() {
    return gateway;
  }

  public Tls tls() {
    return tls;
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
        try {
          monitor.close();
        } finally {
          registry.close();
        }
      }
    }
  }
}

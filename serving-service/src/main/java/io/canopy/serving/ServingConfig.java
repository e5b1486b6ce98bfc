package io.canopy.serving;

import io.canopy.common.admin.AdminSettings;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.canopy.common.auth.TokenConfig;
import io.canopy.common.config.ByteSizes;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.common.tracing.TracingSettings;
import io.canopy.serving.features.FeatureSettings;
import io.canopy.serving.model.ManagerSettings;
import io.canopy.serving.predict.FastPathSettings;
import io.canopy.serving.recording.RecordingSettings;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * serving-service settings, read once from the {@code serving} key (defaults in {@code
 * serving.yaml}).
 *
 * @param grpc where InferenceService and KServe v2 listen
 * @param admin where /observe/health and /observe/metrics listen ({@code serving.admin.*}), the
 *     largest body it takes ({@code serving.admin.max-payload-bytes}, 413 above it) and its
 *     certificate (the service's {@code serving.tls.*})
 * @param tracing {@code serving.tracing.*}: spans of its gRPC calls, feature lookups and
 *     computations, and of its calls to the registry; off by default
 * @param registryTarget gRPC target of the model registry
 * @param managerSettings the model manager's settings (cache dir, nthread, in-flight limit,
 *     registry backoff and download deadline, retire grace, fast path), each checked there
 * @param features where the feature store keeps views and values
 * @param inlineMaxRows Predicts of at most this many rows on the pure-Java engine compute on the
 *     gRPC transport thread (no hand-off to the work pool); 0 sends every prediction to the pool
 * @param maxRows {@code serving.predict.max-rows}: most rows (or entity keys) one Predict,
 *     ModelInfer or GetOnlineFeatures may carry; more: RESOURCE_EXHAUSTED
 * @param grpcLimits {@code serving.grpc.max-inbound-message-bytes} and {@code
 *     max-inbound-metadata-bytes}
 * @param tls {@code serving.tls.*}: the certificate of the gRPC and admin listeners; plaintext when
 *     unset
 * @param registryTls {@code serving.registry.tls.*}: the CA the registry's certificate must chain
 *     to; plaintext when unset
 * @param recording {@code serving.recording.*}: prediction records (store, buffer, sample rate and
 *     privacy per model)
 * @param inProcessName {@code serving.grpc.in-process-name}: also answer on grpc-java's in-process
 *     transport under this name (a gateway in the same JVM, as {@code canopy up} runs them); empty:
 *     Netty only
 */
public record ServingConfig(
    Listen grpc,
    AdminSettings admin,
    TracingSettings tracing,
    String registryTarget,
    ManagerSettings managerSettings,
    FeatureSettings features,
    int inlineMaxRows,
    int maxRows,
    GrpcLimits grpcLimits,
    ServerTls tls,
    ClientTls registryTls,
    int maxSeriesPerMetric,
    List<BearerTokens.Token> tokens,
    RecordingSettings recording,
    String inProcessName) {

  public ServingConfig {
    Objects.requireNonNull(features, "serving.features");
    Objects.requireNonNull(grpc, "serving.grpc");
    Objects.requireNonNull(admin, "serving.admin");
    Objects.requireNonNull(tracing, "serving.tracing");
    Objects.requireNonNull(managerSettings, "serving");
    Objects.requireNonNull(grpcLimits, "serving.grpc");
    Objects.requireNonNull(tls, "serving.tls");
    Objects.requireNonNull(registryTls, "serving.registry.tls");
    Objects.requireNonNull(recording, "serving.recording");
    if (registryTarget == null || registryTarget.isBlank()) {
      throw new IllegalArgumentException("serving.registry.target: must not be blank");
    }
    if (inlineMaxRows < 0) {
      throw new IllegalArgumentException(
          "serving.predict.inline-max-rows: must be >= 0, got " + inlineMaxRows);
    }
    tokens = List.copyOf(tokens);
    if (maxSeriesPerMetric < 1) {
      throw new IllegalArgumentException(
          "serving.metrics.max-series-per-metric: must be positive, got " + maxSeriesPerMetric);
    }
    Objects.requireNonNull(inProcessName, "serving.grpc.in-process-name");
    if (!inProcessName.equals(inProcessName.strip())) {
      throw new IllegalArgumentException(
          "serving.grpc.in-process-name: must not start or end with blanks, got '"
              + inProcessName
              + "'");
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException(
          "serving.predict.max-rows: must be positive, got " + maxRows);
    }
  }

  /** {@code serving.models.memory-budget}: a size, or "auto" for half the machine's memory. */
  static long memoryBudget(String value) {
    if (value.strip().equalsIgnoreCase("auto")) {
      return ((com.sun.management.OperatingSystemMXBean)
                  java.lang.management.ManagementFactory.getOperatingSystemMXBean())
              .getTotalMemorySize()
          / 2;
    }
    return ByteSizes.parse(value, "serving.models.memory-budget");
  }

  /** Reads the {@code serving} key of a configuration root. */
  public static ServingConfig create(Config root) {
    Config node = root.get("serving");
    ServerTls tls = ServerTls.create(node.get("tls"));
    return new ServingConfig(
        Listen.create(node.get("grpc")),
        AdminSettings.create(node.get("admin"), tls),
        TracingSettings.create(node.get("tracing"), "canopy-serving"),
        ConfigLoader.stringValue(node, "registry.target"),
        new ManagerSettings(
            Path.of(ConfigLoader.stringValue(node, "cache-dir")),
            ConfigLoader.intValue(node, "predict.nthread"),
            ConfigLoader.intValue(node, "predict.max-in-flight-per-model"),
            ConfigLoader.duration(
                node, "registry.reconnect-initial", "registry.reconnect-initial-ms"),
            ConfigLoader.duration(node, "registry.reconnect-max", "registry.reconnect-max-ms"),
            ConfigLoader.duration(
                node, "registry.download-timeout", "registry.download-timeout-ms"),
            ConfigLoader.duration(node, "retire-grace", "retire-grace-ms"),
            FastPathSettings.create(node.get("predict.fast-path")),
            memoryBudget(ConfigLoader.stringValue(node, "models.memory-budget"))),
        FeatureSettings.create(node.get("features")),
        ConfigLoader.intValue(node, "predict.inline-max-rows"),
        ConfigLoader.intValue(node, "predict.max-rows"),
        GrpcLimits.create(node.get("grpc")),
        tls,
        ClientTls.create(node.get("registry.tls")),
        ConfigLoader.intValue(node.get("metrics"), "max-series-per-metric"),
        tokens(node.get("auth")),
        RecordingSettings.create(node.get("recording")),
        ConfigLoader.stringValue(node, "grpc.in-process-name"));
  }

  /**
   * {@code auth.tokens} (a list; role predict unless given) and {@code auth.admin-token} (role
   * admin; env SERVING_AUTH_ADMIN_dash_TOKEN), e.g. the gateway's {@code gateway.upstream.token}.
   */
  private static List<BearerTokens.Token> tokens(Config auth) {
    List<BearerTokens.Token> tokens = new java.util.ArrayList<>();
    TokenConfig.single(auth.get("admin-token"), "serving.auth.admin-token", "admin", Role.ADMIN)
        .ifPresent(tokens::add);
    tokens.addAll(TokenConfig.list(auth.get("tokens"), "serving.auth.tokens", Role.PREDICT));
    return tokens;
  }
}

package io.canopy.serving;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.admin.AdminSettings;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.serving.features.FeatureSettings;
import io.canopy.serving.model.ManagerSettings;
import io.canopy.serving.predict.FastPathSettings;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * serving-service settings, read once from the {@code serving} key (defaults in {@code
 * serving.yaml}).
 *
 * @param grpc where InferenceService and KServe v2 listen
 * @param admin where /observe/health and /observe/metrics listen
 * @param registryTarget gRPC target of the model registry
 * @param cacheDir local artifact cache and last registry state
 * @param nthread XGBoost threads per prediction call
 * @param maxInFlightPerModel requests computing at once per model before UNAVAILABLE
 * @param reconnectInitial first backoff after the registry watch breaks or a download fails
 * @param reconnectMax longest backoff
 * @param downloadTimeout deadline of one artifact download
 * @param features where the feature store keeps views and values
 * @param retireGrace how long a version stays loaded after traffic leaves it
 * @param fastPath the verified pure-Java fast path for small batches
 * @param inlineMaxRows Predicts of at most this many rows on the pure-Java engine compute on the
 *     gRPC transport thread (no hand-off to the work pool); 0 sends every prediction to the pool
 * @param grpcLimits {@code serving.grpc.max-inbound-message-bytes} and {@code
 *     max-inbound-metadata-bytes}
 * @param adminMaxPayloadBytes {@code serving.admin.max-payload-bytes}: larger admin bodies get 413
 * @param tls {@code serving.tls.*}: the certificate of the gRPC and admin listeners; plaintext
 *     when unset
 * @param registryTls {@code serving.registry.tls.*}: the CA the registry's certificate must chain
 *     to; plaintext when unset
 */
public record ServingConfig(
    Listen grpc,
    Listen admin,
    String registryTarget,
    Path cacheDir,
    int nthread,
    int maxInFlightPerModel,
    Duration reconnectInitial,
    Duration reconnectMax,
    Duration downloadTimeout,
    FeatureSettings features,
    Duration retireGrace,
    FastPathSettings fastPath,
    int inlineMaxRows,
    GrpcLimits grpcLimits,
    long adminMaxPayloadBytes,
    ServerTls tls,
    ClientTls registryTls) {

  public ServingConfig {
    Objects.requireNonNull(features, "serving.features");
    Objects.requireNonNull(grpc, "serving.grpc");
    Objects.requireNonNull(admin, "serving.admin");
    Objects.requireNonNull(fastPath, "serving.predict.fast-path");
    Objects.requireNonNull(grpcLimits, "serving.grpc");
    Objects.requireNonNull(tls, "serving.tls");
    Objects.requireNonNull(registryTls, "serving.registry.tls");
    if (adminMaxPayloadBytes < 1) {
      throw new IllegalArgumentException(
          "serving.admin.max-payload-bytes: " + adminMaxPayloadBytes + " must be positive");
    }
    if (registryTarget == null || registryTarget.isBlank()) {
      throw new IllegalArgumentException("serving.registry.target: must not be blank");
    }
    if (inlineMaxRows < 0) {
      throw new IllegalArgumentException(
          "serving.predict.inline-max-rows: must be >= 0, got " + inlineMaxRows);
    }
    // the model manager's keys: ManagerSettings checks them, naming each key
    new ManagerSettings(
        cacheDir,
        nthread,
        maxInFlightPerModel,
        reconnectInitial,
        reconnectMax,
        downloadTimeout,
        retireGrace,
        fastPath);
  }

  /** Reads the {@code serving} key of a configuration root. */
  public static ServingConfig create(Config root) {
    Config node = root.get("serving");
    return new ServingConfig(
        Listen.create(node.get("grpc")),
        Listen.create(node.get("admin")),
        ConfigLoader.stringValue(node, "registry.target"),
        Path.of(ConfigLoader.stringValue(node, "cache-dir")),
        ConfigLoader.intValue(node, "predict.nthread"),
        ConfigLoader.intValue(node, "predict.max-in-flight-per-model"),
        millis(node, "registry.reconnect-initial-ms"),
        millis(node, "registry.reconnect-max-ms"),
        millis(node, "registry.download-timeout-ms"),
        FeatureSettings.create(node.get("features")),
        millis(node, "retire-grace-ms"),
        FastPathSettings.create(node.get("predict.fast-path")),
        ConfigLoader.intValue(node, "predict.inline-max-rows"),
        GrpcLimits.create(node.get("grpc")),
        ConfigLoader.intValue(node, "admin.max-payload-bytes"),
        ServerTls.create(node.get("tls")),
        ClientTls.create(node.get("registry.tls")));
  }

  /** The admin listener: address, body limit, and the same certificate as the gRPC listener. */
  public AdminSettings adminSettings() {
    return new AdminSettings(admin, adminMaxPayloadBytes, tls);
  }

  private static Duration millis(Config node, String key) {
    return Duration.ofMillis(ConfigLoader.intValue(node, key));
  }

  /** The model manager's share of these settings. */
  public ManagerSettings managerSettings() {
    return new ManagerSettings(
        cacheDir,
        nthread,
        maxInFlightPerModel,
        reconnectInitial,
        reconnectMax,
        downloadTimeout,
        retireGrace,
        fastPath);
  }
}

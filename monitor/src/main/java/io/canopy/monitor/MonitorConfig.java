package io.canopy.monitor;

import io.canopy.common.admin.AdminSettings;
import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.canopy.common.auth.TokenConfig;
import io.canopy.common.config.ConfigLoader;
import io.canopy.common.config.Durations;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.monitor.kafka.KafkaSettings;
import io.canopy.monitor.quality.Slice;
import io.canopy.monitor.store.StoreConfig;
import io.canopy.monitor.store.StoreSettings;
import io.helidon.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The monitor's settings, read once from the {@code monitor} key (defaults in {@code
 * monitor.yaml}).
 *
 * @param windows quality windows by name ("1h" → one hour), shortest first
 * @param joinWindow outcomes observed later than this after the prediction are not joined
 * @param threshold binary accuracy threshold
 * @param maxRows {@code monitor.max-rows}: a report reads at most about this many of a version's
 *     rows in a window (a uniform sample by request id when there are more), which bounds its time
 *     and memory
 * @param retention records older than this are deleted
 * @param retentions per model ({@code monitor.models.<m>.retention}), a retention of its own
 * @param maxPredictions the store keeps at most this many predictions (oldest go first)
 * @param pruneInterval how often the store is pruned
 * @param slices per model, the features its quality is broken down by
 * @param minOutcomes {@code monitor.compare.min-outcomes}: rows with an outcome each version needs
 *     before a comparison gives a verdict
 * @param baselineRows {@code monitor.drift.baseline-rows}: a version's first predictions that form
 *     its drift baseline
 * @param metricsInterval {@code monitor.metrics.interval}: how often the canopy_monitor_* gauges
 *     are recomputed
 * @param metricsMaxModels {@code monitor.metrics.max-models}: most models the gauges cover
 * @param registryTarget {@code monitor.registry.target}: where versions' reference samples are
 *     read; empty: none (live baselines only)
 * @param registryTls {@code monitor.registry.tls.*}
 * @param ingest {@code monitor.ingest.kafka.*}: the Kafka record log to consume, when set
 * @param ingestGroup {@code monitor.ingest.kafka.group}: the consumer group monitors share
 */
public record MonitorConfig(
    Listen grpc,
    AdminSettings admin,
    GrpcLimits grpcLimits,
    ServerTls tls,
    List<BearerTokens.Token> tokens,
    StoreSettings store,
    Map<String, Duration> windows,
    Duration joinWindow,
    double threshold,
    long maxRows,
    Duration retention,
    Map<String, Duration> retentions,
    long maxPredictions,
    Duration pruneInterval,
    Map<String, List<Slice>> slices,
    int minOutcomes,
    int baselineRows,
    Duration metricsInterval,
    int metricsMaxModels,
    String registryTarget,
    ClientTls registryTls,
    Optional<KafkaSettings> ingest,
    String ingestGroup) {

  public MonitorConfig {
    Objects.requireNonNull(store, "monitor.store");
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("monitor.windows: name at least one window");
    }
    windows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(windows));
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("monitor.threshold: " + threshold + " is outside (0, 1)");
    }
    if (maxRows < 1000) {
      throw new IllegalArgumentException("monitor.max-rows: " + maxRows + " must be at least 1000");
    }
    if (maxPredictions < 1) {
      throw new IllegalArgumentException("monitor.max-predictions: must be positive");
    }
    if (pruneInterval.isZero()) {
      throw new IllegalArgumentException("monitor.prune-interval: must be positive");
    }
    tokens = List.copyOf(tokens);
    slices = Map.copyOf(slices);
    retentions = Map.copyOf(retentions);
    for (var r : retentions.entrySet()) {
      if (r.getValue().isZero()) {
        throw new IllegalArgumentException(
            "monitor.models." + r.getKey() + ".retention: must be positive");
      }
    }
    Objects.requireNonNull(registryTarget, "monitor.registry.target");
    Objects.requireNonNull(registryTls, "monitor.registry.tls");
    Objects.requireNonNull(ingest, "monitor.ingest.kafka");
    if (ingest.isPresent() && (ingestGroup == null || ingestGroup.isBlank())) {
      throw new IllegalArgumentException("monitor.ingest.kafka.group: must not be blank");
    }
    if (metricsInterval.isZero() || metricsMaxModels < 1) {
      throw new IllegalArgumentException(
          "monitor.metrics.interval and max-models: must be positive");
    }
    if (baselineRows < 10) {
      throw new IllegalArgumentException(
          "monitor.drift.baseline-rows: " + baselineRows + " must be at least 10");
    }
    if (minOutcomes < 2) {
      throw new IllegalArgumentException(
          "monitor.compare.min-outcomes: " + minOutcomes + " must be at least 2");
    }
  }

  /** The slices of {@code model} (none unless configured). */
  public List<Slice> slicesOf(String model) {
    return slices.getOrDefault(model, List.of());
  }

  /** Reads the {@code monitor} key of a configuration root. */
  public static MonitorConfig create(Config root) {
    Config node = root.get("monitor");
    ServerTls tls = ServerTls.create(node.get("tls"));
    List<String> names = node.get("windows").asList(String.class).orElse(List.of());
    Map<String, Duration> ordered = new LinkedHashMap<>();
    names.stream()
        .sorted(
            (a, b) ->
                Durations.parse(a, "monitor.windows")
                    .compareTo(Durations.parse(b, "monitor.windows")))
        .forEach(n -> ordered.put(n, Durations.parse(n, "monitor.windows")));
    Map<String, List<Slice>> slices = new TreeMap<>();
    Map<String, Duration> retentions = new TreeMap<>();
    for (Config model : node.get("models").asNodeList().orElse(List.of())) {
      if (model.get("retention").exists()) {
        retentions.put(model.name(), ConfigLoader.duration(model, "retention"));
      }
      List<Slice> list = new ArrayList<>();
      for (Config s : model.get("slices").asNodeList().orElse(List.of())) {
        list.add(
            new Slice(
                ConfigLoader.stringValue(s, "feature"),
                s.get("edges").asList(Double.class).orElse(List.of())));
      }
      slices.put(model.name(), list);
    }
    List<BearerTokens.Token> tokens = new ArrayList<>();
    TokenConfig.single(
            node.get("auth.admin-token"), "monitor.auth.admin-token", "admin", Role.ADMIN)
        .ifPresent(tokens::add);
    tokens.addAll(TokenConfig.list(node.get("auth.tokens"), "monitor.auth.tokens", Role.PREDICT));
    return new MonitorConfig(
        Listen.create(node.get("grpc")),
        AdminSettings.create(node.get("admin"), tls),
        GrpcLimits.create(node.get("grpc")),
        tls,
        tokens,
        StoreConfig.create(node.get("store"), "monitor.store"),
        ordered,
        ConfigLoader.duration(node, "join-window"),
        node.get("threshold").asDouble().orElse(0.5),
        ConfigLoader.intValue(node, "max-rows"),
        ConfigLoader.duration(node, "retention"),
        retentions,
        node.get("max-predictions").asLong().orElse(5_000_000L),
        ConfigLoader.duration(node, "prune-interval"),
        slices,
        ConfigLoader.intValue(node, "compare.min-outcomes"),
        ConfigLoader.intValue(node, "drift.baseline-rows"),
        ConfigLoader.duration(node, "metrics.interval"),
        ConfigLoader.intValue(node, "metrics.max-models"),
        node.get("registry.target").asString().orElse("").trim(),
        ClientTls.create(node.get("registry.tls")),
        ingest(node.get("ingest.kafka")),
        node.get("ingest.kafka.group").asString().orElse("canopy-monitor"));
  }

  private static Optional<KafkaSettings> ingest(Config kafka) {
    if (kafka.get("bootstrap").asString().orElse("").isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KafkaSettings.create(kafka));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("monitor.ingest." + e.getMessage(), e);
    }
  }
}

package io.canopy.serving.recording;

import io.canopy.common.config.ConfigLoader;
import io.canopy.monitor.log.RecordLogSettings;
import io.helidon.config.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code serving.recording}: whether and where prediction records go, the buffer in front of the
 * sink, and per model the sample rate and privacy settings.
 *
 * @param enabled false: nothing is recorded
 * @param log where records are written: the record store, or Kafka
 * @param bufferBytes records waiting for the store, in bytes; more are dropped and counted
 * @param batchCalls calls whose records are written in one transaction
 * @param flushInterval how long a record may wait for its batch before it is written anyway
 * @param defaults settings of models not named in {@code models}
 * @param models per-model settings
 */
public record RecordingSettings(
    boolean enabled,
    RecordLogSettings log,
    long bufferBytes,
    int batchCalls,
    Duration flushInterval,
    ModelRecording defaults,
    Map<String, ModelRecording> models) {

  public RecordingSettings {
    if (bufferBytes < 1024) {
      throw new IllegalArgumentException(
          "serving.recording.buffer-bytes: " + bufferBytes + " must be at least 1024");
    }
    if (batchCalls < 1) {
      throw new IllegalArgumentException(
          "serving.recording.batch-calls: " + batchCalls + " must be positive");
    }
    models = Map.copyOf(models);
    if (flushInterval.isZero() || flushInterval.isNegative()) {
      throw new IllegalArgumentException("serving.recording.flush-interval: must be positive");
    }
  }

  /** Nothing recorded. */
  public static RecordingSettings off() {
    return new RecordingSettings(
        false,
        null,
        1024,
        1,
        Duration.ofSeconds(1),
        new ModelRecording(0, java.util.Set.of(), java.util.Set.of(), false),
        Map.of());
  }

  public ModelRecording forModel(String model) {
    return models.getOrDefault(model, defaults);
  }

  public static RecordingSettings create(Config node) {
    boolean enabled = node.get("enabled").asBoolean().orElse(true);
    ModelRecording defaults = model(node.get("default"), "serving.recording.default", null);
    Map<String, ModelRecording> models = new TreeMap<>();
    for (Config m : node.get("models").asNodeList().orElse(List.of())) {
      models.put(m.name(), model(m, "serving.recording.models." + m.name(), defaults));
    }
    return new RecordingSettings(
        enabled,
        enabled ? RecordLogSettings.create(node, "serving.recording") : null,
        node.get("buffer-bytes").asLong().orElse(32L << 20),
        ConfigLoader.intValue(node, "batch-calls"),
        ConfigLoader.duration(node, "flush-interval"),
        defaults,
        models);
  }

  private static ModelRecording model(Config node, String key, ModelRecording inherit) {
    try {
      return new ModelRecording(
          node.get("sample-rate").asDouble().orElse(inherit == null ? 1.0 : inherit.sampleRate()),
          new HashSet<>(
              node.get("features.allow")
                  .asList(String.class)
                  .orElse(inherit == null ? List.of() : List.copyOf(inherit.allow()))),
          new HashSet<>(
              node.get("features.deny")
                  .asList(String.class)
                  .orElse(inherit == null ? List.of() : List.copyOf(inherit.deny()))),
          node.get("hash-entity-keys")
              .asBoolean()
              .orElse(inherit != null && inherit.hashEntityKeys()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + "." + e.getMessage(), e);
    }
  }
}

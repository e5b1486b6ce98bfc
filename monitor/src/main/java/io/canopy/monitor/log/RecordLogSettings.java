package io.canopy.monitor.log;

import io.canopy.monitor.kafka.KafkaRecordLog;
import io.canopy.monitor.kafka.KafkaSettings;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreConfig;
import io.canopy.monitor.store.StoreSettings;
import io.helidon.config.Config;
import java.util.Locale;

/**
 * Where a service writes its records: the record store itself (the embedded default) or Kafka. The
 * same keys wherever they appear ({@code sink}, {@code store.*}, {@code kafka.*}).
 *
 * @param store with sink store
 * @param kafka with sink kafka
 */
public record RecordLogSettings(Sink sink, StoreSettings store, KafkaSettings kafka) {

  /** The two places records go. */
  public enum Sink {
    STORE,
    KAFKA
  }

  public RecordLogSettings {
    if (sink == Sink.STORE && store == null || sink == Sink.KAFKA && kafka == null) {
      throw new IllegalArgumentException("sink " + sink + " needs its settings");
    }
  }

  /** Reads {@code node}; a bad value names {@code prefix} and the key. */
  public static RecordLogSettings create(Config node, String prefix) {
    String sink = node.get("sink").asString().orElse("store").trim().toLowerCase(Locale.ROOT);
    try {
      return switch (sink) {
        case "store" ->
            new RecordLogSettings(
                Sink.STORE, StoreConfig.create(node.get("store"), prefix + ".store"), null);
        case "kafka" ->
            new RecordLogSettings(Sink.KAFKA, null, KafkaSettings.create(node.get("kafka")));
        default ->
            throw new IllegalArgumentException(
                prefix + ".sink: '" + sink + "' is not store or kafka");
      };
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(prefix)
          ? e
          : new IllegalArgumentException(prefix + "." + e.getMessage(), e);
    }
  }

  /** Opens the log; {@code clientId} names this service to Kafka. */
  public RecordLog open(String clientId) {
    return sink == Sink.KAFKA
        ? new KafkaRecordLog(kafka, clientId)
        : new StoreRecordLog(MonitorStore.open(store));
  }

  @Override
  public String toString() {
    return sink == Sink.KAFKA ? "kafka " + kafka.bootstrap() : store.toString();
  }
}

package io.canopy.monitor.kafka;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;

/**
 * Where the record log lives when it is Kafka: the brokers and the two topics. Records and outcomes
 * are keyed by model, so one model's stay in order on one partition.
 *
 * @param bootstrap bootstrap servers, host:port[,host:port]
 * @param predictionsTopic where serving writes PredictionRecords
 * @param outcomesTopic where the gateway writes OutcomeRecords
 */
public record KafkaSettings(String bootstrap, String predictionsTopic, String outcomesTopic) {

  public KafkaSettings {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "kafka.bootstrap: the brokers' host:port list is required");
    }
    if (predictionsTopic == null || predictionsTopic.isBlank()) {
      throw new IllegalArgumentException("kafka.predictions-topic: must not be blank");
    }
    if (outcomesTopic == null || outcomesTopic.isBlank()) {
      throw new IllegalArgumentException("kafka.outcomes-topic: must not be blank");
    }
  }

  public static KafkaSettings create(Config node) {
    return new KafkaSettings(
        ConfigLoader.stringValue(node, "bootstrap"),
        ConfigLoader.stringValue(node, "predictions-topic"),
        ConfigLoader.stringValue(node, "outcomes-topic"));
  }
}

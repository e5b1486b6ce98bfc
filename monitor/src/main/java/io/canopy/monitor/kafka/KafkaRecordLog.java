package io.canopy.monitor.kafka;

import com.google.protobuf.MessageLite;
import io.canopy.monitor.log.RecordLog;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.OutcomeRecordBatch;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.PredictionRecordBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The record log on Kafka: an idempotent producer with {@code acks=all}; each append becomes one
 * message per model ({@link PredictionRecordBatch}, {@link OutcomeRecordBatch}, split at about
 * {@value #MAX_MESSAGE_BYTES} bytes), keyed by the model. A batch returns once every message of it
 * is acknowledged; a broker that is down fails the batch within a few seconds (the caller, an
 * AsyncWriter, counts it and backs off) rather than blocking for the producer's default minute.
 */
public final class KafkaRecordLog implements RecordLog {

  /** A message stays well under the producer's and broker's default 1 MiB limit. */
  static final int MAX_MESSAGE_BYTES = 512 * 1024;

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaSettings settings;

  public KafkaRecordLog(KafkaSettings settings, String clientId) {
    this.settings = settings;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Fail a batch in seconds when the brokers are away; the writer drops, counts and retries
    // later.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  @Override
  public void appendPredictions(List<PredictionRecord> records) {
    append(
        settings.predictionsTopic(),
        records,
        PredictionRecord::getModel,
        batch -> PredictionRecordBatch.newBuilder().addAllRecords(batch).build());
  }

  @Override
  public void appendOutcomes(List<OutcomeRecord> outcomes) {
    append(
        settings.outcomesTopic(),
        outcomes,
        OutcomeRecord::getModel,
        batch -> OutcomeRecordBatch.newBuilder().addAllOutcomes(batch).build());
  }

  /**
   * Sends {@code items} as messages of one model each (split at about {@link #MAX_MESSAGE_BYTES}),
   * keyed by the model, in order, and waits until Kafka acknowledged every one.
   */
  private <T extends MessageLite> void append(
      String topic,
      List<T> items,
      Function<T, String> modelOf,
      Function<List<T>, MessageLite> message) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Map<String, List<T>> byModel = new LinkedHashMap<>();
    Map<String, Integer> bytes = new HashMap<>();
    for (T item : items) {
      String model = modelOf.apply(item);
      int size = item.getSerializedSize();
      if (bytes.merge(model, size, Integer::sum) > MAX_MESSAGE_BYTES
          && byModel.containsKey(model)) {
        sent.add(send(topic, model, message.apply(byModel.remove(model))));
        bytes.put(model, size);
      }
      byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(item);
    }
    byModel.forEach((model, batch) -> sent.add(send(topic, model, message.apply(batch))));
    await(sent);
  }

  private Future<RecordMetadata> send(String topic, String model, MessageLite message) {
    return producer.send(
        new ProducerRecord<>(topic, model.getBytes(StandardCharsets.UTF_8), message.toByteArray()));
  }

  private static void await(List<Future<RecordMetadata>> sent) {
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Kafka acknowledged records", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("Kafka did not take the records: " + e.getCause(), e);
      }
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}

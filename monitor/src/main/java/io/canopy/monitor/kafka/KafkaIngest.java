package io.canopy.monitor.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.OutcomeRecordBatch;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.PredictionRecordBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The monitor's side of the Kafka record log: one consumer in the group {@code group} reads both
 * topics and writes each polled batch into the store, committing offsets only after the store took
 * it. A batch that fails is read again after a restart of the consumer; the store's keys make the
 * second write a no-op, so nothing counts twice. Instances of the monitor share the partitions.
 */
public final class KafkaIngest implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KafkaIngest.class.getName());

  private final KafkaSettings settings;
  private final String group;
  private final MonitorStore store;
  private final Thread thread;
  private final AtomicLong ingested = new AtomicLong();
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  public KafkaIngest(KafkaSettings settings, String group, MonitorStore store) {
    this.settings = settings;
    this.group = group;
    this.store = store;
    this.thread = Thread.ofPlatform().name("canopy-monitor-ingest").daemon().start(this::run);
  }

  /** Records and outcomes written to the store so far. */
  public long ingested() {
    return ingested.get();
  }

  private KafkaConsumer<byte[], byte[]> open() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A message is a batch of up to ~512 KiB of records: a poll holds at most ~8 MiB of them.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    c.subscribe(List.of(settings.predictionsTopic(), settings.outcomesTopic()));
    return c;
  }

  private void run() {
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = open()) {
        consumer = c;
        while (running) {
          var polled = c.poll(Duration.ofMillis(500));
          if (polled.isEmpty()) {
            continue;
          }
          List<PredictionRecord> predictions = new ArrayList<>();
          List<OutcomeRecord> outcomes = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> r : polled) {
            try {
              if (r.topic().equals(settings.predictionsTopic())) {
                predictions.addAll(PredictionRecordBatch.parseFrom(r.value()).getRecordsList());
              } else {
                outcomes.addAll(OutcomeRecordBatch.parseFrom(r.value()).getOutcomesList());
              }
            } catch (InvalidProtocolBufferException e) {
              LOG.warning(
                  "skipping a message that is not a record batch: " + r.topic() + "@" + r.offset());
            }
          }
          if (!predictions.isEmpty()) {
            store.addPredictions(predictions);
          }
          if (!outcomes.isEmpty()) {
            store.addOutcomes(outcomes);
          }
          c.commitSync();
          ingested.addAndGet(predictions.size() + outcomes.size());
        }
      } catch (WakeupException e) {
        // close() woke the poll: the loop ends
      } catch (RuntimeException e) {
        if (running) {
          LOG.log(
              Level.WARNING, "ingesting from Kafka failed; reading again from the last commit", e);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

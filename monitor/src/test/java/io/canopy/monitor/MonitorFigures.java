package io.canopy.monitor;

import io.canopy.common.requestid.RequestIds;
import io.canopy.common.testing.TestConfig;
import io.canopy.monitor.drift.ReferenceSource;
import io.canopy.monitor.kafka.KafkaBroker;
import io.canopy.monitor.kafka.KafkaIngest;
import io.canopy.monitor.kafka.KafkaRecordLog;
import io.canopy.monitor.kafka.KafkaSettings;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: the monitor's figures in docs/PERFORMANCE.md ("Prediction records"), measured on this
 * machine against a real Kafka broker (a child JVM, like the tests'):
 *
 * <pre>
 * bench/scripts/monitor-figures.sh [records]
 * </pre>
 *
 * Prints: the record store's write cost per record; the Kafka sink's producer cost per record; the
 * aggregator's ingest rate (records per second, and per second of this process's CPU: the broker is
 * another process); how long an outcome takes from Kafka to the store; how long one gauge refresh
 * takes over the ingested rows. With {@code broker} as the only argument it starts a broker, prints
 * its bootstrap address and runs until killed (for bench/scripts).
 */
public final class MonitorFigures {

  private static final List<String> FEATURES =
      List.of("tenure_months", "monthly_spend", "support_calls", "age");

  private MonitorFigures() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("canopy-monitor-figures");
    if (args.length == 1 && args[0].equals("broker")) {
      try (KafkaBroker broker = new KafkaBroker(dir)) {
        System.out.println("bootstrap " + broker.bootstrap());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    System.out.printf(
        Locale.ROOT,
        "%d records like the demo's (4 features, 1 output), load average %.2f, %d cores%n",
        n,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    long now = System.currentTimeMillis();
    List<PredictionRecord> records = records(n, now - 600_000);
    List<OutcomeRecord> outcomes = new ArrayList<>();
    Random random = new Random(3);
    for (PredictionRecord r : records) {
      outcomes.add(outcome(r, random.nextFloat() < r.getOutputs(0) ? 1 : 0, now));
    }

    // 1. The embedded record store: what serving's writer thread spends per record (the first
    // half warms the JIT up; the second is measured).
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("w.db")))) {
      for (int i = 0; i < n / 2; i += 400) {
        store.addPredictions(records.subList(i, Math.min(n / 2, i + 400)));
      }
      long cpu = cpu();
      long start = System.nanoTime();
      for (int i = n / 2; i < n; i += 400) {
        store.addPredictions(records.subList(i, Math.min(n, i + 400)));
      }
      report("store (SQLite) write", n - n / 2, System.nanoTime() - start, cpu() - cpu);
    }

    try (KafkaBroker broker = new KafkaBroker(dir)) {
      KafkaSettings settings =
          new KafkaSettings(broker.bootstrap(), "canopy.predictions", "canopy.outcomes");
      // 2. The Kafka sink: what serving's writer thread (and its producer) spend per record.
      try (KafkaRecordLog log = new KafkaRecordLog(settings, "figures")) {
        for (int i = 0; i < n / 2; i += 400) { // connect, metadata, JIT
          log.appendPredictions(records.subList(i, Math.min(n / 2, i + 400)));
        }
        long cpu = cpu();
        long start = System.nanoTime();
        for (int i = n / 2; i < n; i += 400) {
          log.appendPredictions(records.subList(i, Math.min(n, i + 400)));
        }
        report("Kafka sink append", n - n / 2, System.nanoTime() - start, cpu() - cpu);
        log.appendOutcomes(outcomes);
      }
      // 3. The aggregator: consume both topics into its store.
      try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(dir.resolve("i.db")))) {
        long cpu = cpu();
        long start = System.nanoTime();
        try (KafkaIngest ingest = new KafkaIngest(settings, "figures", store)) {
          while (ingest.ingested() < 2L * n) {
            Thread.sleep(20);
          }
          report("aggregator ingest", 2L * n, System.nanoTime() - start, cpu() - cpu);

          // 4. From an outcome's arrival in Kafka to the store, then to the gauges.
          List<Long> lags = new ArrayList<>();
          try (KafkaRecordLog log = new KafkaRecordLog(settings, "figures-outcomes")) {
            for (int i = 0; i < 20; i++) {
              long before = ingest.ingested();
              long sent = System.nanoTime();
              log.appendOutcomes(List.of(outcome(records.get(i), 1, System.currentTimeMillis())));
              while (ingest.ingested() == before) {
                Thread.sleep(1);
              }
              lags.add((System.nanoTime() - sent) / 1_000_000);
            }
          }
          lags.sort(null);
          System.out.printf(
              Locale.ROOT,
              "outcome from Kafka into the store: median %d ms, max %d ms (20 outcomes)%n",
              lags.get(lags.size() / 2),
              lags.get(lags.size() - 1));
        }
        MonitorConfig config =
            MonitorConfig.create(
                TestConfig.from(
                    Map.of("monitor.store.sqlite", dir.resolve("i.db").toString()),
                    "monitor.yaml"));
        MetricsRefresh refresh =
            new MetricsRefresh(store, config, ReferenceSource.NONE, v -> {}, Clock.systemUTC());
        refresh.figures(); // warm-up
        long refreshCpu = cpu();
        long refreshStart = System.nanoTime();
        var figures = refresh.figures();
        System.out.printf(
            Locale.ROOT,
            "one gauge refresh over %d rows (max-rows %d, windows %s): %.0f ms, %.0f ms CPU;"
                + " %d series, auc(1h) %.4f%n",
            n,
            config.maxRows(),
            config.windows().keySet(),
            (System.nanoTime() - refreshStart) / 1e6,
            (cpu() - refreshCpu) / 1e6,
            figures.size(),
            figures.get(new io.canopy.monitor.metrics.Series("auc", "churn", 1, "1h")));
        System.out.printf(
            Locale.ROOT,
            "an outcome reaches the gauges after: its trip into the store + the wait for the next"
                + " refresh (at most monitor.metrics.interval, %s) + one refresh%n",
            config.metricsInterval());
      }
    }
  }

  private static List<PredictionRecord> records(int n, long startMillis) {
    Random random = new Random(1);
    List<PredictionRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      PredictionRecord.Builder r =
          PredictionRecord.newBuilder()
              .setRequestId(RequestIds.generate())
              .setTime(Times.timestamp(startMillis + i / 400))
              .setModel("churn")
              .setVersion(1)
              .setSha256("2a51bb2f74f1b5b3f82eb852f745d25a45ab7123636e2c162fa4cbd36735f8de")
              .setObjective("binary:logistic")
              .setRoute("production")
              .setOutput("value")
              .setLatencyNanos(40_000)
              .addOutputs(random.nextFloat());
      for (String f : FEATURES) {
        r.addFeatures(RecordedFeature.newBuilder().setName(f).setValue(random.nextInt(100)));
      }
      records.add(r.build());
    }
    return records;
  }

  private static OutcomeRecord outcome(PredictionRecord r, long label, long millis) {
    return OutcomeRecord.newBuilder()
        .setModel(r.getModel())
        .setReceivedTime(Times.timestamp(millis))
        .setOutcome(
            Outcome.newBuilder()
                .setRequestId(r.getRequestId())
                .setRow(r.getRow())
                .setLabel(label)
                .setTime(Times.timestamp(millis)))
        .build();
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void report(String what, long records, long nanos, long cpuNanos) {
    System.out.printf(
        Locale.ROOT,
        "%-22s %9.0f records/s, %5.2f us/record wall, %5.2f us/record CPU (%9.0f records per"
            + " CPU-second)%n",
        what,
        records / (nanos / 1e9),
        nanos / 1e3 / records,
        cpuNanos / 1e3 / records,
        records / (cpuNanos / 1e9));
  }
}

package io.canopy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of the tuning space: the gateway's micro-batching settings a candidate gateway runs
 * with ({@code gateway.batching.max-delay}, {@code max-batch-rows}, {@code max-in-flight}), and the
 * XGBoost threads of the serving replica it sends to ({@code serving.predict.nthread}; 0: the
 * running replicas of {@code --serving}, whatever theirs is).
 */
record Candidate(Duration maxDelay, int maxBatchRows, int maxInFlight, int nthread) {

  static final String DELAY_KEY = "gateway.batching.max-delay";
  static final String ROWS_KEY = "gateway.batching.max-batch-rows";
  static final String IN_FLIGHT_KEY = "gateway.batching.max-in-flight";

  Candidate {
    if (maxDelay == null || maxDelay.isNegative()) {
      throw new IllegalArgumentException("max-delay must not be negative, got " + maxDelay);
    }
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("max-batch-rows must be positive, got " + maxBatchRows);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("max-in-flight must be positive, got " + maxInFlight);
    }
    if (nthread < 0) {
      throw new IllegalArgumentException("nthread must not be negative, got " + nthread);
    }
  }

  Candidate withMaxDelay(Duration delay) {
    return new Candidate(delay, maxBatchRows, maxInFlight, nthread);
  }

  Candidate withMaxBatchRows(int rows) {
    return new Candidate(maxDelay, rows, maxInFlight, nthread);
  }

  Candidate withMaxInFlight(int inFlight) {
    return new Candidate(maxDelay, maxBatchRows, inFlight, nthread);
  }

  Candidate withNthread(int threads) {
    return new Candidate(maxDelay, maxBatchRows, maxInFlight, threads);
  }

  /** The settings as the gateway's configuration keys (batching on), in a stable order. */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("gateway.batching.enabled", "true");
    settings.put(DELAY_KEY, durationText(maxDelay));
    settings.put(ROWS_KEY, Integer.toString(maxBatchRows));
    settings.put(IN_FLIGHT_KEY, Integer.toString(maxInFlight));
    return settings;
  }

  /**
   * The lines to put in gateway.yaml ({@code gateway:}), and when the candidate tuned it, in
   * serving.yaml ({@code serving:}).
   */
  List<String> yamlLines() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "gateway:",
                "  batching:",
                "    enabled: true",
                "    max-delay: " + durationText(maxDelay),
                "    max-batch-rows: " + maxBatchRows,
                "    max-in-flight: " + maxInFlight));
    if (nthread > 0) {
      lines.addAll(List.of("serving:", "  predict:", "    nthread: " + nthread));
    }
    return lines;
  }

  /** The same settings as JVM system properties: the gateway's, then serving's if tuned. */
  List<String> systemProperties() {
    List<String> flags =
        new ArrayList<>(
            settings().entrySet().stream()
                .map(e -> "-D" + e.getKey() + "=" + e.getValue())
                .toList());
    if (nthread > 0) {
      flags.add("-D" + CandidateServing.NTHREAD_KEY + "=" + nthread);
    }
    return flags;
  }

  /**
   * "1ms/64/4": delay, batch rows, in-flight, for tables and plot labels; "1ms/64/4 t2" when
   * serving ran with nthread 2.
   */
  String label() {
    String batching = durationText(maxDelay) + "/" + maxBatchRows + "/" + maxInFlight;
    return nthread > 0 ? batching + " t" + nthread : batching;
  }

  /** A duration in the configuration's grammar: whole ms when it is, else µs (e.g. 500us). */
  static String durationText(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    if (nanos % 1_000 == 0) {
      return nanos / 1_000 + "us";
    }
    return nanos + "ns";
  }
}

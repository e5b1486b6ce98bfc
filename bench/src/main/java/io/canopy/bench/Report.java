package io.canopy.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * The result of one run: successful calls' latency histogram (nanoseconds), errors by code, and the
 * measured wall time, rendered as a text table or one JSON object.
 */
record Report(
    String target,
    String shape,
    int rowsPerRequest,
    double seconds,
    Histogram latencies,
    Map<String, Long> errors) {

  /** The percentiles every report states, as (label, percentile). */
  static final String[] LABELS = {"p50", "p90", "p99", "p99_9"};

  static final double[] PERCENTILES = {50, 90, 99, 99.9};

  Report {
    errors = Map.copyOf(errors);
  }

  long ok() {
    return latencies.getTotalCount();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Completed calls (successes and errors) per second of the measured window. */
  double requestsPerSecond() {
    return seconds > 0 ? (ok() + errorCount()) / seconds : 0;
  }

  /** Rows of successful calls per second. */
  double rowsPerSecond() {
    return seconds > 0 ? ok() * (double) rowsPerRequest / seconds : 0;
  }

  /** The latency at {@code percentile} in microseconds, NaN when nothing succeeded. */
  double micros(double percentile) {
    return ok() == 0 ? Double.NaN : latencies.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMicros() {
    return ok() == 0 ? Double.NaN : latencies.getMaxValue() / 1000.0;
  }

  double meanMicros() {
    return ok() == 0 ? Double.NaN : latencies.getMean() / 1000.0;
  }

  String toText() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s  (%s, %d row(s)/request, %.1f s measured)%n",
            target,
            shape,
            rowsPerRequest,
            seconds));
    out.append(String.format(Locale.ROOT, "  requests   %d ok, %d errors%n", ok(), errorCount()));
    out.append(
        String.format(
            Locale.ROOT,
            "  throughput %.1f req/s, %.1f rows/s%n",
            requestsPerSecond(),
            rowsPerSecond()));
    out.append(
        String.format(
            Locale.ROOT,
            "  latency µs p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f%n",
            micros(50),
            micros(90),
            micros(99),
            micros(99.9),
            maxMicros(),
            meanMicros()));
    errors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(
                    String.format(Locale.ROOT, "  error %-20s %d%n", e.getKey(), e.getValue())));
    return out.toString();
  }

  String toJson() {
    return Json.write(toJsonNode());
  }

  ObjectNode toJsonNode() {
    ObjectNode node = Json.object();
    node.put("target", target);
    node.put("shape", shape);
    node.put("rows_per_request", rowsPerRequest);
    Json.putNumber(node, "seconds", seconds);
    node.put("requests", ok() + errorCount());
    node.put("ok", ok());
    ObjectNode errorsNode = node.putObject("errors");
    errors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> errorsNode.put(e.getKey(), e.getValue()));
    Json.putNumber(node, "throughput_rps", requestsPerSecond());
    Json.putNumber(node, "rows_per_s", rowsPerSecond());
    ObjectNode latency = node.putObject("latency_us");
    for (int i = 0; i < LABELS.length; i++) {
      Json.putNumber(latency, LABELS[i], micros(PERCENTILES[i]));
    }
    Json.putNumber(latency, "max", maxMicros());
    Json.putNumber(latency, "mean", meanMicros());
    return node;
  }

  /** This run's percentiles divided by the floor's: the machine-independent figure. */
  Map<String, Double> ratiosTo(Report floor) {
    Map<String, Double> ratios = new java.util.LinkedHashMap<>();
    for (int i = 0; i < LABELS.length; i++) {
      ratios.put(LABELS[i], micros(PERCENTILES[i]) / floor.micros(PERCENTILES[i]));
    }
    ratios.put("max", maxMicros() / floor.maxMicros());
    ratios.put("throughput", requestsPerSecond() / floor.requestsPerSecond());
    return ratios;
  }

  static String ratiosText(Map<String, Double> ratios) {
    StringJoiner out = new StringJoiner("  ", "  x floor    ", String.format("%n"));
    ratios.forEach((k, v) -> out.add(String.format(Locale.ROOT, "%s %.2f", k, v)));
    return out.toString();
  }

  static ObjectNode ratiosJson(Map<String, Double> ratios) {
    ObjectNode out = Json.object();
    ratios.forEach((k, v) -> Json.putNumber(out, k, v));
    return out;
  }
}

package io.canopy.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's {@code canopy_gateway_batch_rows} histogram as read from its Prometheus text
 * ({@code /observe/metrics}): cumulative counts by bucket bound, the count and the sum. Two
 * readings a step apart give that step's {@link BatchStats}.
 */
record BatchHistogram(TreeMap<Double, Long> cumulative, long count, double sum) {

  static final String METRIC = "canopy_gateway_batch_rows";

  static final BatchHistogram EMPTY = new BatchHistogram(new TreeMap<>(), 0, 0);

  private static final Pattern SAMPLE =
      Pattern.compile(
          "^" + METRIC + "(_bucket|_count|_sum)\\{([^}]*)\\}\\s+([-+0-9.eE]+|NaN|[+-]Inf)\\s*$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  BatchHistogram {
    cumulative = new TreeMap<>(cumulative);
  }

  /** Reads the histogram out of a whole metrics page; absent: {@link #EMPTY}. */
  static BatchHistogram parse(String prometheusText) {
    TreeMap<Double, Long> buckets = new TreeMap<>();
    long count = 0;
    double sum = 0;
    for (String line : prometheusText.split("\n")) {
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      double value = Double.parseDouble(m.group(3).replace("Inf", "Infinity"));
      switch (m.group(1)) {
        case "_bucket" -> {
          Matcher le = LE.matcher(m.group(2));
          if (le.find()) {
            buckets.merge(
                Double.parseDouble(le.group(1).replace("Inf", "Infinity")),
                (long) value,
                Long::sum);
          }
        }
        case "_count" -> count += (long) value;
        default -> sum += value;
      }
    }
    return new BatchHistogram(buckets, count, sum);
  }

  /** The batches recorded between {@code earlier} and this reading. */
  BatchStats since(BatchHistogram earlier) {
    long batches = count - earlier.count;
    if (batches <= 0) {
      return BatchStats.NONE;
    }
    double bound = Double.NaN;
    for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
      long before = earlier.cumulative.getOrDefault(bucket.getKey(), 0L);
      if (bucket.getValue() - before >= batches) {
        bound = bucket.getKey();
        break;
      }
    }
    return new BatchStats(batches, sum - earlier.sum, bound);
  }
}

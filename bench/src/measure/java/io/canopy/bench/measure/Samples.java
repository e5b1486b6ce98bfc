package io.canopy.bench.measure;

import org.HdrHistogram.Histogram;

/**
 * The measurement programs' one way to summarize latencies: an HdrHistogram (3 significant digits)
 * of nanosecond samples, read as percentiles, as {@code canopy bench} does.
 */
public final class Samples {

  private final Histogram histogram = new Histogram(3);

  /** The samples in {@code nanos}. */
  public static Samples of(long[] nanos) {
    Samples s = new Samples();
    for (long n : nanos) {
      s.add(n);
    }
    return s;
  }

  /** Records one sample, in nanoseconds (negative ones count as 0). */
  public void add(long nanos) {
    histogram.recordValue(Math.max(0, nanos));
  }

  /** The {@code percentile} (0-100) in microseconds. */
  public double micros(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e3;
  }

  /** The {@code percentile} (0-100) in milliseconds. */
  public double millis(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e6;
  }

  /** The {@code percentile} (0-100) in nanoseconds. */
  public double nanos(double percentile) {
    return histogram.getValueAtPercentile(percentile);
  }

  /** The largest sample in milliseconds. */
  public double maxMillis() {
    return histogram.getMaxValue() / 1e6;
  }

  public long count() {
    return histogram.getTotalCount();
  }
}

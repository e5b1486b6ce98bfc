package io.canopy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One latency-by-percentile line of a plot: percentiles in [0, 100) and latencies in µs, from a
 * run's histogram or read back from an {@code .hgrm} file written by an earlier run.
 */
record Curve(String label, double[] percentiles, double[] micros) {

  /** Points past this percentile are dropped: 100 % sits at infinity on the plot's x axis. */
  static final double LAST_PERCENTILE = 99.9999;

  Curve {
    if (percentiles.length != micros.length) {
      throw new IllegalArgumentException("percentiles and latencies differ in length");
    }
  }

  /** A run's curve: HdrHistogram's percentile iteration, 5 steps per halving of the tail. */
  static Curve of(String label, Histogram nanos) {
    List<double[]> points = new ArrayList<>();
    if (nanos.getTotalCount() > 0) {
      for (HistogramIterationValue v : nanos.percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo();
        if (p > LAST_PERCENTILE) {
          break;
        }
        points.add(new double[] {p, nanos.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0});
      }
    }
    return fromPoints(label, points);
  }

  /**
   * Reads the table of an {@code .hgrm} file (Value, Percentile as a fraction, TotalCount,
   * 1/(1-Percentile)); values are taken as µs, the unit this tool writes them in.
   */
  static Curve readHgrm(Path file) throws IOException {
    List<double[]> points = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length != 4) {
        continue;
      }
      try {
        double value = Double.parseDouble(cells[0]);
        double p = Double.parseDouble(cells[1]) * 100;
        if (p <= LAST_PERCENTILE) {
          points.add(new double[] {p, value});
        }
      } catch (NumberFormatException header) {
        // the column header line and the summary lines are not points
      }
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          file + " holds no percentile table (is it an .hgrm file?)");
    }
    String name = file.getFileName().toString();
    return fromPoints(name.endsWith(".hgrm") ? name.substring(0, name.length() - 5) : name, points);
  }

  private static Curve fromPoints(String label, List<double[]> points) {
    double[] p = new double[points.size()];
    double[] us = new double[points.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = points.get(i)[0];
      us[i] = points.get(i)[1];
    }
    return new Curve(label, p, us);
  }
}

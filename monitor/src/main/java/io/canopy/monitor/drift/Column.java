package io.canopy.monitor.drift;

import io.canopy.proto.monitor.v1.FeatureDrift;
import java.util.Arrays;

/** One feature (or the output): its baseline's bins and what the live rows put in them. */
final class Column {

  private final String name;
  private final double[] edges;
  private final long[] baselineBins;
  private final double min;
  private final double max;
  private final double baselineMissingShare;
  private final long[] liveBins;
  private long liveRows;
  private long liveMissing;
  private long outOfRange;

  /**
   * @param baselineValues the baseline's values of this column, NaN for missing
   */
  Column(String name, double[] baselineValues) {
    this.name = name;
    double[] present =
        Arrays.stream(baselineValues).filter(v -> !Double.isNaN(v)).sorted().toArray();
    this.edges = Psi.edges(present);
    this.baselineBins = new long[edges.length + 1];
    for (double v : present) {
      baselineBins[Psi.bin(edges, v)]++;
    }
    this.min = present.length == 0 ? Double.NaN : present[0];
    this.max = present.length == 0 ? Double.NaN : present[present.length - 1];
    this.baselineMissingShare =
        baselineValues.length == 0
            ? 0
            : (double) (baselineValues.length - present.length) / baselineValues.length;
    this.liveBins = new long[edges.length + 1];
  }

  void add(double value) {
    liveRows++;
    if (Double.isNaN(value)) {
      liveMissing++;
      return;
    }
    liveBins[Psi.bin(edges, value)]++;
    if (value < min || value > max) {
      outOfRange++;
    }
  }

  FeatureDrift drift() {
    long present = liveRows - liveMissing;
    return FeatureDrift.newBuilder()
        .setFeature(name)
        .setPsi(Psi.index(baselineBins, liveBins))
        .setMissingShare(liveRows == 0 ? 0 : (double) liveMissing / liveRows)
        .setBaselineMissingShare(baselineMissingShare)
        .setOutOfRangeShare(present == 0 ? 0 : (double) outOfRange / present)
        .build();
  }
}

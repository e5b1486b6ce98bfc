package io.canopy.monitor.drift;

import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.Scan;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import io.canopy.proto.registry.v1.ReferenceSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far a version's live rows moved from its baseline, per feature and for the output. The
 * baseline is the version's first {@code baselineRows} predictions; the window's rows after them
 * are compared. Memory stays bounded by the baseline: the window's rows are only counted into the
 * baseline's bins.
 */
public final class DriftReports {

  private final MonitorStore store;
  private final int baselineRows;
  private final long maxRows;
  private final ReferenceSource references;

  /**
   * @param maxRows a report compares at most about this many of the window's rows (a uniform sample
   *     of them when there are more; {@link Scan})
   * @param references a version's reference sample, when it has one, is its baseline
   */
  public DriftReports(
      MonitorStore store, int baselineRows, long maxRows, ReferenceSource references) {
    this.store = store;
    this.baselineRows = baselineRows;
    this.maxRows = maxRows;
    this.references = references;
  }

  public DriftReport report(
      String model, long version, String windowName, Duration window, long endMillis) {
    Optional<ReferenceSample> reference = references.of(model, version);
    if (reference.isPresent()) {
      return againstReference(model, version, windowName, window, endMillis, reference.get());
    }
    List<PredictionRecord> baseline = new ArrayList<>();
    store.predictions(model, version, Long.MIN_VALUE, endMillis, baselineRows, baseline::add);
    long start = endMillis - window.toMillis();
    DriftReport.Builder report =
        DriftReport.newBuilder()
            .setModel(model)
            .setVersion(version)
            .setWindow(windowName)
            .setEnd(Times.timestamp(endMillis))
            .setBaseline("live")
            .setBaselineRows(baseline.size());
    if (baseline.size() < baselineRows) {
      return report
          .setStart(Times.timestamp(start))
          .setNote("baseline still filling: " + baseline.size() + " of " + baselineRows + " rows")
          .build();
    }
    // The window's rows after the baseline's last millisecond (the baseline is not its own test).
    long baselineEnd = Times.millis(baseline.get(baseline.size() - 1).getTime());
    start = Math.max(start, baselineEnd + 1);
    report.setStart(Times.timestamp(start));
    List<String> names = new ArrayList<>();
    for (RecordedFeature f : baseline.get(0).getFeaturesList()) {
      names.add(f.getName());
    }
    // Each baseline row is read once (by name: a record leaves out features privacy excludes).
    double[][] values = new double[names.size()][baseline.size()];
    for (int r = 0; r < baseline.size(); r++) {
      Map<String, Float> row = byName(baseline.get(r));
      for (int f = 0; f < names.size(); f++) {
        Float v = row.get(names.get(f));
        values[f][r] = v == null ? Double.NaN : v;
      }
    }
    Map<String, Column> columns = new HashMap<>();
    for (int f = 0; f < names.size(); f++) {
      columns.put(names.get(f), new Column(names.get(f), values[f]));
    }
    double[] outputs = new double[baseline.size()];
    for (int r = 0; r < outputs.length; r++) {
      outputs[r] = output(baseline.get(r));
    }
    Column output = new Column("output", outputs);
    Counted counted = count(model, version, start, endMillis, columns, output);
    long rows = counted.rows();
    report.setRows(rows).setWindowRows(counted.scan().matched());
    if (rows == 0) {
      return report.setNote("no predictions after the baseline in this window").build();
    }
    return report.addAllFeatures(sorted(names, columns)).setOutput(output.drift()).build();
  }

  /**
   * Drift against a registered reference sample: every row of the window is compared. The sample
   * has no outputs, so the output's drift is not reported (NaN).
   */
  private DriftReport againstReference(
      String model,
      long version,
      String windowName,
      Duration window,
      long endMillis,
      ReferenceSample sample) {
    long start = endMillis - window.toMillis();
    int width = sample.getFeatureNamesCount();
    Map<String, Column> columns = new HashMap<>();
    for (int f = 0; f < width; f++) {
      double[] values = new double[sample.getRows()];
      for (int r = 0; r < values.length; r++) {
        values[r] = sample.getValues(r * width + f);
      }
      columns.put(sample.getFeatureNames(f), new Column(sample.getFeatureNames(f), values));
    }
    DriftReport.Builder report =
        DriftReport.newBuilder()
            .setModel(model)
            .setVersion(version)
            .setWindow(windowName)
            .setStart(Times.timestamp(start))
            .setEnd(Times.timestamp(endMillis))
            .setBaseline("reference")
            .setBaselineRows(sample.getRows());
    Counted counted = count(model, version, start, endMillis, columns, null);
    long rows = counted.rows();
    report.setRows(rows).setWindowRows(counted.scan().matched());
    if (rows == 0) {
      return report.setNote("no predictions in this window").build();
    }
    return report
        .addAllFeatures(sorted(sample.getFeatureNamesList(), columns))
        .setOutput(
            FeatureDrift.newBuilder()
                .setFeature("output")
                .setPsi(Double.NaN)
                .setMissingShare(Double.NaN)
                .setBaselineMissingShare(Double.NaN)
                .setOutOfRangeShare(Double.NaN))
        .build();
  }

  /** What a count read: the window's scan, and the rows counted (all, or the sample). */
  private record Counted(Scan scan, long rows) {}

  /** Counts the window's records (or a sample of them) into the columns and the output. */
  private Counted count(
      String model,
      long version,
      long start,
      long end,
      Map<String, Column> columns,
      Column output) {
    long[] rows = {0};
    Scan scan =
        store.sampled(
            model,
            version,
            start,
            end,
            maxRows,
            record -> {
              rows[0]++;
              Map<String, Float> seen = byName(record);
              for (var c : columns.entrySet()) {
                Float v = seen.get(c.getKey());
                c.getValue().add(v == null ? Double.NaN : v);
              }
              if (output != null) {
                output.add(output(record));
              }
            });
    return new Counted(scan, rows[0]);
  }

  private static List<FeatureDrift> sorted(List<String> names, Map<String, Column> columns) {
    List<FeatureDrift> drifts = new ArrayList<>();
    for (String name : names) {
      drifts.add(columns.get(name).drift());
    }
    drifts.sort(
        Comparator.comparingDouble((FeatureDrift d) -> Double.isNaN(d.getPsi()) ? -1 : d.getPsi())
            .reversed());
    return drifts;
  }

  /** A record's feature values by name. */
  private static Map<String, Float> byName(PredictionRecord r) {
    Map<String, Float> values = new HashMap<>(r.getFeaturesCount() * 2);
    for (RecordedFeature f : r.getFeaturesList()) {
      values.put(f.getName(), f.getValue());
    }
    return values;
  }

  private static double output(PredictionRecord r) {
    return r.getOutputsCount() == 0 ? Double.NaN : r.getOutputs(0);
  }
}

package io.canopy.monitor.drift;

import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a version's live rows moved from its baseline, per feature and for the output. The
 * baseline is the version's first {@code baselineRows} predictions; the window's rows after them
 * are compared. Memory stays bounded by the baseline: the window's rows are only counted into the
 * baseline's bins.
 */
public final class DriftReports {

  private final MonitorStore store;
  private final int baselineRows;

  public DriftReports(MonitorStore store, int baselineRows) {
    this.store = store;
    this.baselineRows = baselineRows;
  }

  public DriftReport report(
      String model, long version, String windowName, Duration window, long endMillis) {
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
    Map<String, Column> columns = new HashMap<>();
    for (String name : names) {
      double[] values = new double[baseline.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = value(baseline.get(r), name);
      }
      columns.put(name, new Column(name, values));
    }
    double[] outputs = new double[baseline.size()];
    for (int r = 0; r < outputs.length; r++) {
      outputs[r] = output(baseline.get(r));
    }
    Column output = new Column("output", outputs);
    long[] rows = {0};
    store.predictions(
        model,
        version,
        start,
        endMillis,
        Long.MAX_VALUE,
        record -> {
          rows[0]++;
          Map<String, Float> seen = new HashMap<>();
          for (RecordedFeature f : record.getFeaturesList()) {
            seen.put(f.getName(), f.getValue());
          }
          for (var c : columns.entrySet()) {
            Float v = seen.get(c.getKey());
            c.getValue().add(v == null ? Double.NaN : v);
          }
          output.add(output(record));
        });
    report.setRows(rows[0]);
    if (rows[0] == 0) {
      return report.setNote("no predictions after the baseline in this window").build();
    }
    List<FeatureDrift> drifts = new ArrayList<>();
    for (String name : names) {
      drifts.add(columns.get(name).drift());
    }
    drifts.sort(
        Comparator.comparingDouble((FeatureDrift d) -> Double.isNaN(d.getPsi()) ? -1 : d.getPsi())
            .reversed());
    return report.addAllFeatures(drifts).setOutput(output.drift()).build();
  }

  private static double value(PredictionRecord r, String name) {
    for (RecordedFeature f : r.getFeaturesList()) {
      if (f.getName().equals(name)) {
        return f.getValue();
      }
    }
    return Double.NaN;
  }

  private static double output(PredictionRecord r) {
    return r.getOutputsCount() == 0 ? Double.NaN : r.getOutputs(0);
  }
}

package io.canopy.monitor.quality;

import io.canopy.monitor.store.Joined;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.Scan;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.QualityReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes a version's quality over a window from the store: predictions made in the window, each
 * joined to its outcome when one was observed within the join window, for the whole traffic and per
 * slice.
 */
public final class QualityReports {

  private final MonitorStore store;
  private final Duration joinWindow;
  private final double threshold;
  private final long maxRows;

  /**
   * @param joinWindow an outcome observed later than this after its prediction is not joined
   * @param threshold binary accuracy counts p at or above it as class 1
   * @param maxRows a report reads at most about this many of the window's rows (a uniform sample of
   *     them when there are more; {@link Scan})
   */
  public QualityReports(MonitorStore store, Duration joinWindow, double threshold, long maxRows) {
    this.store = store;
    this.joinWindow = joinWindow;
    this.threshold = threshold;
    this.maxRows = maxRows;
  }

  /** The report of {@code version} over [end - window, end), with one sub-report per slice. */
  public QualityReport report(
      String model,
      long version,
      String windowName,
      Duration window,
      long endMillis,
      List<Slice> slices) {
    long start = endMillis - window.toMillis();
    Scored[] whole = {null};
    Map<Slice, Map<String, Scored>> bySlice = new LinkedHashMap<>();
    for (Slice slice : slices) {
      bySlice.put(slice, new TreeMap<>());
    }
    Scan scan =
        store.joined(
            model,
            version,
            start,
            endMillis,
            joinWindow.toMillis(),
            maxRows,
            (Joined joined) -> {
              if (whole[0] == null) {
                // One objective per version: its first record says which metrics apply.
                whole[0] = new Scored(Task.of(joined.record().getObjective()), threshold);
              }
              Task task = whole[0].task();
              whole[0].add(joined);
              for (Slice slice : slices) {
                String bucket = slice.bucket(joined.record());
                if (bucket != null) {
                  bySlice
                      .get(slice)
                      .computeIfAbsent(bucket, b -> new Scored(task, threshold))
                      .add(joined);
                }
              }
            });
    QualityReport.Builder report = base(model, version, windowName, start, endMillis);
    report.setUnmatchedOutcomes(store.unmatchedOutcomes(model, start, endMillis));
    if (whole[0] != null) {
      whole[0].report(report);
    }
    // Counts of rows read are of the sample; predictions is always the window's whole count.
    report.setPredictions(scan.matched());
    if (whole[0] == null) {
      return report.build();
    }
    for (var entry : bySlice.entrySet()) {
      for (var bucket : entry.getValue().entrySet()) {
        report.addSlices(
            bucket
                .getValue()
                .report(base(model, version, windowName, start, endMillis))
                .setSliceFeature(entry.getKey().feature())
                .setSliceValue(bucket.getKey()));
      }
    }
    return report.build();
  }

  private static QualityReport.Builder base(
      String model, long version, String window, long start, long end) {
    return QualityReport.newBuilder()
        .setModel(model)
        .setVersion(version)
        .setWindow(window)
        .setStart(Times.timestamp(start))
        .setEnd(Times.timestamp(end));
  }
}

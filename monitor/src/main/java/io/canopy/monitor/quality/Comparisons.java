package io.canopy.monitor.quality;

import io.canopy.monitor.store.Joined;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Champion against challenger on a window's traffic with outcomes. When both versions answered the
 * same requests (a shadow), the rows are compared pair by pair, which needs far fewer outcomes to
 * see a difference; a split's versions answer different requests and are compared as independent
 * samples. The headline metric is the task's: AUC (binary), accuracy (multi-class), mean absolute
 * error (regression).
 */
public final class Comparisons {

  /** Share of the smaller version's rows that must have a twin for a paired comparison. */
  private static final double PAIRED_SHARE = 0.9;

  private final MonitorStore store;
  private final Duration joinWindow;
  private final int minOutcomes;
  private final long maxRows;

  /**
   * @param minOutcomes rows with an outcome each version needs before a verdict
   * @param maxRows each version's rows are read up to about this many (a uniform sample by request
   *     id when the window holds more: the same requests for both versions, so pairs stay pairs)
   */
  public Comparisons(MonitorStore store, Duration joinWindow, int minOutcomes, long maxRows) {
    this.store = store;
    this.joinWindow = joinWindow;
    this.minOutcomes = minOutcomes;
    this.maxRows = maxRows;
  }

  private record Key(String requestId, int row) {}

  /** A version's rows with an outcome, by request and row. */
  private Map<Key, Joined> rows(String model, long version, long start, long end) {
    Map<Key, Joined> rows = new LinkedHashMap<>();
    store.joined(
        model,
        version,
        start,
        end,
        joinWindow.toMillis(),
        maxRows,
        j -> {
          if (j.outcome() != null) {
            rows.put(new Key(j.record().getRequestId(), j.record().getRow()), j);
          }
        });
    return rows;
  }

  public CompareVersionsResponse compare(
      String model,
      long champion,
      long challenger,
      String windowName,
      Duration window,
      long endMillis) {
    long start = endMillis - window.toMillis();
    Map<Key, Joined> a = rows(model, champion, start, endMillis);
    Map<Key, Joined> b = rows(model, challenger, start, endMillis);
    // One objective per version: the champion's first row (else the challenger's) says the task;
    // only rows its metrics can score are compared, as in the quality reports.
    Task task =
        Stream.concat(a.values().stream(), b.values().stream())
            .findFirst()
            .map(j -> Task.of(j.record().getObjective()))
            .orElse(Task.UNSCORED);
    a.values().removeIf(j -> !Scored.scoreable(task, j));
    b.values().removeIf(j -> !Scored.scoreable(task, j));
    List<Joined[]> pairs = new ArrayList<>();
    for (var e : a.entrySet()) {
      Joined twin = b.get(e.getKey());
      if (twin != null) {
        pairs.add(new Joined[] {e.getValue(), twin});
      }
    }
    boolean paired =
        !pairs.isEmpty() && pairs.size() >= PAIRED_SHARE * Math.min(a.size(), b.size());
    List<Joined> left = new ArrayList<>();
    List<Joined> right = new ArrayList<>();
    if (paired) {
      for (Joined[] p : pairs) {
        left.add(p[0]);
        right.add(p[1]);
      }
    } else {
      left.addAll(a.values());
      right.addAll(b.values());
    }
    CompareVersionsResponse.Builder out =
        CompareVersionsResponse.newBuilder()
            .setModel(model)
            .setChampion(champion)
            .setChallenger(challenger)
            .setWindow(windowName)
            .setPaired(paired)
            .setChampionOutcomes(left.size())
            .setChallengerOutcomes(right.size())
            .setNeeded(minOutcomes);
    Estimate estimate =
        switch (task) {
          case BINARY -> auc(left, right, paired);
          case MULTICLASS ->
              meanDifference(left, right, paired, Comparisons::correct, "accuracy", true);
          case REGRESSION ->
              meanDifference(left, right, paired, Comparisons::absoluteError, "mae", false);
          case UNSCORED -> null;
        };
    long fewest = Math.min(left.size(), right.size());
    if (estimate == null || fewest < minOutcomes || Double.isNaN(estimate.variance())) {
      return out.setMetric(estimate == null ? "" : estimate.metric())
          .setVerdict(Verdict.VERDICT_NOT_ENOUGH_OUTCOMES)
          .setSummary("not enough outcomes yet: " + fewest + " of " + minOutcomes + " needed")
          .build();
    }
    double diff = estimate.challenger() - estimate.champion();
    double half = DeLong.Z95 * Math.sqrt(estimate.variance());
    double lower = diff - half;
    double upper = diff + half;
    boolean better = estimate.higherIsBetter() ? lower > 0 : upper < 0;
    boolean worse = estimate.higherIsBetter() ? upper < 0 : lower > 0;
    Verdict verdict =
        better
            ? Verdict.VERDICT_CHALLENGER_BETTER
            : worse ? Verdict.VERDICT_CHALLENGER_WORSE : Verdict.VERDICT_NO_CLEAR_DIFFERENCE;
    String figures =
        String.format(
            Locale.ROOT,
            "%s %s%.4f [%.4f, %.4f] (v%d %.4f, v%d %.4f, %s, %d and %d outcomes)",
            estimate.metric().toUpperCase(Locale.ROOT),
            diff >= 0 ? "+" : "",
            diff,
            lower,
            upper,
            champion,
            estimate.champion(),
            challenger,
            estimate.challenger(),
            paired ? "paired" : "independent samples",
            left.size(),
            right.size());
    String words =
        switch (verdict) {
          case VERDICT_CHALLENGER_BETTER -> "v" + challenger + " better";
          case VERDICT_CHALLENGER_WORSE -> "v" + challenger + " worse";
          default -> "no clear difference between v" + champion + " and v" + challenger + " yet";
        };
    return out.setMetric(estimate.metric())
        .setHigherIsBetter(estimate.higherIsBetter())
        .setChampionValue(estimate.champion())
        .setChallengerValue(estimate.challenger())
        .setDifference(diff)
        .setLower(lower)
        .setUpper(upper)
        .setVerdict(verdict)
        .setSummary(words + ": " + figures)
        .build();
  }

  /** The two versions' metric and the variance of their difference. */
  private record Estimate(
      String metric, boolean higherIsBetter, double champion, double challenger, double variance) {}

  private static Estimate auc(List<Joined> left, List<Joined> right, boolean paired) {
    if (paired) {
      boolean[] positive = new boolean[left.size()];
      double[] a = new double[left.size()];
      double[] b = new double[left.size()];
      for (int i = 0; i < left.size(); i++) {
        positive[i] = left.get(i).outcome().label() == 1;
        a[i] = left.get(i).record().getOutputs(0);
        b[i] = right.get(i).record().getOutputs(0);
      }
      DeLong.Paired p = DeLong.difference(a, b, positive);
      return new Estimate("auc", true, p.aucA(), p.aucB(), p.variance());
    }
    DeLong.Result da = auc(left);
    DeLong.Result db = auc(right);
    return new Estimate("auc", true, da.auc(), db.auc(), da.variance() + db.variance());
  }

  private static DeLong.Result auc(List<Joined> rows) {
    boolean[] positive = new boolean[rows.size()];
    double[] scores = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      positive[i] = rows.get(i).outcome().label() == 1;
      scores[i] = rows.get(i).record().getOutputs(0);
    }
    return DeLong.of(scores, positive);
  }

  private interface PerRow {
    double of(Joined row);
  }

  /** A mean of a per-row figure: paired differences, or two independent means (Welch). */
  private static Estimate meanDifference(
      List<Joined> left,
      List<Joined> right,
      boolean paired,
      PerRow figure,
      String metric,
      boolean up) {
    int n = left.size();
    int k = right.size();
    if (n < 2 || k < 2) {
      return new Estimate(metric, up, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] a = new double[n];
    double[] b = new double[k];
    for (int i = 0; i < n; i++) {
      a[i] = figure.of(left.get(i));
    }
    for (int i = 0; i < k; i++) {
      b[i] = figure.of(right.get(i));
    }
    double ma = Samples.mean(a);
    double mb = Samples.mean(b);
    double variance;
    if (paired) {
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = b[i] - a[i];
      }
      variance = Samples.variance(d) / n;
    } else {
      variance = Samples.variance(a) / n + Samples.variance(b) / k;
    }
    return new Estimate(metric, up, ma, mb, variance);
  }

  private static double correct(Joined row) {
    return QualityMetrics.predictedClass(Scored.outputs(row.record())) == row.outcome().label()
        ? 1
        : 0;
  }

  private static double absoluteError(Joined row) {
    return Math.abs(row.record().getOutputs(0) - row.outcome().value());
  }
}

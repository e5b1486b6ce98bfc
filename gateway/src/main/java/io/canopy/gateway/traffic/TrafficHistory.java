package io.canopy.gateway.traffic;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.gateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's last ten minutes of predictions in 5-second steps, for the console's charts: per
 * (model, version) requests, errors (code not OK), a latency histogram (p50/p99), shadow
 * comparisons and agreements; and the mean rows per upstream batch, all models together. Prometheus
 * keeps history too, but the console must work on a laptop with nothing else running, so the
 * gateway keeps what its charts need.
 *
 * <p>It is fed as a {@link GatewayMetrics} (beside the Helidon meters, {@link
 * io.canopy.gateway.metrics.CompositeMetrics}). The request path finds its series through two
 * string-keyed maps (no allocation) and holds the series' lock for a few array writes; a series is
 * created only for a model and version that exist (the same {@link MetricLabels} the meters use)
 * and only while fewer than {@code maxSeries} exist (idle ones are evicted first). Worst case:
 * {@code maxSeries} × ~22 KiB ({@link VersionSteps}), 11 MiB at the default 512.
 */
public final class TrafficHistory implements GatewayMetrics {

  /** The width of a step. */
  public static final Duration STEP = Duration.ofSeconds(5);

  /** Steps kept: ten minutes. */
  public static final int STEPS = 120;

  /** Series at most, by default. */
  public static final int MAX_SERIES = 512;

  /** One slot more than {@link #STEPS}: the step in progress must not overwrite the oldest. */
  static final int RING = STEPS + 1;

  private static final long STEP_MILLIS = STEP.toMillis();
  private static final String METRIC = "canopy.gateway.console.traffic";

  /** Totals of one model over a window. */
  public record ModelTotals(String model, long requests, long errors) {}

  /**
   * One version's steps, oldest first; NaN latency where a step had no requests.
   *
   * @param p50Millis median latency per step, in milliseconds
   * @param p99Millis 99th percentile per step, in milliseconds
   */
  public record VersionHistory(
      long version,
      long[] requests,
      long[] errors,
      double[] p50Millis,
      double[] p99Millis,
      long[] shadowCompared,
      long[] shadowAgreed) {}

  /**
   * A model's steps.
   *
   * @param end the end of the last complete step (the window's end)
   * @param versions by version number
   * @param batchRows mean rows per upstream batch per step (all models), NaN without batches
   */
  public record ModelHistory(
      String model, Instant end, List<VersionHistory> versions, double[] batchRows) {}

  private final Clock clock;
  private final int maxSeries;
  private final Map<String, Map<String, VersionSteps>> byModel = new ConcurrentHashMap<>();
  private final BatchSteps batches = new BatchSteps();
  private final Object admission = new Object();
  private int series; // guarded by admission
  private volatile MetricLabels labels;

  /**
   * @param clock what "now" is (a test moves it by hand)
   * @param maxSeries (model, version) series at most
   */
  public TrafficHistory(Clock clock, int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries: " + maxSeries + " must be at least 1");
    }
    this.clock = clock;
    this.maxSeries = maxSeries;
  }

  @Override
  public void request(
      String front, String model, String version, String route, String code, long nanos) {
    VersionSteps steps = series(model, version);
    if (steps != null) {
      steps.request(step(), !"OK".equals(code), nanos);
    }
  }

  @Override
  public void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {
    VersionSteps steps = series(model, Long.toString(shadowVersion));
    if (steps != null) {
      steps.shadow(step(), agreed);
    }
  }

  @Override
  public void batchRows(int rows) {
    batches.batch(step(), rows);
  }

  @Override
  public void restrictLabels(MetricLabels restrict) {
    this.labels = restrict;
  }

  @Override
  public void forget(String model) {
    synchronized (admission) {
      Map<String, VersionSteps> gone = byModel.remove(model);
      if (gone != null) {
        series -= gone.size();
      }
    }
  }

  /** Each model's requests and errors over the last {@code window} of complete steps. */
  public List<ModelTotals> totals(Duration window) {
    long end = step() - 1;
    int steps = steps(window);
    List<ModelTotals> totals = new ArrayList<>();
    for (Map.Entry<String, Map<String, VersionSteps>> model : byModel.entrySet()) {
      long requests = 0;
      long errors = 0;
      for (VersionSteps v : model.getValue().values()) {
        long[] sums = v.totals(end, steps);
        requests += sums[0];
        errors += sums[1];
      }
      totals.add(new ModelTotals(model.getKey(), requests, errors));
    }
    totals.sort(Comparator.comparing(ModelTotals::model));
    return totals;
  }

  /** {@code model}'s versions over the last {@code window} of complete steps. */
  public ModelHistory history(String model, Duration window) {
    long current = step();
    long end = current - 1;
    int steps = steps(window);
    List<VersionHistory> versions = new ArrayList<>();
    for (VersionSteps v : byModel.getOrDefault(model, Map.of()).values()) {
      versions.add(v.read(end, steps));
    }
    versions.sort(Comparator.comparingLong(VersionHistory::version));
    return new ModelHistory(
        model, Instant.ofEpochMilli(current * STEP_MILLIS), versions, batches.means(end, steps));
  }

  /** Whole steps covering {@code window}, 1 to {@link #STEPS}. */
  static int steps(Duration window) {
    long steps = (window.toMillis() + STEP_MILLIS - 1) / STEP_MILLIS;
    return (int) Math.max(1, Math.min(STEPS, steps));
  }

  private long step() {
    return Math.floorDiv(clock.millis(), STEP_MILLIS);
  }

  private VersionSteps series(String model, String version) {
    Map<String, VersionSteps> versions = byModel.get(model);
    if (versions != null) {
      VersionSteps steps = versions.get(version);
      if (steps != null) {
        return steps;
      }
    }
    return admit(model, version);
  }

  /** A new series, when the model and version exist and there is room: the rare path. */
  private VersionSteps admit(String model, String version) {
    long number;
    try {
      number = Long.parseLong(version);
    } catch (NumberFormatException e) {
      return null;
    }
    MetricLabels restrict = labels;
    if (restrict != null) {
      MetricLabels.Labels l = restrict.of(METRIC, model, version);
      if (!l.model().equals(model) || !l.version().equals(version)) {
        return null; // made up by a caller, or past the meters' own cap
      }
    }
    synchronized (admission) {
      Map<String, VersionSteps> versions = byModel.get(model);
      VersionSteps existing = versions == null ? null : versions.get(version);
      if (existing != null) {
        return existing;
      }
      if (series >= maxSeries && evictIdle() == 0) {
        return null;
      }
      VersionSteps created = new VersionSteps(number);
      byModel.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).put(version, created);
      series++;
      return created;
    }
  }

  /** Drops the series with nothing in the last {@link #STEPS} steps; how many went. */
  private int evictIdle() {
    long oldest = step() - STEPS;
    int evicted = 0;
    for (Iterator<Map<String, VersionSteps>> models = byModel.values().iterator();
        models.hasNext(); ) {
      Map<String, VersionSteps> versions = models.next();
      evicted += removeIdle(versions, oldest);
      if (versions.isEmpty()) {
        models.remove();
      }
    }
    series -= evicted;
    return evicted;
  }

  private static int removeIdle(Map<String, VersionSteps> versions, long oldest) {
    int removed = 0;
    for (Iterator<VersionSteps> it = versions.values().iterator(); it.hasNext(); ) {
      if (it.next().lastStep() < oldest) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }
}

package io.canopy.gateway.metrics;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.metrics.TaggedMeters;
import io.canopy.gateway.placement.Placement;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link GatewayMetrics} on Helidon's meter registry (what {@code /observe/metrics} serves). Every
 * meter carries {@code service=gateway} so the three services can share one process.
 */
public final class HelidonGatewayMetrics implements GatewayMetrics {

  private static final Tag SERVICE = Tag.create("service", "gateway");
  private static final List<String> STATES =
      List.of("IDLE", "CONNECTING", "READY", "TRANSIENT_FAILURE", "SHUTDOWN");

  private final MeterRegistry registry;
  private final Timer queue;
  private final Timer upstream;
  private final DistributionSummary batchRows;
  private final Counter retries;
  private final Counter budgetExhausted;
  private final Counter hedges;
  private final Map<String, Counter> placementPicks = new HashMap<>();
  private volatile MetricLabels labels;

  /**
   * The request timers of series whose names exist, so a request finds its timer in one lookup
   * instead of building a meter description each time (a third of the gateway's own CPU per
   * request, profiled). Bounded as the registry's series are (names that exist, capped per metric)
   * and by {@link #MAX_KEPT}.
   */
  private final Map<RequestSeries, Timer> requestTimers = new ConcurrentHashMap<>();

  /** The same for the replica-call counters: one per replica address and status code. */
  private final Map<ReplicaSeries, Counter> replicaCounters = new ConcurrentHashMap<>();

  /** Most meters kept in each of the maps above. */
  private static final int MAX_KEPT = 4096;

  public HelidonGatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queue = timer("canopy.gateway.queue.wait", List.of());
    this.upstream = timer("canopy.gateway.upstream.latency", List.of());
    this.batchRows =
        registry.getOrCreate(
            DistributionSummary.builder("canopy.gateway.batch.rows")
                .publishPercentileHistogram(true)
                .tags(List.of(SERVICE)));
    this.retries = counter("canopy.gateway.upstream.retries", List.of());
    this.budgetExhausted = counter("canopy.gateway.upstream.retry.budget.exhausted", List.of());
    this.hedges = counter("canopy.gateway.upstream.hedges", List.of());
    for (Placement.Pick pick : Placement.Pick.values()) {
      placementPicks.put(
          pick.label(),
          counter("canopy.gateway.placement.picks", List.of(Tag.create("kind", pick.label()))));
    }
  }

  @Override
  public void request(
      String front, String model, String version, String route, String code, long nanos) {
    RequestSeries asked = new RequestSeries(front, model, version, route, code);
    Timer timer = requestTimers.get(asked);
    if (timer == null) {
      timer = requestTimer(asked);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The timer of a series not looked up before: its labels restricted to names that exist, the
   * meter found or made in the registry. Kept for the next request when the names exist as asked (a
   * series of names that do not exist is looked up each time: those must not fill a map).
   */
  private Timer requestTimer(RequestSeries asked) {
    String model = asked.model();
    String version = asked.version();
    MetricLabels restrict = labels;
    if (restrict != null) {
      MetricLabels.Labels l = restrict.of("canopy.gateway.requests", model, version);
      model = l.model();
      version = l.version();
    }
    RequestSeries labelled =
        new RequestSeries(asked.front(), model, version, asked.route(), asked.code());
    if (!labelled.equals(asked)) {
      return timer("canopy.gateway.requests", labelled.tags());
    }
    return kept(requestTimers, asked, a -> timer("canopy.gateway.requests", a.tags()));
  }

  /** The labels of one {@code canopy.gateway.requests} series. */
  private record RequestSeries(
      String front, String model, String version, String route, String code) {
    List<Tag> tags() {
      return List.of(
          Tag.create("front", front),
          Tag.create("model", model),
          Tag.create("version", version),
          Tag.create("route", route),
          Tag.create("code", code));
    }
  }

  @Override
  public void queueWait(long nanos) {
    queue.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batchRows(int rows) {
    batchRows.record(rows);
  }

  @Override
  public void upstreamLatency(long nanos) {
    upstream.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void retry() {
    retries.increment();
  }

  @Override
  public void retryBudgetExhausted() {
    budgetExhausted.increment();
  }

  @Override
  public void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {
    List<Tag> tags =
        List.of(
            Tag.create("model", model),
            Tag.create("shadow_version", Long.toString(shadowVersion)),
            Tag.create("agreed", Boolean.toString(agreed)));
    counter("canopy.gateway.shadow.comparisons", tags).increment();
    registry
        .getOrCreate(
            DistributionSummary.builder("canopy.gateway.shadow.abs.diff")
                .publishPercentileHistogram(true)
                .tags(with(List.of(Tag.create("model", model)))))
        .record(maxAbsDiff);
  }

  @Override
  public void replicaOutcome(String replica, String code) {
    ReplicaSeries series = new ReplicaSeries(replica, code);
    Counter counter = replicaCounters.get(series);
    if (counter == null) {
      counter =
          kept(
              replicaCounters,
              series,
              s ->
                  counter(
                      "canopy.gateway.upstream.replica.calls",
                      List.of(Tag.create("replica", s.replica()), Tag.create("code", s.code()))));
    }
    counter.increment();
  }

  /** The labels of one {@code canopy.gateway.upstream.replica.calls} series. */
  private record ReplicaSeries(String replica, String code) {}

  /**
   * The meter of {@code key}, made by {@code make} (the registry's lookup) and kept for the next
   * call while {@code kept} holds fewer than {@link #MAX_KEPT} meters; past that, looked up each
   * time, so churning names cannot grow the map.
   */
  private static <K, M> M kept(Map<K, M> kept, K key, java.util.function.Function<K, M> make) {
    if (kept.size() >= MAX_KEPT) {
      M meter = kept.get(key);
      return meter != null ? meter : make.apply(key);
    }
    return kept.computeIfAbsent(key, make);
  }

  @Override
  public void placementPick(String kind) {
    placementPicks.get(kind).increment();
  }

  @Override
  public void channelState(Supplier<String> state) {
    // One 0/1 gauge per state. A gauge left by an earlier gateway in this process is replaced.
    for (String name : STATES) {
      List<Tag> tags = with(List.of(Tag.create("state", name)));
      registry.remove("canopy.gateway.upstream.channel.state", tags);
      registry.getOrCreate(
          Gauge.builder(
                  "canopy.gateway.upstream.channel.state", () -> name.equals(state.get()) ? 1 : 0)
              .tags(tags));
    }
  }

  @Override
  public void restrictLabels(MetricLabels labels) {
    this.labels = labels;
  }

  @Override
  public void forget(String model) {
    MetricLabels restrict = labels;
    if (restrict != null) {
      restrict.forget(model);
    }
    TaggedMeters.remove(registry, java.util.Map.of("service", "gateway", "model", model));
    // After the registry: a request racing this one makes its meter again in both, or in neither.
    requestTimers.keySet().removeIf(series -> series.model().equals(model));
  }

  @Override
  public void hedge() {
    hedges.increment();
  }

  @Override
  public void shadowSkipped(String model) {
    counter("canopy.gateway.shadow.skipped", List.of(Tag.create("model", model))).increment();
  }

  private Timer timer(String name, List<Tag> tags) {
    return registry.getOrCreate(
        Timer.builder(name)
            .publishPercentileHistogram(true)
            .buckets(
                Duration.ofNanos(100_000),
                Duration.ofMillis(1),
                Duration.ofMillis(10),
                Duration.ofMillis(100),
                Duration.ofSeconds(1))
            .tags(with(tags)));
  }

  private Counter counter(String name, List<Tag> tags) {
    return registry.getOrCreate(Counter.builder(name).tags(with(tags)));
  }

  private static List<Tag> with(List<Tag> tags) {
    java.util.ArrayList<Tag> all = new java.util.ArrayList<>(tags);
    all.add(SERVICE);
    return all;
  }
}

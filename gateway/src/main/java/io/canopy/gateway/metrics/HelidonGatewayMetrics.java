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
    MetricLabels restrict = labels;
    if (restrict != null) {
      MetricLabels.Labels l = restrict.of("canopy.gateway.requests", model, version);
      model = l.model();
      version = l.version();
    }
    List<Tag> tags =
        List.of(
            Tag.create("front", front),
            Tag.create("model", model),
            Tag.create("version", version),
            Tag.create("route", route),
            Tag.create("code", code));
    timer("canopy.gateway.requests", tags).record(nanos, TimeUnit.NANOSECONDS);
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
    counter(
            "canopy.gateway.upstream.replica.calls",
            List.of(Tag.create("replica", replica), Tag.create("code", code)))
        .increment();
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

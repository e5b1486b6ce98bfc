package io.canopy.gateway;

import io.canopy.gateway.metrics.GatewayMetrics;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the gateway measured, for assertions. */
final class RecordingMetrics implements GatewayMetrics {

  record Shadow(String model, long version, boolean agreed, double maxAbsDiff) {}

  final ConcurrentLinkedQueue<Shadow> shadows = new ConcurrentLinkedQueue<>();
  final AtomicInteger retries = new AtomicInteger();
  final AtomicInteger budgetExhausted = new AtomicInteger();
  final AtomicInteger batches = new AtomicInteger();
  final AtomicInteger hedges = new AtomicInteger();

  /** "replica code" of every upstream call. */
  final ConcurrentLinkedQueue<String> replicaOutcomes = new ConcurrentLinkedQueue<>();

  volatile java.util.function.Supplier<String> channelState = () -> "none";

  /** Finished predictions counted by "route version code". */
  final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> requests =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void request(
      String front, String model, String version, String route, String code, long nanos) {
    requests
        .computeIfAbsent(route + " " + version + " " + code, k -> new AtomicInteger())
        .incrementAndGet();
  }

  int requests(String routeVersionCode) {
    AtomicInteger n = requests.get(routeVersionCode);
    return n == null ? 0 : n.get();
  }

  @Override
  public void replicaOutcome(String replica, String code) {
    replicaOutcomes.add(replica + " " + code);
  }

  @Override
  public void channelState(java.util.function.Supplier<String> state) {
    channelState = state;
  }

  @Override
  public void hedge() {
    hedges.incrementAndGet();
  }

  @Override
  public void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {
    shadows.add(new Shadow(model, shadowVersion, agreed, maxAbsDiff));
  }

  @Override
  public void retry() {
    retries.incrementAndGet();
  }

  @Override
  public void retryBudgetExhausted() {
    budgetExhausted.incrementAndGet();
  }

  @Override
  public void batchRows(int rows) {
    batches.incrementAndGet();
  }
}

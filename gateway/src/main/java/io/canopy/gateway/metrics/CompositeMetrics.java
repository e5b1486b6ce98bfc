package io.canopy.gateway.metrics;

import io.canopy.common.metrics.MetricLabels;
import java.util.function.Supplier;

/**
 * Reports every measurement to two {@link GatewayMetrics}: the meters {@code /observe/metrics}
 * serves and the console's traffic history, so the code that measures calls one object and knows of
 * neither.
 */
public final class CompositeMetrics implements GatewayMetrics {

  private final GatewayMetrics first;
  private final GatewayMetrics second;

  public CompositeMetrics(GatewayMetrics first, GatewayMetrics second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public void request(
      String front, String model, String version, String route, String code, long nanos) {
    first.request(front, model, version, route, code, nanos);
    second.request(front, model, version, route, code, nanos);
  }

  @Override
  public void restrictLabels(MetricLabels labels) {
    first.restrictLabels(labels);
    second.restrictLabels(labels);
  }

  @Override
  public void forget(String model) {
    first.forget(model);
    second.forget(model);
  }

  @Override
  public void queueWait(long nanos) {
    first.queueWait(nanos);
    second.queueWait(nanos);
  }

  @Override
  public void batchRows(int rows) {
    first.batchRows(rows);
    second.batchRows(rows);
  }

  @Override
  public void upstreamLatency(long nanos) {
    first.upstreamLatency(nanos);
    second.upstreamLatency(nanos);
  }

  @Override
  public void retry() {
    first.retry();
    second.retry();
  }

  @Override
  public void retryBudgetExhausted() {
    first.retryBudgetExhausted();
    second.retryBudgetExhausted();
  }

  @Override
  public void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {
    first.shadow(model, shadowVersion, agreed, maxAbsDiff);
    second.shadow(model, shadowVersion, agreed, maxAbsDiff);
  }

  @Override
  public void replicaOutcome(String replica, String code) {
    first.replicaOutcome(replica, code);
    second.replicaOutcome(replica, code);
  }

  @Override
  public void channelState(Supplier<String> state) {
    first.channelState(state);
    second.channelState(state);
  }

  @Override
  public void placementPick(String kind) {
    first.placementPick(kind);
    second.placementPick(kind);
  }

  @Override
  public void hedge() {
    first.hedge();
    second.hedge();
  }

  @Override
  public void shadowSkipped(String model) {
    first.shadowSkipped(model);
    second.shadowSkipped(model);
  }
}

package io.canopy.gateway.metrics;

import io.canopy.common.metrics.MetricLabels;
import java.util.function.Supplier;

/**
 * The gateway's metrics with model and version labels kept bounded ({@link MetricLabels}): names
 * a client made up fold into {@code _unknown}, and a deleted model's series are removed.
 */
public final class LabelledGatewayMetrics implements GatewayMetrics {

  private final GatewayMetrics delegate;
  private final MetricLabels labels;

  public LabelledGatewayMetrics(GatewayMetrics delegate, MetricLabels labels) {
    this.delegate = delegate;
    this.labels = labels;
  }

  @Override
  public void request(String front, String model, String version, String route, String code, long nanos) {
    MetricLabels.Labels l = labels.of("canopy.gateway.requests", model, version);
    delegate.request(front, l.model(), l.version(), route, code, nanos);
  }

  // Shadow comparisons only happen for a routed (so existing) model and its policy's version.
  @Override
  public void shadow(String model, long shadowVersion, boolean agreed, double maxAbsDiff) {
    delegate.shadow(model, shadowVersion, agreed, maxAbsDiff);
  }

  @Override
  public void shadowSkipped(String model) {
    delegate.shadowSkipped(model);
  }

  @Override
  public void forget(String model) {
    labels.forget(model);
    delegate.forget(model);
  }

  @Override
  public void queueWait(long nanos) {
    delegate.queueWait(nanos);
  }

  @Override
  public void batchRows(int rows) {
    delegate.batchRows(rows);
  }

  @Override
  public void upstreamLatency(long nanos) {
    delegate.upstreamLatency(nanos);
  }

  @Override
  public void retry() {
    delegate.retry();
  }

  @Override
  public void retryBudgetExhausted() {
    delegate.retryBudgetExhausted();
  }

  @Override
  public void replicaOutcome(String replica, String code) {
    delegate.replicaOutcome(replica, code);
  }

  @Override
  public void channelState(Supplier<String> state) {
    delegate.channelState(state);
  }

  @Override
  public void hedge() {
    delegate.hedge();
  }
}

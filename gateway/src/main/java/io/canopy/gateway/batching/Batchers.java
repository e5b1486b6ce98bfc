package io.canopy.gateway.batching;

import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The gateway's micro-batcher: one {@link Batcher} per (model, version, output, row layout).
 * Requests with no concrete version, or of models with batching switched off, go straight up.
 */
public final class Batchers implements PredictCall {

  private final PredictCall upstream;
  private final BatchingSettings settings;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final GatewayMetrics metrics;
  private final Tracing tracing;
  private final ConcurrentHashMap<BatchKey, Batcher> queues = new ConcurrentHashMap<>();

  /**
   * @param tracing gives each batch a span linked to the requests it carries
   */
  public Batchers(
      PredictCall upstream,
      BatchingSettings settings,
      ScheduledExecutorService scheduler,
      LongSupplier nanoTime,
      GatewayMetrics metrics,
      Tracing tracing) {
    this.upstream = upstream;
    this.tracing = tracing;
    this.settings = settings;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<PredictResponse> predict(PredictRequest request, Deadline deadline) {
    if (!settings.batches(request.getModel())
        || request.getVersionSelectorCase() != PredictRequest.VersionSelectorCase.VERSION
        || request.getRowsCase() == PredictRequest.RowsCase.ROWS_NOT_SET) {
      return upstream.predict(request, deadline);
    }
    Batcher batcher =
        queues.computeIfAbsent(
            BatchKey.of(request),
            k -> new Batcher(upstream, settings, scheduler, nanoTime, metrics, tracing));
    CompletableFuture<PredictResponse> result = new CompletableFuture<>();
    batcher.submit(
        new Pending(
            request,
            BatchCodec.rows(request),
            deadline,
            nanoTime.getAsLong(),
            result,
            Context.current()));
    return result;
  }
}

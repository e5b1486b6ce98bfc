package io.canopy.gateway.upstream;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.canopy.gateway.metrics.GatewayMetrics;

/**
 * The gateway's connections to the services behind it: one channel to the serving replicas (round_robin,
 * health-checked, outlier ejection; see {@link ServingChannel}) and one to the registry for reads. Every stub it hands out
 * carries the caller's remaining deadline, or the default one when the caller set none. Calls
 * made while a gRPC handler runs also inherit its cancellation.
 */
public final class Upstream implements AutoCloseable {

  private final ManagedChannel serving;
  private final ManagedChannel registry;
  private final CallDeadlines deadlines;
  private final InferenceServiceGrpc.InferenceServiceStub inference;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub kserve;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserveBlocking;
  private final ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registryBlocking;

  private final ModelRegistryServiceGrpc.ModelRegistryServiceStub registryAsync;
  private final ResilientPredict predict;
  private final FeatureStoreServiceGrpc.FeatureStoreServiceStub features;

  private Upstream(
      ManagedChannel serving,
      ManagedChannel registry,
      CallDeadlines deadlines,
      RetrySettings retry,
      ScheduledExecutorService scheduler,
      GatewayMetrics metrics) {
    this.serving = serving;
    this.registry = registry;
    this.deadlines = deadlines;
    this.registryAsync = ModelRegistryServiceGrpc.newStub(registry);
    this.features = FeatureStoreServiceGrpc.newStub(serving);
    this.predict =
        new ResilientPredict(
            InferenceServiceGrpc.newStub(serving), retry, scheduler, System::nanoTime, metrics);
    this.inference = InferenceServiceGrpc.newStub(serving);
    this.kserve = GRPCInferenceServiceGrpc.newStub(serving);
    this.kserveBlocking = GRPCInferenceServiceGrpc.newBlockingStub(serving);
    this.registryBlocking = ModelRegistryServiceGrpc.newBlockingStub(registry);
  }

  /**
   * Opens (lazily connecting) channels to serving-service and the registry.
   *
   * @param servingTarget "host:port", "dns:///name:port", or "host1:port1,host2:port2"
   * @param tls plaintext, or the CA both services' certificates must chain to
   * @param scheduler runs retry backoffs
   * @param servingToken the bearer token presented to serving-service, when it requires one
   */
  public static Upstream connect(
      String servingTarget,
      String registryTarget,
      ClientTls tls,
      java.util.Optional<String> servingToken,
      Duration defaultTimeout,
      RetrySettings retry,
      ScheduledExecutorService scheduler,
      GatewayMetrics metrics) {
    ManagedChannel serving = ServingChannel.open(servingTarget, tls, servingToken, metrics);
    metrics.channelState(() -> serving.getState(false).name());
    ManagedChannel registry =
        GrpcTransports.channel(registryTarget, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls);
    return new Upstream(
        serving,
        registry,
        new CallDeadlines(defaultTimeout, Deadline.getSystemTicker()),
        retry,
        scheduler,
        metrics);
  }

  /** The deadline of a call made now: the caller's own, else the configured default. */
  public Deadline deadlineForCall() {
    return deadlines.forCall();
  }

  /** Predict with retries (UNAVAILABLE only, within budget and deadline). */
  public PredictCall predict() {
    return predict;
  }

  /** Runs an idempotent unary serving call with the same retries as Predict. */
  public <T> CompletableFuture<T> withRetries(Supplier<CompletableFuture<T>> attempt) {
    return predict.withRetries(attempt);
  }

  /** Async FeatureStore stub for this call (the same balanced serving channel). */
  public FeatureStoreServiceGrpc.FeatureStoreServiceStub features() {
    return features.withDeadline(deadlines.forCall());
  }

  /** Async registry stub with no deadline, for the WatchModels stream. */
  public ModelRegistryServiceGrpc.ModelRegistryServiceStub registryWatch() {
    return registryAsync;
  }

  /** Async Inference stub for this call. */
  public InferenceServiceGrpc.InferenceServiceStub inference() {
    return inference.withDeadline(deadlines.forCall());
  }

  /** Async KServe v2 stub for this call. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceStub kserve() {
    return kserve.withDeadline(deadlines.forCall());
  }

  /** Async KServe v2 stub with the given deadline (one attempt of a retried call). */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceStub kserve(Deadline deadline) {
    return kserve.withDeadline(deadline);
  }

  /** Async Inference stub with the given deadline (one attempt of a retried call). */
  public InferenceServiceGrpc.InferenceServiceStub inference(Deadline deadline) {
    return inference.withDeadline(deadline);
  }

  /** Blocking KServe v2 stub for this call: HTTP front only, never on an event loop. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserveBlocking() {
    return kserveBlocking.withDeadline(deadlines.forCall());
  }

  /** Blocking registry stub (reads) for this call: HTTP front only, never on an event loop. */
  public ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registryBlocking() {
    return registryBlocking.withDeadline(deadlines.forCall());
  }

  /** Shuts both channels down, letting calls in flight finish for a few seconds. */
  @Override
  public void close() {
    serving.shutdown();
    registry.shutdown();
    try {
      awaitOrForce(serving);
      awaitOrForce(registry);
    } catch (InterruptedException e) {
      serving.shutdownNow();
      registry.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitOrForce(ManagedChannel channel) throws InterruptedException {
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

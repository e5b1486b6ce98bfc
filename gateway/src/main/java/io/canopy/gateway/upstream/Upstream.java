package io.canopy.gateway.upstream;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's connections to the services behind it: one channel to serving-service (later:
 * round_robin over its replicas) and one to the registry for reads. Every stub it hands out
 * carries the caller's remaining deadline, or the default one when the caller set none. Calls
 * made while a gRPC handler runs also inherit its cancellation.
 */
public final class Upstream implements AutoCloseable {

  private final ManagedChannel serving;
  private final ManagedChannel registry;
  private final CallDeadlines deadlines;
  private final InferenceServiceGrpc.InferenceServiceStub inference;
  private final InferenceServiceGrpc.InferenceServiceBlockingStub inferenceBlocking;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub kserve;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserveBlocking;
  private final ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registryBlocking;

  private Upstream(ManagedChannel serving, ManagedChannel registry, CallDeadlines deadlines) {
    this.serving = serving;
    this.registry = registry;
    this.deadlines = deadlines;
    this.inference = InferenceServiceGrpc.newStub(serving);
    this.inferenceBlocking = InferenceServiceGrpc.newBlockingStub(serving);
    this.kserve = GRPCInferenceServiceGrpc.newStub(serving);
    this.kserveBlocking = GRPCInferenceServiceGrpc.newBlockingStub(serving);
    this.registryBlocking = ModelRegistryServiceGrpc.newBlockingStub(registry);
  }

  /** Opens (lazily connecting) channels to serving-service and the registry. */
  public static Upstream connect(
      String servingTarget, String registryTarget, Duration defaultTimeout) {
    int max = GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    ManagedChannel serving = GrpcTransports.channel(servingTarget, max);
    ManagedChannel registry = GrpcTransports.channel(registryTarget, max);
    return new Upstream(
        serving, registry, new CallDeadlines(defaultTimeout, Deadline.getSystemTicker()));
  }

  /** Async Inference stub for this call. */
  public InferenceServiceGrpc.InferenceServiceStub inference() {
    return inference.withDeadline(deadlines.forCall());
  }

  /** Blocking Inference stub for this call (HTTP handlers run on virtual threads). */
  public InferenceServiceGrpc.InferenceServiceBlockingStub inferenceBlocking() {
    return inferenceBlocking.withDeadline(deadlines.forCall());
  }

  /** Async KServe v2 stub for this call. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceStub kserve() {
    return kserve.withDeadline(deadlines.forCall());
  }

  /** Blocking KServe v2 stub for this call. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserveBlocking() {
    return kserveBlocking.withDeadline(deadlines.forCall());
  }

  /** Blocking registry stub for this call (reads only). */
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

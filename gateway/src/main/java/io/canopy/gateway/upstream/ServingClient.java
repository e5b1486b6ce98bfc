package io.canopy.gateway.upstream;

import io.canopy.common.grpc.FutureObserver;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.Placement;
import io.canopy.gateway.placement.PlacementSettings;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.CreateFeatureViewResponse;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewResponse;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc.FeatureStoreServiceStub;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.canopy.proto.kserve.v2.ServerLiveRequest;
import io.canopy.proto.kserve.v2.ServerLiveResponse;
import io.canopy.proto.kserve.v2.ServerMetadataRequest;
import io.canopy.proto.kserve.v2.ServerMetadataResponse;
import io.canopy.proto.kserve.v2.ServerReadyRequest;
import io.canopy.proto.kserve.v2.ServerReadyResponse;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's client of the serving replicas, over one balanced channel ({@link ServingChannel}:
 * round_robin, health checks, outlier ejection). It is the one place upstream calls are retried
 * ({@link ResilientPredict}: UNAVAILABLE only, jittered backoff, a retry budget, hedging for
 * Predict): Predict, GetModelStatus, the KServe model calls and the feature reads. Mutations
 * (feature view create/delete, WriteFeatures) and the KServe server calls go once.
 *
 * <p>Every call carries a deadline: the caller's own ({@link #deadlineForCall()} reads it from the
 * current gRPC context), else {@code gateway.upstream.timeout}; no attempt starts after it. Calls
 * do not inherit the caller's cancellation: they run in the root context ({@link RootContextCalls},
 * {@link ResilientPredict}), because a batch serves several callers and a retry's backoff must
 * survive the handler that started it; a caller that leaves only loses its answer.
 */
public final class ServingClient implements AutoCloseable {

  /**
   * One async stub method, e.g. {@code (stub, q, out) -> stub.modelInfer(q, out)}: how callers name
   * the KServe or FeatureStore call {@link #kserve} or {@link #featureRead} should retry.
   */
  @FunctionalInterface
  public interface StubMethod<S, Q, R> {
    void call(S stub, Q request, StreamObserver<R> out);
  }

  private final ManagedChannel channel;
  private final CallDeadlines deadlines;
  private final ResilientPredict retries;
  private final InferenceServiceGrpc.InferenceServiceStub inference;
  private final GRPCInferenceServiceStub kserve;
  private final FeatureStoreServiceStub features;
  private final Placement placement;

  private ServingClient(
      ManagedChannel channel,
      CallDeadlines deadlines,
      RetrySettings retry,
      ScheduledExecutorService scheduler,
      GatewayMetrics metrics,
      Tracing tracing) {
    this.channel = channel;
    this.deadlines = deadlines;
    this.inference = InferenceServiceGrpc.newStub(channel);
    this.kserve = GRPCInferenceServiceGrpc.newStub(channel);
    this.features = FeatureStoreServiceGrpc.newStub(channel);
    this.placement = new Placement(pick -> metrics.placementPick(pick.label()));
    this.retries =
        new ResilientPredict(
            inference, placement, retry, scheduler, System::nanoTime, metrics, tracing);
  }

  /**
   * Opens (lazily connecting) the balanced channel to the serving replicas.
   *
   * @param target "host:port", "dns:///name:port", or "host1:port1,host2:port2"
   * @param tls plaintext, or the CA serving's certificates must chain to
   * @param token the bearer token presented to serving, when it requires one
   * @param placement how models are placed on the replicas
   * @param scheduler runs retry backoffs and hedges
   * @param tracing gives each call a client span (each attempt its own) and Predict its upstream
   *     span
   */
  public static ServingClient connect(
      String target,
      ClientTls tls,
      Optional<String> token,
      Duration defaultTimeout,
      RetrySettings retry,
      PlacementSettings placement,
      ScheduledExecutorService scheduler,
      GatewayMetrics metrics,
      Tracing tracing) {
    ManagedChannel channel = ServingChannel.open(target, tls, token, placement, metrics, tracing);
    metrics.channelState(() -> channel.getState(false).name());
    return new ServingClient(
        channel,
        new CallDeadlines(defaultTimeout, Deadline.getSystemTicker()),
        retry,
        scheduler,
        metrics,
        tracing);
  }

  /** The deadline of a call made now: the caller's own, else the configured default. */
  public Deadline deadlineForCall() {
    return deadlines.forCall();
  }

  /** Predict with retries and hedging: what the batcher and the pipeline send through. */
  public PredictCall predict() {
    return retries;
  }

  /** GetModelStatus, retried: of a model, from one of its replicas; of all, from any. */
  public CompletableFuture<GetModelStatusResponse> modelStatus(
      GetModelStatusRequest request, Deadline deadline) {
    return retried(
        request.getModel().isEmpty() ? null : request.getModel(),
        inference,
        (stub, q, out) -> stub.getModelStatus(q, out),
        request,
        deadline);
  }

  /** A KServe v2 model call (infer, metadata, ready) of {@code model}'s, retried. */
  public <Q, R> CompletableFuture<R> kserve(
      String model,
      StubMethod<GRPCInferenceServiceStub, Q, R> method,
      Q request,
      Deadline deadline) {
    return retried(model, kserve, method, request, deadline);
  }

  public CompletableFuture<ServerLiveResponse> serverLive(Deadline deadline) {
    return FutureObserver.unary(
        kserve.withDeadline(deadline)::serverLive, ServerLiveRequest.getDefaultInstance());
  }

  public CompletableFuture<ServerReadyResponse> serverReady(Deadline deadline) {
    return FutureObserver.unary(
        kserve.withDeadline(deadline)::serverReady, ServerReadyRequest.getDefaultInstance());
  }

  public CompletableFuture<ServerMetadataResponse> serverMetadata(Deadline deadline) {
    return FutureObserver.unary(
        kserve.withDeadline(deadline)::serverMetadata, ServerMetadataRequest.getDefaultInstance());
  }

  /** A FeatureStore read (online features, a view, the view list), retried. */
  public <Q, R> CompletableFuture<R> featureRead(
      StubMethod<FeatureStoreServiceStub, Q, R> method, Q request, Deadline deadline) {
    return retried(null, features, method, request, deadline);
  }

  /** CreateFeatureView, once (a mutation). */
  public CompletableFuture<CreateFeatureViewResponse> createFeatureView(
      CreateFeatureViewRequest request, Deadline deadline) {
    return FutureObserver.unary(features.withDeadline(deadline)::createFeatureView, request);
  }

  /** DeleteFeatureView, once (a mutation). */
  public CompletableFuture<DeleteFeatureViewResponse> deleteFeatureView(
      DeleteFeatureViewRequest request, Deadline deadline) {
    return FutureObserver.unary(features.withDeadline(deadline)::deleteFeatureView, request);
  }

  /** Opens a WriteFeatures stream: a client stream cannot be replayed, so it goes once. */
  public StreamObserver<WriteFeaturesRequest> writeFeatures(
      StreamObserver<WriteFeaturesResponse> responses, Deadline deadline) {
    return features.withDeadline(deadline).writeFeatures(responses);
  }

  /**
   * Calls {@code method} on {@code stub} with {@code deadline}, retried at the one retry point;
   * never started once the deadline has passed (a backoff may end after it). With a {@code model},
   * its attempts go to the model's replicas ({@link Placement}).
   */
  private <S extends AbstractStub<S>, Q, R> CompletableFuture<R> retried(
      String model, S stub, StubMethod<S, Q, R> method, Q request, Deadline deadline) {
    AtomicInteger attempts = new AtomicInteger();
    int salt = ThreadLocalRandom.current().nextInt();
    return retries.withRetries(
        () -> {
          if (deadline.isExpired()) {
            return CompletableFuture.failedFuture(
                Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException());
          }
          S placed =
              model == null
                  ? stub
                  : placement.forModel(stub, model, attempts.getAndIncrement(), salt);
          return FutureObserver.unary(
              (q, out) -> method.call(placed.withDeadline(deadline), q, out), request);
        });
  }

  /** Shuts the channel down, letting calls in flight finish for a few seconds. */
  @Override
  public void close() {
    Channels.close(channel);
  }
}

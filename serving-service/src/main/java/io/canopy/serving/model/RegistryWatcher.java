package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceStub;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the registry's WatchModels stream for as long as it runs: hands every event to the
 * manager, and when the stream breaks reconnects with jittered backoff, resuming from the last
 * revision applied. Everything but {@link #close()} runs on the manager's thread.
 */
final class RegistryWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RegistryWatcher.class.getName());

  private final ModelRegistryServiceStub stub;
  private final ScheduledExecutorService control;
  private final Backoff backoff;
  private final LongSupplier sinceRevision;
  private final Consumer<WatchModelsResponse> onEvent;
  private int failures;
  private volatile ClientCallStreamObserver<WatchModelsRequest> call;
  private volatile boolean closed;

  RegistryWatcher(
      ModelRegistryServiceStub stub,
      ScheduledExecutorService control,
      Backoff backoff,
      LongSupplier sinceRevision,
      Consumer<WatchModelsResponse> onEvent) {
    this.stub = stub;
    this.control = control;
    this.backoff = backoff;
    this.sinceRevision = sinceRevision;
    this.onEvent = onEvent;
  }

  /** Opens the stream. Call on the manager's thread. */
  void start() {
    if (closed) {
      return;
    }
    long since = sinceRevision.getAsLong();
    stub.watchModels(WatchModelsRequest.newBuilder().setSinceRevision(since).build(), new Watch());
  }

  private void reconnectLater(Status status) {
    if (closed) {
      return;
    }
    Duration delay = backoff.delay(failures);
    Level level = failures == 0 ? Level.WARNING : Level.FINE;
    LOG.log(
        level,
        () ->
            "registry watch ended ("
                + status.getCode()
                + " "
                + status.getDescription()
                + "); serving what is loaded, reconnecting in "
                + delay.toMillis()
                + " ms");
    failures++;
    // The channel's own reconnect backoff grows to two minutes while the registry is down; reset
    // it, so the channel reconnects at this class's pace once the registry is back.
    if (stub.getChannel() instanceof ManagedChannel channel) {
      channel.resetConnectBackoff();
    }
    control.schedule(this::start, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void post(Runnable task) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException e) {
      // The manager is shutting down.
    }
  }

  @Override
  public void close() {
    closed = true;
    ClientCallStreamObserver<WatchModelsRequest> current = call;
    if (current != null) {
      current.cancel("serving process is shutting down", null);
    }
  }

  private final class Watch
      implements ClientResponseObserver<WatchModelsRequest, WatchModelsResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(WatchModelsResponse event) {
      post(
          () -> {
            if (failures > 0) {
              LOG.info("registry watch re-established");
              failures = 0;
            }
            onEvent.accept(event);
          });
    }

    @Override
    public void onError(Throwable t) {
      post(() -> reconnectLater(Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      post(() -> reconnectLater(Status.UNAVAILABLE.withDescription("registry ended the stream")));
    }
  }
}

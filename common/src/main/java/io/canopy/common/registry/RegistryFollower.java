package io.canopy.common.registry;

import io.canopy.common.retry.Backoff;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceStub;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Context;
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
 * Follows the registry's WatchModels stream for as long as it runs, for serving's model manager and
 * the gateway's routing table alike: opens it after the last revision its view applied, hands every
 * event to the view on one thread ({@code control}, never two events at once), and when the stream
 * breaks or ends reconnects after a jittered, bounded {@link Backoff}, resuming after the last
 * revision applied so no change is missed. The channel's own connect backoff (which grows to two
 * minutes while the registry is down) is reset before each reconnect, so the channel follows this
 * pace once the registry is back. The stream runs outside any caller's gRPC context, so a request
 * that happened to start it cannot cancel it.
 */
public final class RegistryFollower implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RegistryFollower.class.getName());

  private final String who;
  private final ModelRegistryServiceStub stub;
  private final ScheduledExecutorService control;
  private final Backoff backoff;
  private final LongSupplier sinceRevision;
  private final Consumer<WatchModelsResponse> onEvent;
  private int failures; // only on the control thread
  private volatile ClientCallStreamObserver<WatchModelsRequest> call;
  private volatile boolean closed;

  /**
   * @param who the follower's owner, for log lines ("serving", "gateway")
   * @param control runs every event, reconnect and {@link #start()}: one thread, or serial
   * @param sinceRevision the last revision the view applied (read on the control thread)
   * @param onEvent applies one event to the view (on the control thread)
   */
  public RegistryFollower(
      String who,
      ModelRegistryServiceStub stub,
      ScheduledExecutorService control,
      Backoff backoff,
      LongSupplier sinceRevision,
      Consumer<WatchModelsResponse> onEvent) {
    this.who = who;
    this.stub = stub;
    this.control = control;
    this.backoff = backoff;
    this.sinceRevision = sinceRevision;
    this.onEvent = onEvent;
  }

  /** Opens the stream (on the control thread). Returns this, for wiring in one expression. */
  public RegistryFollower start() {
    post(this::open);
    return this;
  }

  private void open() {
    if (closed) {
      return;
    }
    WatchModelsRequest request =
        WatchModelsRequest.newBuilder().setSinceRevision(sinceRevision.getAsLong()).build();
    Context.ROOT.run(() -> stub.watchModels(request, new Events()));
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
            who
                + ": registry watch ended ("
                + status.getCode()
                + (status.getDescription() == null ? "" : " " + status.getDescription())
                + "); keeping what it knows, reconnecting in "
                + delay.toMillis()
                + " ms");
    failures++;
    if (stub.getChannel() instanceof ManagedChannel channel) {
      channel.resetConnectBackoff();
    }
    try {
      control.schedule(this::open, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The owner is shutting down.
    }
  }

  private void post(Runnable task) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException e) {
      // The owner is shutting down.
    }
  }

  /** Stops following: cancels the stream and schedules no reconnect. */
  @Override
  public void close() {
    closed = true;
    ClientCallStreamObserver<WatchModelsRequest> current = call;
    if (current != null) {
      current.cancel(who + " is shutting down", null);
    }
  }

  private final class Events
      implements ClientResponseObserver<WatchModelsRequest, WatchModelsResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(WatchModelsResponse event) {
      post(
          () -> {
            if (closed) {
              return;
            }
            if (failures > 0) {
              LOG.info(who + ": registry watch re-established");
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

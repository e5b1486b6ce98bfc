package io.canopy.gateway.routing;

import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the registry's {@code WatchModels} stream into a {@link RoutingTable}: a snapshot, then
 * each change. When the stream breaks it reconnects with backoff, resuming after the last
 * revision applied, so no change is missed.
 */
public final class RegistryWatch implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RegistryWatch.class.getName());
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final ModelRegistryServiceGrpc.ModelRegistryServiceStub registry;
  private final RoutingTable table;
  private final ScheduledExecutorService scheduler;
  private volatile Context.CancellableContext stream;
  private volatile boolean closed;
  private long backoffMillis = MIN_BACKOFF.toMillis();

  public RegistryWatch(
      ModelRegistryServiceGrpc.ModelRegistryServiceStub registry,
      RoutingTable table,
      ScheduledExecutorService scheduler) {
    this.registry = registry;
    this.table = table;
    this.scheduler = scheduler;
  }

  public RegistryWatch start() {
    connect();
    return this;
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    Context.CancellableContext previous = stream;
    if (previous != null) {
      previous.cancel(null);
    }
    Context.CancellableContext context = Context.ROOT.withCancellation();
    stream = context;
    WatchModelsRequest request =
        WatchModelsRequest.newBuilder().setSinceRevision(table.revision()).build();
    context.run(() -> registry.watchModels(request, new Events()));
  }

  private synchronized void reconnectLater() {
    if (closed) {
      return;
    }
    // The channel's own reconnect backoff grows to two minutes while the registry is down; reset
    // it, so the channel reconnects at this class's pace once the registry is back.
    if (registry.getChannel() instanceof ManagedChannel channel) {
      channel.resetConnectBackoff();
    }
    long delay = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
    scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private final class Events implements StreamObserver<WatchModelsResponse> {
    @Override
    public void onNext(WatchModelsResponse event) {
      synchronized (RegistryWatch.this) {
        backoffMillis = MIN_BACKOFF.toMillis();
      }
      switch (event.getKind()) {
        case CHANGE_KIND_SNAPSHOT -> table.replaceAll(event.getModelsList(), event.getRevision());
        case CHANGE_KIND_MODEL_UPSERTED, CHANGE_KIND_VERSION_UPSERTED -> {
          event.getModelsList().forEach(m -> table.upsert(m, event.getRevision()));
          if (event.getModelsCount() == 0) {
            table.advance(event.getRevision());
          }
        }
        case CHANGE_KIND_MODEL_DELETED -> table.delete(event.getDeletedModel(), event.getRevision());
        default -> LOG.fine(() -> "ignoring watch event of kind " + event.getKind());
      }
    }

    @Override
    public void onError(Throwable t) {
      LOG.log(Level.FINE, "registry watch broke; reconnecting", t);
      reconnectLater();
    }

    @Override
    public void onCompleted() {
      reconnectLater();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    Context.CancellableContext current = stream;
    if (current != null) {
      current.cancel(null);
    }
  }
}

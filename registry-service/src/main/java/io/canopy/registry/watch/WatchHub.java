package io.canopy.registry.watch;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.store.MetadataStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves WatchModels. After each commit (signalled by the {@link ChangeNotifier}) one task reads
 * the new changes into {@link RecentEvents} and wakes every open stream, which then sends from that
 * shared tail on a small pool (or from the store, when it is further behind). On close, streams end
 * with UNAVAILABLE so clients reconnect (elsewhere) with their last revision.
 */
public final class WatchHub implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());

  /** Changes kept ready to send; a stream further behind reads the store. */
  private static final int RECENT_EVENTS = 4096;

  private final MetadataStore store;
  private final ChangeNotifier notifier;
  private final ExecutorService executor;
  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
  private final RecentEvents recent;
  private final AtomicBoolean refreshScheduled = new AtomicBoolean();
  private volatile boolean refreshPending;
  private volatile boolean closed;

  public WatchHub(MetadataStore store, ChangeNotifier notifier, int threads) {
    this.store = store;
    this.notifier = notifier;
    this.recent = new RecentEvents(store, RECENT_EVENTS);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "registry-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    notifier.listen(this::committed);
    committed(); // reads the current revision: the tail starts there
  }

  /** A commit happened: refresh the shared tail once (coalesced), then wake every stream. */
  private void committed() {
    refreshPending = true;
    if (!closed && refreshScheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::refresh);
      } catch (RejectedExecutionException e) {
        refreshScheduled.set(false);
      }
    }
  }

  private void refresh() {
    while (true) {
      refreshPending = false;
      try {
        recent.refresh();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot read new changes; watchers read the store meanwhile", e);
      }
      for (WatchStream stream : streams) {
        stream.wake();
      }
      refreshScheduled.set(false);
      if (!refreshPending || !refreshScheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** Starts streaming to {@code out}: a snapshot, or the changes after {@code sinceRevision}. */
  public void watch(long sinceRevision, ServerCallStreamObserver<WatchModelsResponse> out) {
    if (sinceRevision < 0) {
      throw new CanopyException.InvalidArgument("since_revision", "must not be negative");
    }
    if (closed) {
      throw new CanopyException.Unavailable("the registry is shutting down");
    }
    WatchStream stream = new WatchStream(store, recent, sinceRevision, out, executor, this::remove);
    streams.add(stream);
    out.setOnCancelHandler(stream::cancelled);
    out.setOnReadyHandler(stream::wake);
    stream.start(sinceRevision);
  }

  private void remove(WatchStream stream) {
    streams.remove(stream);
  }

  /** Open streams (for metrics and tests). */
  public int activeStreams() {
    return streams.size();
  }

  @Override
  public void close() {
    closed = true;
    Status shutdown = Status.UNAVAILABLE.withDescription("the registry is shutting down");
    for (WatchStream stream : streams) {
      stream.terminate(shutdown);
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

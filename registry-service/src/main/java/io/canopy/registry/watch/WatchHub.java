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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves WatchModels: every open stream is woken by the {@link ChangeNotifier} after each
 * commit and drains the changes log on a small shared pool. On close, streams end with
 * UNAVAILABLE so clients reconnect (elsewhere) with their last revision.
 */
public final class WatchHub implements AutoCloseable {

  private final MetadataStore store;
  private final ChangeNotifier notifier;
  private final ExecutorService executor;
  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public WatchHub(MetadataStore store, ChangeNotifier notifier, int threads) {
    this.store = store;
    this.notifier = notifier;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "registry-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts streaming to {@code out}: a snapshot, or the changes after {@code sinceRevision}. */
  public void watch(long sinceRevision, ServerCallStreamObserver<WatchModelsResponse> out) {
    if (sinceRevision < 0) {
      throw new CanopyException.InvalidArgument("since_revision", "must not be negative");
    }
    if (closed) {
      throw new CanopyException.Unavailable("the registry is shutting down");
    }
    WatchStream stream = new WatchStream(store, sinceRevision, out, executor, this::remove);
    streams.add(stream);
    notifier.subscribe(stream);
    out.setOnCancelHandler(stream::cancelled);
    out.setOnReadyHandler(stream::wake);
    stream.start(sinceRevision);
  }

  private void remove(WatchStream stream) {
    streams.remove(stream);
    notifier.unsubscribe(stream);
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

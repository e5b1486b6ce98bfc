package io.canopy.registry.watch;

import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.store.Change;
import io.canopy.registry.store.MetadataStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WatchModels call. Any wake-up (new changes read, the transport becoming ready, shutdown)
 * schedules one drain at a time on the executor; a drain sends what follows the cursor (from the
 * hub's shared tail, or from the store when further behind) while the call is ready, and stops when
 * the client is slow: the next onReady resumes it.
 */
final class WatchStream {

  private static final Logger LOG = Logger.getLogger(WatchStream.class.getName());
  private static final int BATCH = 64;

  private final MetadataStore store;
  private final RecentEvents recent;
  private final ChangeFeed feed;
  private final ServerCallStreamObserver<WatchModelsResponse> out;
  private final Executor executor;
  private final Consumer<WatchStream> onDone;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean pending;
  private volatile Status terminal;
  private volatile boolean done;

  // Touched only by the drain, which never runs twice at once.
  private boolean needSnapshot;
  private long cursor;

  WatchStream(
      MetadataStore store,
      RecentEvents recent,
      long sinceRevision,
      ServerCallStreamObserver<WatchModelsResponse> out,
      Executor executor,
      Consumer<WatchStream> onDone) {
    this.store = store;
    this.recent = recent;
    this.feed = new ChangeFeed(store);
    this.out = out;
    this.executor = executor;
    this.onDone = onDone;
    this.cursor = sinceRevision;
    this.needSnapshot = sinceRevision == 0;
  }

  /** Asks for a drain; cheap and non-blocking, callable from any thread. */
  void wake() {
    pending = true;
    if (!done && scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
      }
    }
  }

  /** Ends the call with {@code status} (from the drain thread, so sends never overlap). */
  void terminate(Status status) {
    terminal = status;
    wake();
  }

  /** The client went away. */
  void cancelled() {
    done = true;
    onDone.accept(this);
  }

  private void drain() {
    while (true) {
      pending = false;
      try {
        pump();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "watch stream failed; the client will reconnect", e);
        finish(
            Status.UNAVAILABLE.withDescription("watch interrupted; reconnect with since_revision"));
      }
      scheduled.set(false);
      if (done || !pending || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void pump() {
    while (!done) {
      if (terminal != null) {
        finish(terminal);
        return;
      }
      if (!out.isReady()) {
        return; // onReady wakes us again
      }
      if (needSnapshot) {
        WatchModelsResponse snapshot = feed.snapshot();
        out.onNext(snapshot);
        cursor = snapshot.getRevision();
        needSnapshot = false;
        continue;
      }
      List<RecentEvents.Entry> tail = recent.after(cursor, BATCH);
      if (tail != null) {
        if (tail.isEmpty()) {
          return; // the hub wakes us when it has read more
        }
        for (RecentEvents.Entry entry : tail) {
          entry.event().ifPresent(out::onNext);
          cursor = entry.revision();
        }
        continue;
      }
      // Further behind than the shared tail: read the log from the store.
      List<Change> changes = store.changesAfter(cursor, BATCH);
      if (changes.isEmpty()) {
        return;
      }
      for (Change change : changes) {
        feed.event(change).ifPresent(out::onNext);
        cursor = change.revision();
      }
    }
  }

  private void finish(Status status) {
    if (done) {
      return;
    }
    done = true;
    onDone.accept(this);
    if (!out.isCancelled()) {
      out.onError(status.asRuntimeException());
    }
  }

  /** Where a resumed stream starts: a snapshot when the log no longer covers the revision. */
  void start(long sinceRevision) {
    if (sinceRevision > 0 && !store.canResumeAfter(sinceRevision)) {
      needSnapshot = true;
      cursor = 0;
    }
    wake();
  }
}

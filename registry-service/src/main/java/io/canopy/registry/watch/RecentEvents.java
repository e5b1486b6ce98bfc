package io.canopy.registry.watch;

import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.store.Change;
import io.canopy.registry.store.MetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The recent tail of the changes log as ready-to-send events, read from the store once per commit
 * for every stream: with a hundred watchers a write costs one read, not a hundred. Revisions are
 * gap-free, so the tail is contiguous and a cursor finds its place by index. Streams whose cursor
 * is older than the tail read the store themselves.
 */
final class RecentEvents {

  /** One change; {@code event} is empty when its entity was gone by the time it was read. */
  record Entry(long revision, Optional<WatchModelsResponse> event) {}

  private static final int BATCH = 256;
  private static final long UNKNOWN = Long.MAX_VALUE;

  private final MetadataStore store;
  private final ChangeFeed feed;
  private final int capacity;

  // Guarded by this. The tail covers revisions (last - entries.size(), last].
  private final List<Entry> entries = new ArrayList<>();
  private long last = UNKNOWN;

  RecentEvents(MetadataStore store, int capacity) {
    this.store = store;
    this.feed = new ChangeFeed(store);
    this.capacity = capacity;
  }

  /**
   * Reads what was committed since the last refresh. Called by one thread at a time. If the store
   * fails, the tail is dropped (streams read the store) and restarts at the next refresh.
   */
  void refresh() {
    long from;
    synchronized (this) {
      from = last;
    }
    try {
      if (from == UNKNOWN) {
        from = store.currentRevision(); // start (or restart) empty, just past what is committed
        synchronized (this) {
          last = from;
        }
      }
      while (true) {
        List<Change> changes = store.changesAfter(from, BATCH);
        if (changes.isEmpty()) {
          return;
        }
        List<Entry> read = new ArrayList<>(changes.size());
        for (Change change : changes) {
          read.add(new Entry(change.revision(), feed.event(change)));
        }
        synchronized (this) {
          entries.addAll(read);
          if (entries.size() > 2 * capacity) {
            entries.subList(0, entries.size() - capacity).clear();
          }
          last = read.get(read.size() - 1).revision();
          from = last;
        }
      }
    } catch (RuntimeException e) {
      synchronized (this) {
        entries.clear();
        last = UNKNOWN;
      }
      throw e;
    }
  }

  /**
   * Up to {@code max} entries after {@code cursor}: empty when nothing newer has been read yet,
   * null when {@code cursor} is older than the tail (the caller reads the store).
   */
  synchronized List<Entry> after(long cursor, int max) {
    if (last == UNKNOWN) {
      return null;
    }
    long first = last - entries.size() + 1;
    if (cursor < first - 1) {
      return null;
    }
    if (cursor >= last) {
      return List.of();
    }
    int from = (int) (cursor + 1 - first);
    if (entries.get(from).revision() != cursor + 1) {
      return null; // not contiguous after all: let the store answer
    }
    return List.copyOf(entries.subList(from, Math.min(entries.size(), from + max)));
  }
}

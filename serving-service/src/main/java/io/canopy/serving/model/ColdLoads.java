package io.canopy.serving.model;

import io.canopy.common.error.CanopyException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The requests waiting for versions that are not in memory: one future per version however many
 * requests wait, completed (or failed) once the version's slot says how its load went. The first
 * waiter of a version asks for its demand ({@code demand}, run on the manager's thread); {@link
 * #settle} is called there after every change.
 */
final class ColdLoads {

  /** What a waiting version's future completes with, and when the first request began to wait. */
  private record Waiting(CompletableFuture<Void> loaded, long since) {}

  /** A version loaded for waiting requests, {@code nanos} after the first began to wait. */
  interface Loaded {
    void loaded(VersionKey key, long nanos);
  }

  private final ConcurrentHashMap<VersionKey, Waiting> waiting = new ConcurrentHashMap<>();
  private final Consumer<VersionKey> demand;
  private final Loaded onLoaded;

  /**
   * @param demand asks for a version's load; may throw when the manager is shutting down
   */
  ColdLoads(Consumer<VersionKey> demand, Loaded onLoaded) {
    this.demand = demand;
    this.onLoaded = onLoaded;
  }

  /**
   * The future of {@code key}'s load, demanding it if nobody waits for it yet. The demand is asked
   * for only once the future is in the map: it may run (and settle) at once on another thread.
   */
  CompletableFuture<Void> await(VersionKey key) {
    Waiting fresh = new Waiting(new CompletableFuture<>(), System.nanoTime());
    Waiting w = waiting.computeIfAbsent(key, k -> fresh);
    if (w == fresh) {
      try {
        demand.accept(key);
      } catch (RuntimeException e) {
        waiting.remove(key, fresh);
        fresh
            .loaded()
            .completeExceptionally(new CanopyException.Unavailable("serving is shutting down"));
      }
    }
    return w.loaded();
  }

  List<VersionKey> waitingFor() {
    return List.copyOf(waiting.keySet());
  }

  /**
   * Completes or fails the requests waiting for {@code key} by its slot: they keep waiting while it
   * loads for the first time, and while it rests until their demand has been tried ({@code
   * demanded}: a change may be applied between a demand being queued and it running).
   *
   * @param noRoom the failure when it rests and no room could be made
   */
  void settle(
      VersionKey key, Slot slot, boolean demanded, Function<VersionKey, RuntimeException> noRoom) {
    Waiting w = waiting.get(key);
    if (w == null) {
      return;
    }
    RuntimeException failure;
    switch (slot) {
      case Slot.Available a -> failure = null;
      case Slot.Loading l when l.attempt() == 0 -> {
        return; // still loading: keep waiting
      }
      case Slot.Loading l ->
          failure = new CanopyException.Unavailable(key + " could not be loaded yet: " + l.note());
      case Slot.Resting r when !demanded -> {
        return; // its demand is queued behind this change
      }
      case Slot.Resting r -> failure = noRoom.apply(key);
      case Slot.Failed f ->
          failure = new CanopyException.FailedPrecondition(key + " failed to load: " + f.reason());
      case Slot.Blocked b -> failure = new CanopyException.Unavailable(key + ": " + b.reason());
      case null ->
          failure = new CanopyException.FailedPrecondition(key + " is no longer deployed here");
    }
    waiting.remove(key, w);
    if (failure != null) {
      w.loaded().completeExceptionally(failure);
    } else {
      onLoaded.loaded(key, System.nanoTime() - w.since());
      w.loaded().complete(null);
    }
  }

  /** Fails every waiting request (shutdown). */
  void failAll(RuntimeException why) {
    waiting.values().forEach(w -> w.loaded().completeExceptionally(why));
    waiting.clear();
  }
}

package io.canopy.serving.model;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ModelVersion;

/**
 * A version as requests see it: its registry metadata (null when the registry does not list it) and
 * this process's slot for it (null when nothing references it, so it is not deployed here).
 */
record VersionEntry(VersionKey key, ModelVersion meta, Slot slot) {

  /** The loaded version, or the domain error a request for it gets. */
  LoadedVersion servable() {
    return switch (slot) {
      case null ->
          throw new CanopyException.FailedPrecondition(
              key + " is not deployed: no alias or traffic policy references it");
      case Slot.Available a -> a.version();
      case Slot.Loading l when l.attempt() > 0 ->
          throw new CanopyException.Unavailable(key + " is not loaded yet: " + l.note());
      case Slot.Loading l -> throw new CanopyException.Unavailable(key + " is not loaded yet");
      case Slot.Resting r ->
          throw new CanopyException.Unavailable(key + " is not in memory (" + r.note() + ")");
      case Slot.Blocked b when b.waiting() ->
          throw new CanopyException.Unavailable(key + " is not loaded yet: " + b.reason());
      case Slot.Blocked b ->
          throw new CanopyException.FailedPrecondition(key + " cannot be served: " + b.reason());
      case Slot.Failed f ->
          throw new CanopyException.FailedPrecondition(
              key + " failed to load; GetModelStatus has the reason");
    };
  }

  /**
   * Settled: loaded, loadable on demand, or failed for good. What readiness waits for: the loads
   * started when the version appeared, not the ones the memory budget left for later.
   */
  boolean settled() {
    return switch (slot) {
      case null -> false;
      case Slot.Available a -> true;
      case Slot.Failed f -> true;
      case Slot.Blocked b -> !b.waiting();
      case Slot.Resting r -> true;
      case Slot.Loading l -> false;
    };
  }

  /**
   * A request may wait for it: it is loading for the first time (not retrying after a failure), or
   * not in memory and loadable on demand.
   */
  boolean worthWaitingFor() {
    return slot instanceof Slot.Resting || (slot instanceof Slot.Loading l && l.attempt() == 0);
  }

  /** Serves requests now, or after loading it on demand. */
  boolean servableSoon() {
    return slot instanceof Slot.Available || slot instanceof Slot.Resting;
  }

  String sha256() {
    return meta == null ? "" : meta.getSha256();
  }
}

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
      case Slot.Loading l -> throw new CanopyException.Unavailable(key + " is not loaded yet");
      case Slot.Blocked b when b.waiting() ->
          throw new CanopyException.Unavailable(key + " is not loaded yet: " + b.reason());
      case Slot.Blocked b ->
          throw new CanopyException.FailedPrecondition(key + " cannot be served: " + b.reason());
      case Slot.Failed f ->
          throw new CanopyException.FailedPrecondition(
              key + " failed to load; GetModelStatus has the reason");
    };
  }

  /** Settled: loaded, or failed for good. What readiness waits for. */
  boolean settled() {
    return switch (slot) {
      case null -> false;
      case Slot.Available a -> true;
      case Slot.Failed f -> true;
      case Slot.Blocked b -> !b.waiting();
      case Slot.Loading l -> false;
    };
  }

  boolean available() {
    return slot instanceof Slot.Available;
  }

  String sha256() {
    return meta == null ? "" : meta.getSha256();
  }
}

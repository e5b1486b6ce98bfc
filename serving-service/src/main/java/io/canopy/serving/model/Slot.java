package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ModelVersion;

/** What this process is doing with a referenced version. Immutable; replaced on every change. */
sealed interface Slot {

  VersionKey key();

  /** Being downloaded and loaded, or waiting to retry after a transient failure. */
  record Loading(VersionKey key, ModelVersion meta, int attempt, String note) implements Slot {}

  /**
   * READY and referenced, but not in memory: evicted to stay within the memory budget, or never
   * loaded for lack of room. The next request for it loads it.
   */
  record Resting(VersionKey key, ModelVersion meta, String note) implements Slot {}

  /** Loaded and serving. */
  record Available(VersionKey key, LoadedVersion version) implements Slot {}

  /** Could not be loaded (bad bytes, sha256 mismatch, load error); not retried. */
  record Failed(VersionKey key, String reason) implements Slot {}

  /**
   * Referenced, but the registry does not offer it as READY: {@code waiting} while it is still
   * validating, permanently blocked when it failed, is archived or unknown.
   */
  record Blocked(VersionKey key, boolean waiting, String reason) implements Slot {}
}

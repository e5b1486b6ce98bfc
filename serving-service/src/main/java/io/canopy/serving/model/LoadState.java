package io.canopy.serving.model;

/** Where a version stands in this serving process. */
public enum LoadState {
  /** Waiting, downloading, loading or warming up. */
  LOADING,
  /** Serving requests. */
  AVAILABLE,
  /** Could not be loaded and will not be retried; see the reason. */
  FAILED,
  /** Retired; finishing its in-flight requests before its native memory is freed. */
  UNLOADING,
  /** READY and deployed, not in memory (the memory budget): the next request loads it. */
  NOT_RESIDENT
}

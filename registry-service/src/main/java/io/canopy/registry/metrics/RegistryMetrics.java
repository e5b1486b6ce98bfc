package io.canopy.registry.metrics;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** What the registry measures; {@link #NOOP} where nobody is scraping (unit tests, tools). */
public interface RegistryMetrics {

  RegistryMetrics NOOP = new RegistryMetrics() {};

  /** How an upload ended. */
  enum UploadOutcome {
    /** validated and stored */
    READY,
    /** recorded, but validation failed */
    FAILED,
    /** refused before recording (empty, unknown format, too large, digest mismatch, ...) */
    REFUSED,
    /** the client went away mid-stream */
    CANCELLED
  }

  /** One upload ended with {@code outcome} after receiving {@code bytes}. */
  default void uploadFinished(UploadOutcome outcome, long bytes) {}

  /** One validation (child process) took {@code elapsed}. */
  default void validated(Duration elapsed) {}

  /**
   * One artifact-store call ended: {@code operation} is put, open (until the first byte can be
   * read) or delete; {@code outcome} ok, unavailable (the store could not be reached) or error.
   */
  default void artifactStoreCall(
      String backend, String operation, String outcome, Duration elapsed) {}

  /** A WatchModels stream was refused by the {@code limit} cap ("total" or "per_peer"). */
  default void watchRefused(String limit) {}

  /**
   * Registers the gauges (open watch streams, current revision) until the returned handle is
   * closed: a registry that stops must not leave gauges reading its closed stores.
   */
  default AutoCloseable gauges(IntSupplier watchers, LongSupplier revision) {
    return () -> {};
  }
}

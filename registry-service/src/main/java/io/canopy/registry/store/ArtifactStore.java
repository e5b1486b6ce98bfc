package io.canopy.registry.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Model artifacts by sha256. Only complete, validated files enter the store, atomically: a reader
 * sees a whole artifact or none. Implementations stream; none holds a whole artifact in memory.
 *
 * <p>A remote store that cannot be reached throws {@code CanopyException.Unavailable} from any
 * method, and from its streams' reads: nothing was changed, and the client may retry. Any other
 * failure is an {@link IOException}, like a failing disk.
 */
public interface ArtifactStore {

  /**
   * Moves {@code source} (complete, already synced to disk) into the store as {@code sha256}, and
   * makes that durable. Storing a digest that is already present keeps the present copy (same
   * digest, same bytes).
   */
  void put(Path source, String sha256) throws IOException;

  /** The stored bytes, if present; the caller closes the stream. */
  Optional<InputStream> open(String sha256) throws IOException;

  /**
   * Deletes the artifact unless {@code referenced} says some version still records it. Runs under
   * the same lock as {@link #put}, so an upload that records the digest before putting the file
   * never loses it to a concurrent delete.
   */
  void deleteIfUnreferenced(String sha256, Predicate<String> referenced) throws IOException;

  /**
   * For readiness: false while a remote store cannot be reached. Local stores are always reachable
   * (a full disk shows in the metadata store's health).
   */
  default boolean isReachable() {
    return true;
  }
}

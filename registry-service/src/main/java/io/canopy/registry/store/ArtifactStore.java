package io.canopy.registry.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Model artifacts by sha256. Only complete, validated files enter the store, atomically: a
 * reader sees a whole file or none.
 */
public interface ArtifactStore {

  /**
   * Moves {@code source} (complete, already synced to disk, on the same file system as the
   * store) into the store as {@code sha256}, replacing any previous copy, and makes the move
   * durable.
   */
  void put(Path source, String sha256) throws IOException;

  /** The stored file, if present. */
  Optional<Path> find(String sha256);

  /**
   * Deletes the artifact unless {@code referenced} says some version still records it. Runs
   * under the same lock as {@link #put}, so an upload that records the digest before putting
   * the file never loses it to a concurrent delete.
   */
  void deleteIfUnreferenced(String sha256, Predicate<String> referenced) throws IOException;
}

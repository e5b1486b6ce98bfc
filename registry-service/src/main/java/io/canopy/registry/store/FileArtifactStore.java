package io.canopy.registry.store;

import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A content-addressed directory: {@code <root>/sha256/ab/abcdef…}. Files arrive by atomic rename
 * from the staging area, followed by an fsync of the directory, so neither a crash nor a concurrent
 * reader ever sees half a file.
 */
public final class FileArtifactStore implements ArtifactStore {

  private final Path root;
  private final ReentrantLock lock = new ReentrantLock();

  public FileArtifactStore(Path root) throws IOException {
    this.root = Files.createDirectories(root.resolve("sha256"));
  }

  @Override
  public void put(Path source, String sha256) throws IOException {
    Path target = path(sha256);
    lock.lock();
    try {
      Path dir = Files.createDirectories(target.getParent());
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(dir);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    try {
      return Optional.of(Files.newInputStream(path(sha256)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void deleteIfUnreferenced(String sha256, Predicate<String> referenced) throws IOException {
    Path path = path(sha256);
    lock.lock();
    try {
      if (!referenced.test(sha256) && Files.deleteIfExists(path)) {
        syncDirectory(path.getParent());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Where {@code sha256} is (or would be) stored. */
  Path path(String sha256) {
    if (!Sha256.isValidHex(sha256)) {
      throw new IllegalArgumentException("not a lowercase sha256: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /** Makes a rename or delete in {@code dir} durable (Linux allows fsync on a directory). */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}

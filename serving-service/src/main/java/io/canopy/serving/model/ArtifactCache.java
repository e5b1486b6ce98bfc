package io.canopy.serving.model;

import io.canopy.common.digest.Sha256;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A local, content-addressed copy of artifacts ({@code sha256/ab/abcd…}) plus the last registry
 * state seen, so a restarted process can serve without the registry. Bytes are re-hashed on every
 * read: a file damaged on disk is dropped, never handed to the native loader. The cache is an
 * optimization: its I/O errors are logged, never fatal.
 */
final class ArtifactCache {

  private static final Logger LOG = Logger.getLogger(ArtifactCache.class.getName());
  private static final String STATE_FILE = "registry-state.binpb";

  private final Path dir;

  ArtifactCache(Path dir) {
    this.dir = dir;
  }

  /** The artifact with this sha256, if cached and intact. */
  Optional<byte[]> read(String sha256) {
    if (!Sha256.isValidHex(sha256)) {
      return Optional.empty();
    }
    Path file = artifactPath(sha256);
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (Sha256.hex(bytes).equals(sha256)) {
        return Optional.of(bytes);
      }
      LOG.warning("cached artifact " + file + " does not match its sha256; dropping it");
      Files.deleteIfExists(file);
    } catch (NoSuchFileException e) {
      // Not cached.
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read cached artifact " + file, e);
    }
    return Optional.empty();
  }

  /** Stores an artifact whose sha256 the caller has verified. */
  void write(String sha256, byte[] bytes) {
    if (!Sha256.isValidHex(sha256)) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    writeAtomically(artifactPath(sha256), bytes);
  }

  /** The registry state last saved, if any and readable. */
  Optional<WatchModelsResponse> readState() {
    Path file = dir.resolve(STATE_FILE);
    try {
      return Optional.of(WatchModelsResponse.parseFrom(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "ignoring unreadable cached registry state " + file, e);
      return Optional.empty();
    }
  }

  void writeState(WatchModelsResponse state) {
    writeAtomically(dir.resolve(STATE_FILE), state.toByteArray());
  }

  Path artifactPath(String sha256) {
    return dir.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /** Write to a temporary file, then rename: readers never see a half-written file. */
  private static void writeAtomically(Path target, byte[] bytes) {
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot write " + target + " to the local cache", e);
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: a stray temporary file is harmless.
        }
      }
    }
  }
}

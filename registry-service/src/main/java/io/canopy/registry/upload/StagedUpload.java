package io.canopy.registry.upload;

import com.google.protobuf.ByteString;
import io.canopy.common.digest.Sha256;
import io.canopy.common.error.CanopyException;
import io.canopy.registry.store.DiskFull;
import io.canopy.registry.validation.ModelFormats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An upload being received: bytes go to a private file in the staging area while their sha256 and
 * size are tracked, with the size cap enforced per chunk. The file is never visible to readers; it
 * is either discarded or, once validated, moved into the artifact store.
 */
public final class StagedUpload {

  private static final Logger LOG = Logger.getLogger(StagedUpload.class.getName());

  private final Path file;
  private final FileChannel channel;
  private final MessageDigest digest = Sha256.newDigest();
  private final long maxBytes;
  private long size;
  private boolean discarded;

  private StagedUpload(Path file, FileChannel channel, long maxBytes) {
    this.file = file;
    this.channel = channel;
    this.maxBytes = maxBytes;
  }

  static StagedUpload create(Path stagingDir, long maxBytes) {
    try {
      Path file = Files.createTempFile(Files.createDirectories(stagingDir), "upload-", ".part");
      return new StagedUpload(file, FileChannel.open(file, StandardOpenOption.WRITE), maxBytes);
    } catch (IOException e) {
      throw failure("cannot create a staging file", e);
    }
  }

  /** Appends one chunk; refuses (INVALID_ARGUMENT on {@code chunk}) past the size cap. */
  public void append(ByteString chunk) {
    if (size + chunk.size() > maxBytes) {
      throw new CanopyException.InvalidArgument(
          "chunk", "the upload exceeds the limit of " + maxBytes + " bytes");
    }
    try {
      for (ByteBuffer buffer : chunk.asReadOnlyByteBufferList()) {
        digest.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    } catch (IOException e) {
      throw failure("cannot write the staging file", e);
    }
    size += chunk.size();
  }

  /** Syncs and closes the file; returns what was received. */
  StagedFile finish() {
    try {
      channel.force(true);
      channel.close();
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(ModelFormats.HEAD_BYTES);
      }
      return new StagedFile(file, size, Sha256.hex(digest), ModelFormats.detect(head, head.length));
    } catch (IOException e) {
      throw failure("cannot finish the staging file", e);
    }
  }

  /** A full disk is the client's RESOURCE_EXHAUSTED (the upload is discarded); else INTERNAL. */
  private static RuntimeException failure(String what, IOException e) {
    return DiskFull.is(e)
        ? DiskFull.refusal(e)
        : new UncheckedIOException(what + ": " + e.getMessage(), e);
  }

  /** Bytes received so far. */
  long size() {
    return size;
  }

  /**
   * Drops the upload; safe to call more than once and after {@link #finish}.
   *
   * @return true the first time
   */
  boolean discard() {
    if (discarded) {
      return false;
    }
    discarded = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing " + file, e);
    }
    delete(file);
    return true;
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete staging file " + file, e);
    }
  }
}

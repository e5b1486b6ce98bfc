package io.canopy.registry.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.canopy.common.digest.Sha256;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one artifact: the metadata first, then 1 MiB chunks, only while the client keeps up
 * (isReady/onReady), so a large model never sits in memory. The file's sha256 is checked before
 * the first byte goes out and again over the bytes actually sent; a mismatch is DATA_LOSS.
 */
final class DownloadStream {

  private static final Logger LOG = Logger.getLogger(DownloadStream.class.getName());
  static final int CHUNK_BYTES = 1 << 20;

  private final ModelVersion version;
  private final Path file;
  private final ServerCallStreamObserver<DownloadVersionResponse> out;
  private final MessageDigest sent = Sha256.newDigest();
  private FileChannel channel;
  private boolean headerSent;
  private boolean done;

  private DownloadStream(
      ModelVersion version, Path file, ServerCallStreamObserver<DownloadVersionResponse> out) {
    this.version = version;
    this.file = file;
    this.out = out;
  }

  /** Verifies the stored file and starts streaming it. */
  static void start(
      ModelVersion version, Path file, ServerCallStreamObserver<DownloadVersionResponse> out)
      throws IOException {
    if (!version.getSha256().equals(hash(file))) {
      LOG.severe("artifact " + file + " no longer matches its sha256");
      throw Status.DATA_LOSS
          .withDescription("the stored artifact is damaged; upload the version again")
          .asRuntimeException();
    }
    DownloadStream stream = new DownloadStream(version, file, out);
    stream.channel = FileChannel.open(file, StandardOpenOption.READ);
    out.setOnCancelHandler(stream::close);
    out.setOnReadyHandler(stream::pump);
    stream.pump();
  }

  private static String hash(Path file) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[CHUNK_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return Sha256.hex(digest);
  }

  /** Runs on the call's serialized executor (handler thread or onReady), never concurrently. */
  private void pump() {
    try {
      while (!done && out.isReady()) {
        if (!headerSent) {
          out.onNext(DownloadVersionResponse.newBuilder().setVersion(version).build());
          headerSent = true;
          continue;
        }
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // fill the chunk
        }
        buffer.flip();
        if (!buffer.hasRemaining()) {
          finish();
          return;
        }
        sent.update(buffer.duplicate());
        // The buffer is fresh per chunk and never touched again, so wrapping it is safe.
        out.onNext(
            DownloadVersionResponse.newBuilder()
                .setChunk(UnsafeByteOperations.unsafeWrap(buffer))
                .build());
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "reading artifact " + file, e);
      close();
      out.onError(
          Status.DATA_LOSS.withDescription("the artifact could not be read").asRuntimeException());
    }
  }

  private void finish() {
    close();
    if (Sha256.hex(sent).equals(version.getSha256())) {
      out.onCompleted();
    } else {
      LOG.severe("artifact " + file + " changed while it was being sent");
      out.onError(
          Status.DATA_LOSS.withDescription("the stored artifact is damaged").asRuntimeException());
    }
  }

  private void close() {
    done = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing " + file, e);
    }
  }
}

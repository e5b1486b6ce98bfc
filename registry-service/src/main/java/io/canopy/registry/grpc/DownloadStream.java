package io.canopy.registry.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.canopy.common.digest.Sha256;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one artifact: the metadata first, then 1 MiB chunks, only while the client keeps up
 * (isReady/onReady), so a large model never sits in memory. The file's sha256 is checked before the
 * first byte goes out and again over the bytes actually sent; a mismatch is DATA_LOSS.
 */
final class DownloadStream {

  private static final Logger LOG = Logger.getLogger(DownloadStream.class.getName());
  static final int CHUNK_BYTES = 1 << 20;

  /** Opens the stored bytes; called twice (verify, then send). */
  @FunctionalInterface
  interface Source {
    InputStream open() throws IOException;
  }

  private final ModelVersion version;
  private final String label;
  private final ServerCallStreamObserver<DownloadVersionResponse> out;
  private final MessageDigest sent = Sha256.newDigest();
  private InputStream in;
  private boolean headerSent;
  private boolean done;

  private DownloadStream(
      ModelVersion version, String label, ServerCallStreamObserver<DownloadVersionResponse> out) {
    this.version = version;
    this.label = label;
    this.out = out;
  }

  /** Verifies the stored file and starts streaming it. */
  static void start(
      ModelVersion version, Source source, ServerCallStreamObserver<DownloadVersionResponse> out)
      throws IOException {
    String label = "artifact " + version.getSha256();
    if (!version.getSha256().equals(hash(source))) {
      LOG.severe(label + " no longer matches its sha256");
      throw Status.DATA_LOSS
          .withDescription("the stored artifact is damaged; upload the version again")
          .asRuntimeException();
    }
    DownloadStream stream = new DownloadStream(version, label, out);
    stream.in = source.open();
    out.setOnCancelHandler(stream::close);
    out.setOnReadyHandler(stream::pump);
    stream.pump();
  }

  private static String hash(Source source) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[CHUNK_BYTES];
    try (InputStream in = source.open()) {
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
        byte[] bytes = in.readNBytes(CHUNK_BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
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
      LOG.log(Level.WARNING, "reading " + label, e);
      close();
      out.onError(
          Status.DATA_LOSS.withDescription("the artifact could not be read").asRuntimeException());
    } catch (CanopyException.Unavailable e) {
      // A remote store went away mid-stream: retryable, and mapped like any domain error.
      LOG.log(Level.WARNING, "reading " + label, e);
      close();
      out.onError(e);
    }
  }

  private void finish() {
    close();
    if (Sha256.hex(sent).equals(version.getSha256())) {
      out.onCompleted();
    } else {
      LOG.severe(label + " changed while it was being sent");
      out.onError(
          Status.DATA_LOSS.withDescription("the stored artifact is damaged").asRuntimeException());
    }
  }

  private void close() {
    done = true;
    try {
      in.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing " + label, e);
    }
  }
}

package io.canopy.serving.model;

import com.google.protobuf.ByteString;
import io.canopy.common.digest.Sha256;
import io.canopy.proto.registry.v1.DownloadVersionRequest;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Streams a version's artifact from the registry and checks it against the registry's metadata: the
 * bytes must hash to the recorded sha256 and not exceed the recorded size.
 */
final class ArtifactDownloader {

  /** Bound on an artifact whose size the registry did not record. */
  private static final long MAX_UNSIZED_BYTES = Integer.MAX_VALUE - 8;

  private final ModelRegistryServiceBlockingStub stub;
  private final Duration timeout;

  ArtifactDownloader(ModelRegistryServiceBlockingStub stub, Duration timeout) {
    this.stub = stub;
    this.timeout = timeout;
  }

  byte[] download(ModelVersion meta) throws LoadFailure {
    long limit = meta.getSizeBytes() > 0 ? meta.getSizeBytes() : MAX_UNSIZED_BYTES;
    if (limit > MAX_UNSIZED_BYTES) {
      throw LoadFailure.permanent("artifact of " + limit + " bytes is too large to load", null);
    }
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return context.call(() -> receive(meta, limit));
    } catch (LoadFailure e) {
      throw e;
    } catch (StatusRuntimeException e) {
      throw classify(e);
    } catch (Exception e) {
      throw LoadFailure.transientFailure("download failed: " + e, e);
    } finally {
      // Stops the stream when we gave up early (too many bytes, metadata mismatch).
      context.cancel(null);
    }
  }

  private byte[] receive(ModelVersion meta, long limit) throws LoadFailure {
    Iterator<DownloadVersionResponse> stream =
        stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
            .downloadVersion(
                DownloadVersionRequest.newBuilder()
                    .setModel(meta.getModel())
                    .setVersion(meta.getVersion())
                    .build());
    MessageDigest digest = Sha256.newDigest();
    ByteString bytes = ByteString.EMPTY;
    while (stream.hasNext()) {
      DownloadVersionResponse message = stream.next();
      if (message.hasVersion() && !message.getVersion().getSha256().equals(meta.getSha256())) {
        throw LoadFailure.permanent(
            "registry now reports sha256 "
                + message.getVersion().getSha256()
                + " instead of "
                + meta.getSha256(),
            null);
      }
      if (bytes.size() + (long) message.getChunk().size() > limit) {
        throw LoadFailure.permanent(
            "registry sent more than the recorded " + limit + " bytes", null);
      }
      digest.update(message.getChunk().asReadOnlyByteBuffer());
      bytes = bytes.concat(message.getChunk()); // a rope: chunks are copied once, below
    }
    String actual = Sha256.hex(digest);
    if (!actual.equals(meta.getSha256())) {
      throw LoadFailure.permanent(
          "sha256 mismatch: registry metadata says "
              + meta.getSha256()
              + ", bytes hash to "
              + actual,
          null);
    }
    return bytes.toByteArray();
  }

  private static LoadFailure classify(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String message = "download failed: " + code + " " + e.getStatus().getDescription();
    return switch (code) {
      case NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED ->
          LoadFailure.permanent(message, e);
      default -> LoadFailure.transientFailure(message, e);
    };
  }
}

package io.canopy.cli.registry;

import com.google.protobuf.ByteString;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/** Streams a model file to the registry's UploadVersion: a header, then 1 MiB chunks. */
public final class ModelUploader {

  static final int CHUNK_BYTES = 1 << 20;

  private final ModelRegistryServiceGrpc.ModelRegistryServiceStub stub;

  public ModelUploader(Channel channel) {
    this.stub = ModelRegistryServiceGrpc.newStub(channel);
  }

  /** An uploader that sends {@code credentials} (the admin token) with every upload. */
  public ModelUploader(Channel channel, CallCredentials credentials) {
    this.stub = ModelRegistryServiceGrpc.newStub(channel).withCallCredentials(credentials);
  }

  /**
   * Uploads and waits for validation to finish.
   *
   * @param progress called with the bytes sent so far after each chunk
   * @return the new version, READY or FAILED
   */
  public ModelVersion upload(
      UploadVersionHeader header, InputStream bytes, long timeoutSeconds, LongConsumer progress)
      throws IOException {
    FutureObserver<UploadVersionRequest, UploadVersionResponse> reply = new FutureObserver<>();
    CompletableFuture<UploadVersionResponse> result = reply.future();
    StreamObserver<UploadVersionRequest> requests =
        stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).uploadVersion(reply);
    try {
      requests.onNext(UploadVersionRequest.newBuilder().setHeader(header).build());
      byte[] buffer = new byte[CHUNK_BYTES];
      long sent = 0;
      int n;
      while ((n = bytes.readNBytes(buffer, 0, buffer.length)) > 0 && !result.isDone()) {
        requests.onNext(
            UploadVersionRequest.newBuilder().setChunk(ByteString.copyFrom(buffer, 0, n)).build());
        sent += n;
        progress.accept(sent);
      }
      requests.onCompleted();
    } catch (IOException | RuntimeException e) {
      requests.onError(e);
      throw e;
    }
    return await(result, timeoutSeconds);
  }

  private static ModelVersion await(CompletableFuture<UploadVersionResponse> result, long seconds)
      throws IOException {
    try {
      return result.get(seconds + 5, TimeUnit.SECONDS).getVersion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the registry");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the registry did not answer within " + seconds + " s", e);
    }
  }
}

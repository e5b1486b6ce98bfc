package io.canopy.gateway.upstream;

import com.google.protobuf.ByteString;
import io.canopy.common.grpc.FutureObserver;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceStub;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One UploadVersion call fed by a blocking producer: the HTTP front's request thread (a virtual
 * thread) reading the client's body. A chunk is sent only once the call is ready for it, so the
 * registry's flow control reaches back to the HTTP client: while the registry writes slowly, the
 * gateway stops reading the socket instead of queueing the file in memory. At most one chunk waits
 * in gRPC's buffers besides the one being read.
 */
public final class VersionUpload {

  private final FutureObserver<UploadVersionRequest, UploadVersionResponse> answer =
      new FutureObserver<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private ClientCallStreamObserver<UploadVersionRequest> call;

  private VersionUpload() {}

  /** Starts the call on {@code stub} (its deadline and metadata set) and sends the header. */
  static VersionUpload start(ModelRegistryServiceStub stub, UploadVersionHeader header) {
    VersionUpload upload = new VersionUpload();
    stub.uploadVersion(upload.new Responses());
    upload.call.onNext(UploadVersionRequest.newBuilder().setHeader(header).build());
    return upload;
  }

  /**
   * Sends {@code length} bytes of {@code chunk} (copied: the caller reuses its buffer) once the
   * call can take them; waits until then. Fails with the call's own status when it ended early (the
   * registry refused the header, the deadline passed).
   */
  public void send(byte[] chunk, int length) {
    awaitReady();
    call.onNext(
        UploadVersionRequest.newBuilder().setChunk(ByteString.copyFrom(chunk, 0, length)).build());
  }

  /** Ends the upload; the registry answers once it has validated the version. */
  public CompletableFuture<UploadVersionResponse> finish() {
    call.onCompleted();
    return answer.future();
  }

  /** Cancels the call, unless it has ended: the registry discards what it staged. */
  public void cancel(String why) {
    answer.cancel(why);
  }

  private void awaitReady() {
    CompletableFuture<UploadVersionResponse> result = answer.future();
    lock.lock();
    try {
      while (!call.isReady() && !result.isDone()) {
        changed.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } finally {
      lock.unlock();
    }
    if (result.isDone()) {
      throw ended(result);
    }
  }

  /** The failure of a call that ended before the upload did. */
  private static RuntimeException ended(CompletableFuture<UploadVersionResponse> result) {
    if (result.isCompletedExceptionally()
        && result.exceptionNow() instanceof RuntimeException failure) {
      return failure;
    }
    return Status.INTERNAL
        .withDescription("the registry answered before the upload ended")
        .asRuntimeException();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The call's responses: the one answer, and readiness changes that wake a waiting sender. */
  private final class Responses
      implements ClientResponseObserver<UploadVersionRequest, UploadVersionResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<UploadVersionRequest> requests) {
      answer.beforeStart(requests);
      call = requests;
      requests.setOnReadyHandler(VersionUpload.this::signal);
    }

    @Override
    public void onNext(UploadVersionResponse value) {
      answer.onNext(value);
    }

    @Override
    public void onError(Throwable t) {
      answer.onError(t);
      signal();
    }

    @Override
    public void onCompleted() {
      answer.onCompleted();
      signal();
    }
  }
}

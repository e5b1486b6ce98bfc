package io.canopy.registry;

import com.google.protobuf.ByteString;
import io.canopy.common.testing.Observers;
import io.canopy.proto.registry.v1.DownloadVersionRequest;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test client: the registry stubs plus upload, download and watch helpers. */
public final class RegistryClient {

  public static final int CHUNK = 64 * 1024;

  public final ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub blocking;
  public final ModelRegistryServiceGrpc.ModelRegistryServiceStub async;

  public RegistryClient(Channel channel) {
    this.blocking = ModelRegistryServiceGrpc.newBlockingStub(channel);
    this.async = ModelRegistryServiceGrpc.newStub(channel);
  }

  /** Uploads to {@code model}, creating it if needed; returns the final version. */
  public ModelVersion upload(String model, byte[] bytes) {
    return upload(
        UploadVersionHeader.newBuilder().setModel(model).setCreateModel(true).build(), bytes);
  }

  /** Uploads {@code bytes} after {@code header}; throws StatusRuntimeException on failure. */
  public ModelVersion upload(UploadVersionHeader header, byte[] bytes) {
    CompletableFuture<UploadVersionResponse> response = new CompletableFuture<>();
    StreamObserver<UploadVersionRequest> requests =
        async.uploadVersion(Observers.completing(response));
    requests.onNext(UploadVersionRequest.newBuilder().setHeader(header).build());
    for (int at = 0; at < bytes.length; at += CHUNK) {
      int end = Math.min(bytes.length, at + CHUNK);
      requests.onNext(
          UploadVersionRequest.newBuilder()
              .setChunk(ByteString.copyFrom(bytes, at, end - at))
              .build());
    }
    requests.onCompleted();
    return await(response).getVersion();
  }

  /** A version's metadata and bytes, and how many chunk messages carried them. */
  public record Download(ModelVersion version, byte[] bytes, int chunks) {}

  public Download download(String model, long version) {
    Iterator<DownloadVersionResponse> stream =
        blocking.downloadVersion(
            DownloadVersionRequest.newBuilder().setModel(model).setVersion(version).build());
    DownloadVersionResponse first = stream.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int chunks = 0;
    while (stream.hasNext()) {
      byte[] chunk = stream.next().getChunk().toByteArray();
      bytes.write(chunk, 0, chunk.length);
      chunks++;
    }
    return new Download(first.getVersion(), bytes.toByteArray(), chunks);
  }

  /** An open WatchModels stream whose events queue up for the test. */
  public final class Watch implements AutoCloseable {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    Watch(long since) {
      context.run(
          () ->
              async.watchModels(
                  WatchModelsRequest.newBuilder().setSinceRevision(since).build(),
                  new StreamObserver<>() {
                    @Override
                    public void onNext(WatchModelsResponse value) {
                      events.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      events.add(t);
                    }

                    @Override
                    public void onCompleted() {
                      events.add("completed");
                    }
                  }));
    }

    /** The next event; fails the test when none comes within 20 s or the stream ended. */
    public WatchModelsResponse next() throws InterruptedException {
      Object event = events.poll(20, TimeUnit.SECONDS);
      if (event instanceof WatchModelsResponse r) {
        return r;
      }
      throw new AssertionError("expected a watch event, got " + event);
    }

    /** The first thing the stream delivered (an event or its error), waiting up to 20 s. */
    public Object firstOutcome() throws InterruptedException {
      return events.poll(20, TimeUnit.SECONDS);
    }

    /** The next item without waiting: null if none is queued. */
    public Object poll() {
      return events.poll();
    }

    /** The stream's terminal error, waiting up to 20 s. */
    public Throwable error() throws InterruptedException {
      while (true) {
        Object event = events.poll(20, TimeUnit.SECONDS);
        if (event == null || event instanceof Throwable) {
          return (Throwable) event;
        }
      }
    }

    @Override
    public void close() {
      context.cancel(null);
    }
  }

  public Watch watch(long sinceRevision) {
    return new Watch(sinceRevision);
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** Equality helper that prints sizes rather than megabytes of bytes on failure. */
  public static boolean sameBytes(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}

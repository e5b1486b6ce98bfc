package io.canopy.bench;

import io.canopy.common.grpc.FutureObserver;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A unary gRPC call with prebuilt requests, cycled (or drawn by a {@link ModelMix}, one request per
 * model); each call gets its own deadline.
 */
final class GrpcTarget<Q, R> extends NamedTarget {

  private final Channel channel;
  private final MethodDescriptor<Q, R> method;
  private final List<Q> requests;
  private final long timeoutNanos;
  private final AtomicInteger next = new AtomicInteger();
  private final IntSupplier pick;

  GrpcTarget(
      String name,
      int rowsPerRequest,
      Channel channel,
      MethodDescriptor<Q, R> method,
      List<Q> requests,
      Duration timeout) {
    this(name, rowsPerRequest, channel, method, requests, null, timeout);
  }

  /** With {@code pick}, each call sends the request it names; null cycles through them. */
  GrpcTarget(
      String name,
      int rowsPerRequest,
      Channel channel,
      MethodDescriptor<Q, R> method,
      List<Q> requests,
      IntSupplier pick,
      Duration timeout) {
    super(name, rowsPerRequest);
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("no requests to send");
    }
    this.channel = channel;
    this.method = method;
    this.requests = List.copyOf(requests);
    this.timeoutNanos = timeout.toNanos();
    this.pick =
        pick != null ? pick : () -> Math.floorMod(next.getAndIncrement(), this.requests.size());
  }

  @Override
  public byte[] sampleBody() {
    try (InputStream message = method.streamRequest(requests.get(0))) {
      byte[] bytes = message.readAllBytes();
      ByteBuffer frame = ByteBuffer.allocate(5 + bytes.length);
      frame.put((byte) 0).putInt(bytes.length).put(bytes);
      return frame.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The gRPC path h2load must POST to, e.g. {@code /canopy.inference.v1.InferenceService/Predict}.
   */
  String path() {
    return "/" + method.getFullMethodName();
  }

  @Override
  public CompletableFuture<R> send() {
    Q request = requests.get(pick.getAsInt());
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
    return FutureObserver.unary(
        (q, out) -> ClientCalls.asyncUnaryCall(channel.newCall(method, options), q, out), request);
  }
}

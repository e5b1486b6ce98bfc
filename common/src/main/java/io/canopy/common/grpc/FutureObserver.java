package io.canopy.common.grpc;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The project's one adapter from a gRPC response observer to a {@link CompletableFuture}, for unary
 * and client-streaming calls: the future completes with the call's single response, or
 * exceptionally with its error, or with INTERNAL when the server ends the call without a response.
 * {@link #cancel} cancels the call (a hedged attempt that lost the race, a caller that left).
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class FutureObserver<Q, R> implements ClientResponseObserver<Q, R> {

  private final CompletableFuture<R> result = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<Q> call;

  /** Calls {@code method} (an async stub's unary method) and returns the future of its answer. */
  public static <Q, R> CompletableFuture<R> unary(
      BiConsumer<Q, StreamObserver<R>> method, Q request) {
    FutureObserver<Q, R> observer = new FutureObserver<>();
    method.accept(request, observer);
    return observer.future();
  }

  /** Completes when the call answers, fails, or ends without an answer. */
  public CompletableFuture<R> future() {
    return result;
  }

  /** Cancels the call if it has started and not finished; the future fails with CANCELLED. */
  public void cancel(String why) {
    ClientCallStreamObserver<Q> started = call;
    if (started != null) {
      started.cancel(why, null);
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
    call = requestStream;
  }

  @Override
  public void onNext(R value) {
    result.complete(value);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    if (!result.isDone()) {
      result.completeExceptionally(
          Status.INTERNAL
              .withDescription("the call ended without a response")
              .asRuntimeException());
    }
  }
}

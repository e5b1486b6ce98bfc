package io.canopy.gateway.upstream;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** Adapts an async unary stub call to a CompletableFuture. */
public final class Unary {

  private Unary() {}

  public static <Q, R> CompletableFuture<R> call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
    CompletableFuture<R> result = new CompletableFuture<>();
    method.accept(
        request,
        new StreamObserver<>() {
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
                  io.grpc.Status.INTERNAL.withDescription("no response").asRuntimeException());
            }
          }
        });
    return result;
  }
}

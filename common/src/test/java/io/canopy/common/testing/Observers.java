package io.canopy.common.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Response observers for the async and client-streaming calls tests make by hand. */
public final class Observers {

  private Observers() {}

  /**
   * An observer that completes {@code result} with the call's (single) response, or
   * exceptionally with its error; the end of the stream adds nothing.
   */
  public static <T> StreamObserver<T> completing(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}

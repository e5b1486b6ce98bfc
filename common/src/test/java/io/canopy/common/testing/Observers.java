package io.canopy.common.testing;

import io.canopy.common.grpc.FutureObserver;
import java.util.concurrent.CompletableFuture;

/** Response observers for the async and client-streaming calls tests make by hand. */
public final class Observers {

  private Observers() {}

  /**
   * A {@link FutureObserver} (the project's one observer-to-future adapter) whose outcome also
   * completes {@code result}, for tests that hold the future before the call starts.
   */
  public static <Q, T> FutureObserver<Q, T> completing(CompletableFuture<T> result) {
    FutureObserver<Q, T> observer = new FutureObserver<>();
    observer
        .future()
        .whenComplete(
            (value, failure) -> {
              if (failure != null) {
                result.completeExceptionally(failure);
              } else {
                result.complete(value);
              }
            });
    return observer;
  }
}

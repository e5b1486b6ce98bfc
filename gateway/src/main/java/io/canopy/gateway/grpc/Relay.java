package io.canopy.gateway.grpc;

import io.canopy.gateway.upstream.UpstreamErrors;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Relays an upstream unary call's outcome to the gateway's caller, statuses passed through. */
final class Relay<T> implements StreamObserver<T> {

  private final StreamObserver<T> caller;

  Relay(StreamObserver<T> caller) {
    this.caller = caller;
  }

  /** Relays a future's outcome to {@code caller}. */
  static <T> void complete(CompletableFuture<T> future, StreamObserver<T> caller) {
    future.whenComplete(
        (response, failure) -> {
          Relay<T> relay = new Relay<>(caller);
          if (failure != null) {
            relay.onError(UpstreamErrors.unwrap(failure));
          } else {
            relay.onNext(response);
            relay.onCompleted();
          }
        });
  }

  @Override
  public void onNext(T value) {
    caller.onNext(value);
  }

  @Override
  public void onError(Throwable t) {
    caller.onError(UpstreamErrors.passThrough(t));
  }

  @Override
  public void onCompleted() {
    caller.onCompleted();
  }
}

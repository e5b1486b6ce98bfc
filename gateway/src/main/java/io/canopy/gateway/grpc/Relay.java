package io.canopy.gateway.grpc;

import io.canopy.gateway.upstream.UpstreamErrors;
import io.grpc.stub.StreamObserver;

/** Relays an upstream unary call's outcome to the gateway's caller, statuses passed through. */
final class Relay<T> implements StreamObserver<T> {

  private final StreamObserver<T> caller;

  Relay(StreamObserver<T> caller) {
    this.caller = caller;
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

package io.canopy.serving.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;

/** A unary call's answer or error, and the thread it arrived on (the dispatch tests ask). */
final class RecordingObserver<T> implements StreamObserver<T> {
  final CountDownLatch done = new CountDownLatch(1);
  volatile T response;
  volatile Throwable error;
  volatile String thread;

  @Override
  public void onNext(T value) {
    response = value;
    thread = Thread.currentThread().getName();
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    thread = Thread.currentThread().getName();
    done.countDown();
  }

  @Override
  public void onCompleted() {
    done.countDown();
  }
}

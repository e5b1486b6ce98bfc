package io.canopy.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * Closed loop: {@code concurrency} clients, each sending its next call as soon as the previous one
 * finished. Latency is measured from the actual send, which is right here because a client never
 * has a call waiting to be sent.
 */
final class ClosedLoop {

  private final Target target;
  private final RunWindow window;
  private final LatencyRecorder recorder;
  private final LongSupplier nanos;
  private final CountDownLatch clientsDone;

  private ClosedLoop(
      Target target,
      int concurrency,
      RunWindow window,
      LatencyRecorder recorder,
      LongSupplier nanos) {
    this.target = target;
    this.window = window;
    this.recorder = recorder;
    this.nanos = nanos;
    this.clientsDone = new CountDownLatch(concurrency);
  }

  /** Runs until the window closes and every call has finished. */
  static void run(
      Target target,
      int concurrency,
      RunWindow window,
      LatencyRecorder recorder,
      LongSupplier nanos)
      throws InterruptedException {
    ClosedLoop loop = new ClosedLoop(target, concurrency, window, recorder, nanos);
    for (int i = 0; i < concurrency; i++) {
      loop.client();
    }
    loop.clientsDone.await();
  }

  /**
   * Sends calls one after another; continues from the completion callback. A call that is already
   * complete when send returns is handled in the loop, so synchronous failures cannot recurse.
   */
  private void client() {
    while (true) {
      long start = nanos.getAsLong();
      if (!window.admit(start)) {
        clientsDone.countDown();
        return;
      }
      CompletableFuture<?> call = send();
      if (call.isDone()) {
        finish(start, call.handle((ignored, failure) -> failure).join());
        continue;
      }
      call.whenComplete(
          (ignored, failure) -> {
            finish(start, failure);
            client();
          });
      return;
    }
  }

  private CompletableFuture<?> send() {
    try {
      return target.send();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void finish(long start, Throwable failure) {
    long end = nanos.getAsLong();
    recorder.record(end - start, end, window.measured(start), failure);
  }
}

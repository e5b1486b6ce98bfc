package io.canopy.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Open loop: call i is due at {@code start + i / rate}, whatever happened to earlier calls, and its
 * latency is measured from that intended time. When the sender falls behind (the server stalled and
 * {@code maxOutstanding} calls are in flight), the late calls carry the time they spent waiting, so
 * queueing shows in the percentiles instead of being omitted (coordinated omission). Calls are
 * asynchronous: one sender thread, no thread per call.
 */
final class OpenLoop {

  private OpenLoop() {}

  /** Runs until the window closes and every call has finished. */
  static void run(
      Target target,
      double rate,
      int maxOutstanding,
      RunWindow window,
      LatencyRecorder recorder,
      LongSupplier nanos)
      throws InterruptedException {
    Semaphore outstanding = new Semaphore(maxOutstanding);
    Phaser inFlight = new Phaser(1);
    double periodNanos = 1e9 / rate;
    long start = nanos.getAsLong();
    for (long i = 0; ; i++) {
      long intended = start + (long) (i * periodNanos);
      if (!window.admit(intended)) {
        break;
      }
      awaitUntil(intended, nanos);
      outstanding.acquire();
      inFlight.register();
      CompletableFuture<?> call;
      try {
        call = target.send();
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete(
          (ignored, failure) -> {
            long end = nanos.getAsLong();
            recorder.record(end - intended, end, window.measured(intended), failure);
            outstanding.release();
            inFlight.arriveAndDeregister();
          });
    }
    inFlight.awaitAdvanceInterruptibly(inFlight.arrive());
  }

  /** Parks until {@code deadline}; returns at once when already late. */
  private static void awaitUntil(long deadline, LongSupplier nanos) throws InterruptedException {
    long remaining;
    while ((remaining = deadline - nanos.getAsLong()) > 0) {
      LockSupport.parkNanos(remaining);
      if (Thread.interrupted()) {
        throw new InterruptedException("open loop interrupted while pacing");
      }
    }
  }
}

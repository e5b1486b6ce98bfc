package io.canopy.gateway.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends connections whose client stops sending in the middle of a request. Helidon serves each
 * connection on its own virtual thread, blocked in a socket read while it waits for bytes, and
 * applies no read timeout to it; interrupting a virtual thread blocked in socket I/O closes the
 * socket. So a deadline is armed while the headers are read (from the request line to the end of
 * the headers) and around each read of a body, and a client silent for {@code readTimeout} loses
 * its connection.
 */
final class StallGuard implements AutoCloseable {

  private final Duration readTimeout;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-http-stall-guard");
            t.setDaemon(true);
            return t;
          });
  private final ThreadLocal<ScheduledFuture<?>> headerDeadline = new ThreadLocal<>();

  StallGuard(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  /** A deadline from each request line to the end of its headers. */
  Http1ConnectionListener headerDeadline() {
    return new Http1ConnectionListener() {
      @Override
      public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        headerDeadline.set(arm());
      }

      @Override
      public void headers(ConnectionContext ctx, Headers headers) {
        ScheduledFuture<?> deadline = headerDeadline.get();
        headerDeadline.remove();
        disarm(deadline);
      }
    };
  }

  /** Interrupts the calling thread (closing its socket) unless disarmed within the timeout. */
  ScheduledFuture<?> arm() {
    Thread thread = Thread.currentThread();
    return timer.schedule(thread::interrupt, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Cancels a deadline; an interrupt that raced the cancellation is cleared. */
  void disarm(ScheduledFuture<?> deadline) {
    if (deadline != null && !deadline.cancel(false)) {
      Thread.interrupted();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

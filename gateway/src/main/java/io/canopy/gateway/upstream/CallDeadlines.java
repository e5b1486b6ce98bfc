package io.canopy.gateway.upstream;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of an upstream call: the caller's own (the gRPC {@link Context} carries it), so the
 * gateway never waits past it, else the configured default so no call waits forever.
 */
final class CallDeadlines {

  private final long defaultNanos;
  private final Deadline.Ticker ticker;

  CallDeadlines(Duration defaultTimeout, Deadline.Ticker ticker) {
    this.defaultNanos = defaultTimeout.toNanos();
    this.ticker = ticker;
  }

  Deadline forCall() {
    Deadline caller = Context.current().getDeadline();
    return caller != null ? caller : Deadline.after(defaultNanos, TimeUnit.NANOSECONDS, ticker);
  }
}

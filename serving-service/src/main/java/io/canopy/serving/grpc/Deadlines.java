package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;

/** Stops work whose caller has given up: a spent deadline or a cancelled call computes nothing. */
final class Deadlines {

  /** How long a request without a deadline waits for its version to load. */
  static final long MAX_LOAD_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

  private Deadlines() {}

  /** Nanoseconds left to wait for a version to load: the deadline's, else at most a minute. */
  static long loadWaitNanos(Context context) {
    Deadline deadline = context.getDeadline();
    return deadline == null
        ? MAX_LOAD_WAIT_NANOS
        : Math.min(
            MAX_LOAD_WAIT_NANOS, deadline.timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  static void checkNotExpired(Context context) {
    Deadline deadline = context.getDeadline();
    if (deadline != null && deadline.isExpired()) {
      throw new CanopyException.DeadlineExceeded("the deadline passed before computing");
    }
    if (context.isCancelled()) {
      throw Status.CANCELLED.withDescription("the caller cancelled").asRuntimeException();
    }
  }
}

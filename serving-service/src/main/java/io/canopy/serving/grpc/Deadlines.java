package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;

/** Stops work whose caller has given up: a spent deadline or a cancelled call computes nothing. */
final class Deadlines {

  private Deadlines() {}

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

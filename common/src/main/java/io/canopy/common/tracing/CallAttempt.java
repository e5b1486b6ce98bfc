package io.canopy.common.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * Which attempt of a retried or hedged call the next gRPC call is: the caller that retries puts it
 * in the trace context, and the client span of the call ({@link GrpcClientTracing}) records it, so
 * a trace shows each retry and hedge as its own span under the call they belong to.
 *
 * @param number 1 for the first attempt
 * @param hedge true for a copy sent while an earlier attempt was still running
 */
public record CallAttempt(int number, boolean hedge) {

  static final ContextKey<CallAttempt> KEY = ContextKey.named("canopy-call-attempt");

  /** {@code parent} with this attempt: make it current around the call's creation. */
  public Context in(Context parent) {
    return parent.with(KEY, this);
  }
}

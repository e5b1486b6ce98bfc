package io.canopy.gateway.predict;

import io.canopy.gateway.upstream.UpstreamErrors;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * When a call routed through a recently moved alias goes to the alias's previous target instead
 * ({@link io.canopy.gateway.routing.Route#fallbackVersion}): serving answered, after the retries,
 * that it does not serve the new target yet — UNAVAILABLE (still loading) or FAILED_PRECONDITION
 * (not deployed on that replica yet) — and the caller's deadline has not passed.
 */
final class AliasFallback {

  private AliasFallback() {}

  /**
   * {@code first}, or, when it fails in a way that {@link #applies} and {@code fallbackVersion} is
   * set (above 0), one call to {@code fallbackVersion} made by {@code callVersion}.
   */
  static <R> CompletableFuture<R> orFallback(
      CompletableFuture<R> first,
      long fallbackVersion,
      Deadline deadline,
      LongFunction<CompletableFuture<R>> callVersion) {
    if (fallbackVersion <= 0) {
      return first;
    }
    return first.exceptionallyCompose(
        failure ->
            applies(failure, deadline)
                ? callVersion.apply(fallbackVersion)
                : CompletableFuture.failedFuture(failure));
  }

  static boolean applies(Throwable failure, Deadline deadline) {
    Status.Code code = Status.fromThrowable(UpstreamErrors.unwrap(failure)).getCode();
    return (code == Status.Code.UNAVAILABLE || code == Status.Code.FAILED_PRECONDITION)
        && !deadline.isExpired();
  }
}

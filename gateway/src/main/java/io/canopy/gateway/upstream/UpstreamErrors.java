package io.canopy.gateway.upstream;

import io.canopy.common.error.ErrorMapping;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * Turns the failure of an upstream call into what the gateway's own caller sees: the upstream code
 * and description unchanged, its rich error details ({@code google.rpc.Status}, e.g. the BadRequest
 * naming the bad field) kept, and nothing of the gateway's own added. Statuses the gateway's
 * channel made up itself (they carry a cause, or are deadline/cancel statuses whose text names
 * upstream addresses) keep their code but get a generic description.
 */
public final class UpstreamErrors {

  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private UpstreamErrors() {}

  /** The failure itself, or the cause a {@link CompletionException} wraps. */
  public static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  /**
   * Whether {@code failure} is UNAVAILABLE made by the gateway's own channel (it carries a cause:
   * connection refused or reset, an I/O error, a connection the kernel would not open): no replica
   * answered it, so no replica's work is wasted and sending it elsewhere is what a balancer that
   * knew would have done. Statuses a replica sent (overloaded, draining) carry no cause.
   */
  public static boolean unansweredUnavailable(Throwable failure) {
    Status status = Status.fromThrowable(unwrap(failure));
    return status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null;
  }

  /** The status to relay for {@code t}; anything that is not a gRPC status becomes INTERNAL. */
  public static StatusRuntimeException passThrough(Throwable t) {
    if (!(t instanceof StatusRuntimeException) && !(t instanceof StatusException)) {
      return ErrorMapping.toStatusException(t);
    }
    Status upstream = Status.fromThrowable(t);
    Status relayed = Status.fromCode(upstream.getCode()).withDescription(description(upstream));
    Metadata trailers = new Metadata();
    Metadata received = Status.trailersFromThrowable(t);
    if (received != null && received.containsKey(STATUS_DETAILS)) {
      trailers.put(STATUS_DETAILS, received.get(STATUS_DETAILS));
    }
    return relayed.asRuntimeException(trailers);
  }

  private static String description(Status status) {
    return switch (status.getCode()) {
      case DEADLINE_EXCEEDED -> "deadline exceeded";
      case CANCELLED -> "cancelled";
      case UNAVAILABLE ->
          status.getCause() != null ? "upstream unavailable" : status.getDescription();
      default ->
          status.getCause() != null
              ? "upstream " + status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              : status.getDescription();
    };
  }
}

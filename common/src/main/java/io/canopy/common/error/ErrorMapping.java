package io.canopy.common.error;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one place that maps errors to transports: domain exceptions to gRPC statuses (with {@code
 * google.rpc.BadRequest} details naming the field), and gRPC codes to HTTP statuses. Anything
 * unexpected becomes INTERNAL with a generic message: internal text never leaks.
 */
public final class ErrorMapping {

  /** The message a client sees for an unexpected failure. */
  public static final String INTERNAL_MESSAGE = "internal error";

  /** Longest message (and field) a status carries; longer ones are cut, see {@link #clip}. */
  static final int MAX_MESSAGE_CHARS = 512;

  private ErrorMapping() {}

  /** Maps any throwable to the exception a gRPC handler should send. */
  public static StatusRuntimeException toStatusException(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (t instanceof StatusException se) {
      return new StatusRuntimeException(se.getStatus(), se.getTrailers());
    }
    if (t instanceof CanopyException ce) {
      return fromDomain(ce);
    }
    return Status.INTERNAL.withDescription(INTERNAL_MESSAGE).asRuntimeException();
  }

  /** True when {@code t} is an expected outcome (domain or status error), not a bug. */
  public static boolean isExpected(Throwable t) {
    return t instanceof CanopyException
        || t instanceof StatusRuntimeException
        || t instanceof StatusException;
  }

  private static StatusRuntimeException fromDomain(CanopyException e) {
    return switch (e) {
      case CanopyException.InvalidArgument ia -> invalidArgument(ia);
      case CanopyException.NotFound nf -> plain(Status.NOT_FOUND, nf);
      case CanopyException.AlreadyExists ae -> plain(Status.ALREADY_EXISTS, ae);
      case CanopyException.FailedPrecondition fp -> plain(Status.FAILED_PRECONDITION, fp);
      case CanopyException.Unavailable u -> plain(Status.UNAVAILABLE, u);
      case CanopyException.ResourceExhausted re -> plain(Status.RESOURCE_EXHAUSTED, re);
      case CanopyException.DeadlineExceeded de -> plain(Status.DEADLINE_EXCEEDED, de);
      case CanopyException.Unauthenticated ua -> plain(Status.UNAUTHENTICATED, ua);
      case CanopyException.PermissionDenied pd -> plain(Status.PERMISSION_DENIED, pd);
    };
  }

  private static StatusRuntimeException plain(Status status, CanopyException e) {
    return status.withDescription(clip(e.getMessage())).asRuntimeException();
  }

  /**
   * Messages travel in HTTP/2 trailers, and clients drop trailers over 8 KiB (grpc-java's default)
   * as a protocol error: a message quoting a 10 KB name would reach the caller as INTERNAL.
   */
  static String clip(String message) {
    return message.length() <= MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, MAX_MESSAGE_CHARS) + "… (" + message.length() + " characters)";
  }

  private static StatusRuntimeException invalidArgument(CanopyException.InvalidArgument e) {
    BadRequest details =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField(clip(e.field()))
                    .setDescription(clip(e.getMessage())))
            .build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(clip(e.field() + ": " + e.getMessage()))
            .addDetails(com.google.protobuf.Any.pack(details))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** The HTTP status matching a gRPC code (as grpc-gateway and KServe map them). */
  public static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }
}

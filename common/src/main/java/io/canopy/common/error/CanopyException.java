package io.canopy.common.error;

import java.util.Objects;

/**
 * The one family of domain errors. Domain code throws these; {@link ErrorMapping} turns them into a
 * gRPC status or an HTTP code, so no service decides on status codes itself.
 */
public abstract sealed class CanopyException extends RuntimeException
    permits CanopyException.InvalidArgument,
        CanopyException.NotFound,
        CanopyException.AlreadyExists,
        CanopyException.FailedPrecondition,
        CanopyException.Unavailable,
        CanopyException.ResourceExhausted,
        CanopyException.DeadlineExceeded,
        CanopyException.Unauthenticated,
        CanopyException.PermissionDenied {

  private CanopyException(String message, Throwable cause) {
    // No stack trace capture for expected errors on hot paths is not worth the surprise; keep it.
    super(Objects.requireNonNull(message, "message"), cause);
  }

  /** Bad input; {@code field} names the request field at fault (e.g. "dense.values"). */
  public static final class InvalidArgument extends CanopyException {
    private final String field;

    public InvalidArgument(String field, String message) {
      super(message, null);
      this.field = Objects.requireNonNull(field, "field");
    }

    public String field() {
      return field;
    }
  }

  /** A named thing (model, version, alias, feature view) does not exist. */
  public static final class NotFound extends CanopyException {
    public NotFound(String message) {
      super(message, null);
    }
  }

  /** Creating something that exists already. */
  public static final class AlreadyExists extends CanopyException {
    public AlreadyExists(String message) {
      super(message, null);
    }
  }

  /** The system is not in a state that allows the operation (e.g. deleting a referenced model). */
  public static final class FailedPrecondition extends CanopyException {
    public FailedPrecondition(String message) {
      super(message, null);
    }
  }

  /** Retryable: overloaded, not loaded yet, an upstream down. */
  public static final class Unavailable extends CanopyException {
    public Unavailable(String message) {
      super(message, null);
    }

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A per-caller or per-request limit was exceeded (size, rows, quota), or storage is full. */
  public static final class ResourceExhausted extends CanopyException {
    public ResourceExhausted(String message) {
      super(message, null);
    }

    public ResourceExhausted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The caller's deadline passed before the work could be done. */
  public static final class DeadlineExceeded extends CanopyException {
    public DeadlineExceeded(String message) {
      super(message, null);
    }
  }

  /** No or unknown credentials. */
  public static final class Unauthenticated extends CanopyException {
    public Unauthenticated(String message) {
      super(message, null);
    }
  }

  /** Valid credentials without the right to do this. */
  public static final class PermissionDenied extends CanopyException {
    public PermissionDenied(String message) {
      super(message, null);
    }
  }
}

package io.canopy.bench;

import io.grpc.Status;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Names a failed call's error for the "errors by code" table: gRPC code or HTTP status. */
final class Outcomes {

  private Outcomes() {}

  /** An HTTP response whose status was not 200. */
  static final class HttpStatusException extends IOException {
    private final int status;

    HttpStatusException(int status) {
      super("HTTP " + status);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /** The code a failure is counted under: a gRPC code name, {@code HTTP_503}, or a client error. */
  static String code(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof HttpStatusException http) {
      return "HTTP_" + http.status();
    }
    if (t instanceof HttpTimeoutException) {
      return "HTTP_TIMEOUT";
    }
    if (t instanceof IOException) {
      return "IO_ERROR";
    }
    Status status = Status.fromThrowable(t);
    return status.getCode() == Status.Code.UNKNOWN && status.getCause() == t
        ? "CLIENT_ERROR"
        : status.getCode().name();
  }
}

package io.canopy.gateway.http;

/**
 * The request body could not be read to its end: the client stopped sending it (nothing for {@code
 * gateway.http.read-timeout}, or the connection broke: HTTP 408) or sent a malformed chunked
 * encoding (HTTP 400). Either way the connection is closed, since where the next request would
 * start is unknown.
 */
final class BodyStalled extends RuntimeException {

  private final int status;

  BodyStalled(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}

package io.canopy.gateway.http;

/**
 * The client stopped sending its body (nothing for {@code gateway.http.read-timeout}, or the
 * connection broke): HTTP 408, and the connection is closed.
 */
final class BodyStalled extends RuntimeException {

  BodyStalled(String message) {
    super(message, null, false, false);
  }
}

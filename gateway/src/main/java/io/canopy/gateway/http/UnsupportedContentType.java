package io.canopy.gateway.http;

/** A body of a content type the route does not take: HTTP 415. */
final class UnsupportedContentType extends RuntimeException {

  UnsupportedContentType(String message) {
    super(message, null, false, false);
  }
}

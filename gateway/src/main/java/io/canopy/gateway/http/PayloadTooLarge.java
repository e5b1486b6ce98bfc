package io.canopy.gateway.http;

/** A request over the gateway's body or row limit: HTTP 413. */
final class PayloadTooLarge extends RuntimeException {

  PayloadTooLarge(String message) {
    super(message, null, false, false);
  }
}

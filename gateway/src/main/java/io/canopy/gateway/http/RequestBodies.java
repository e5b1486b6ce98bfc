package io.canopy.gateway.http;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** Reads request bodies into memory, never more than the configured limit. */
final class RequestBodies {

  private final int maxBytes;

  RequestBodies(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The whole body; PayloadTooLarge when it is (or declares to be) over the limit. */
  byte[] read(ServerRequest request) {
    OptionalLong declared = request.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      throw tooLarge();
    }
    try (InputStream in = request.content().inputStream()) {
      // One byte past the limit tells an oversized chunked body from one exactly at the limit.
      byte[] body = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
      if (body.length > maxBytes) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PayloadTooLarge tooLarge() {
    return new PayloadTooLarge("body: larger than the gateway's limit of " + maxBytes + " bytes");
  }
}

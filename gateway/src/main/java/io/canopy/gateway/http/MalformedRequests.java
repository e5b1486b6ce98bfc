package io.canopy.gateway.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;

/**
 * Answers what fails in Helidon before any route runs. A request line whose method is no HTTP token
 * (a control character in it) ended in Helidon's bare 500 with no body; it is the client's
 * malformed request: 400 in the API's error shape, and the connection closes. Every other
 * transport-level event keeps Helidon's own answer.
 */
final class MalformedRequests implements DirectHandler {

  private static final DirectHandler HELIDON = DirectHandler.defaultHandler();

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType eventType,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    if (eventType == EventType.INTERNAL_ERROR && !isToken(request.method())) {
      return TransportResponse.builder()
          .status(Status.BAD_REQUEST_400)
          .header(HeaderNames.CONTENT_TYPE, "application/json")
          .entity(
              "{\"error\":\"malformed request line: the method must be an HTTP token\"}"
                  .getBytes(StandardCharsets.UTF_8))
          .keepAlive(false)
          .build();
    }
    return HELIDON.handle(request, eventType, status, headers, message);
  }

  /** RFC 9110 token characters: visible ASCII but delimiters. */
  static boolean isToken(String method) {
    if (method == null || method.isEmpty()) {
      return false;
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}

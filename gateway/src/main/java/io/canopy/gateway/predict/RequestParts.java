package io.canopy.gateway.predict;

import io.canopy.common.grpc.RowLimit;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.RequestPart;

/**
 * The part a request carries upstream: its id, rows and route, so that serving records each row
 * under the request it came from even after the batcher merged several requests into one call.
 */
final class RequestParts {

  private RequestParts() {}

  /** {@code request} with one part: all its rows, routed {@code route}. */
  static PredictRequest routed(PredictRequest.Builder request, String route) {
    return part(request, route, false);
  }

  /** A shadow copy: same id and rows, marked shadow. */
  static PredictRequest shadow(PredictRequest.Builder request) {
    return part(request, "shadow", true);
  }

  private static PredictRequest part(PredictRequest.Builder request, String route, boolean shadow) {
    request.clearParts();
    int rows = RowLimit.rows(request);
    if (!request.getRequestId().isEmpty() && rows > 0) {
      request.addParts(
          RequestPart.newBuilder()
              .setRequestId(request.getRequestId())
              .setRows(rows)
              .setRoute(route)
              .setShadow(shadow));
    }
    return request.build();
  }
}

package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.RowLimit;
import io.canopy.common.requestid.RequestIds;
import io.canopy.monitor.log.Routes;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.RequestPart;

/**
 * Checks a merged request's parts (which rows came from which request, set by the gateway): each
 * names a valid request id, at least one row and a short route, and together they cover every row.
 */
final class RequestParts {

  private RequestParts() {}

  static void check(PredictRequest request) {
    if (request.getPartsCount() == 0) {
      return;
    }
    long covered = 0;
    for (int i = 0; i < request.getPartsCount(); i++) {
      RequestPart part = request.getParts(i);
      String field = "parts[" + i + "]";
      RequestIds.check(field + ".request_id", part.getRequestId());
      if (part.getRows() < 1) {
        throw new CanopyException.InvalidArgument(field + ".rows", "must be at least 1");
      }
      if (!Routes.valid(part.getRoute())) {
        throw new CanopyException.InvalidArgument(
            field + ".route", "must be 1-" + Routes.MAX_LENGTH + " characters of a-z and '-'");
      }
      covered += part.getRows();
    }
    long rows = RowLimit.rows(request);
    if (covered != rows) {
      throw new CanopyException.InvalidArgument(
          "parts", "cover " + covered + " rows; the request has " + rows);
    }
  }
}

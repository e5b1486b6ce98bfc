package io.canopy.gateway.http;

import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.canopy.gateway.upstream.UpstreamErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.NotFoundException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every HTTP failure as {@code {"error": "..."}}: gRPC statuses (upstream or the gateway's own
 * domain errors) with {@link ErrorMapping#httpStatus}, limits with 413, a wrong content type with
 * 415, unknown routes with 404, anything unexpected with 500 and a generic message (the detail goes
 * to the log only). A request answered before its body was read gets the same answer, then its
 * connection is closed ({@link #answerAndClose}).
 */
final class HttpErrors {

  private static final Logger LOG = Logger.getLogger(HttpErrors.class.getName());

  private final JsonReplies replies;

  HttpErrors(JsonReplies replies) {
    this.replies = replies;
  }

  void register(HttpRouting.Builder routing) {
    routing
        .error(StatusRuntimeException.class, (req, res, e) -> status(res, e))
        .error(CanopyException.class, (req, res, e) -> status(res, e))
        .error(PayloadTooLarge.class, (req, res, e) -> replies.error(res, 413, e.getMessage()))
        .error(
            UnsupportedContentType.class, (req, res, e) -> replies.error(res, 415, e.getMessage()))
        .error(
            BodyStalled.class,
            (req, res, e) -> {
              res.header(HeaderNames.CONNECTION, "close");
              replies.error(res, e.status(), e.getMessage());
              // The rest of the body will not come: drop the connection rather than wait for it.
              throw new CloseConnectionException("the request body stalled");
            })
        .error(
            NotFoundException.class,
            (req, res, e) ->
                replies.error(
                    res,
                    404,
                    "no route for " + req.prologue().method().text() + " " + req.path().path()))
        .error(
            HttpException.class,
            (req, res, e) -> replies.error(res, e.status().code(), e.status().reasonPhrase()))
        .error(
            Exception.class,
            (req, res, e) -> {
              LOG.log(Level.WARNING, "unexpected failure in " + req.prologue(), e);
              replies.error(res, 500, ErrorMapping.INTERNAL_MESSAGE);
            });
  }

  /**
   * Answers a request whose body is not read to its end (an upload refused while the client still
   * sends) as its failure says, then closes the connection: Helidon would otherwise read and
   * discard the rest of the body, which for an upload may be gigabytes.
   */
  void answerAndClose(ServerRequest req, ServerResponse res, RuntimeException failure) {
    res.header(HeaderNames.CONNECTION, "close");
    switch (failure) {
      case PayloadTooLarge tooLarge -> replies.error(res, 413, tooLarge.getMessage());
      case UnsupportedContentType type -> replies.error(res, 415, type.getMessage());
      case StatusRuntimeException upstream -> status(res, upstream);
      case CanopyException domain -> status(res, domain);
      default -> {
        LOG.log(Level.WARNING, "unexpected failure in " + req.prologue(), failure);
        replies.error(res, 500, ErrorMapping.INTERNAL_MESSAGE);
      }
    }
    throw new CloseConnectionException("the rest of the request body was not read");
  }

  private void status(ServerResponse res, RuntimeException e) {
    StatusRuntimeException mapped =
        e instanceof StatusRuntimeException upstream
            ? UpstreamErrors.passThrough(upstream)
            : ErrorMapping.toStatusException(e);
    Status status = mapped.getStatus();
    String message =
        status.getDescription() != null ? status.getDescription() : status.getCode().name();
    replies.error(res, ErrorMapping.httpStatus(status.getCode()), message);
  }
}

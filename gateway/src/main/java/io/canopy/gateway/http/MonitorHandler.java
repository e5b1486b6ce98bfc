package io.canopy.gateway.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.canopy.common.error.CanopyException;
import io.canopy.gateway.upstream.MonitorClient;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.GetDriftRequest;
import io.canopy.proto.monitor.v1.GetHistoryRequest;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The monitor's reads over HTTP, relayed to its gRPC API: {@code GET /v1/models/{m}/quality},
 * {@code …/drift} (both with optional {@code version} and {@code window}) and {@code …/compare}
 * (optional {@code champion}, {@code challenger}, {@code window}) and {@code …/history} (optional
 * {@code version}, {@code window}, {@code points}: quality and drift per bucket of the window).
 * Answers are the gRPC responses as JSON with the proto's field names.
 *
 * @param monitor null when the gateway has no monitor (gateway.monitor.target empty): 503
 */
record MonitorHandler(MonitorClient monitor, JsonReplies replies) {

  /** Zeros printed too (a PSI or a missing share of 0 is an answer, not an absence). */
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();

  void routes(HttpRules rules) {
    rules
        .get("/v1/models/{m}/quality", this::quality)
        .get("/v1/models/{m}/drift", this::drift)
        .get("/v1/models/{m}/compare", this::compare)
        .get("/v1/models/{m}/history", this::history);
  }

  private MonitorClient reads() {
    if (monitor == null) {
      throw new CanopyException.Unavailable(
          "this gateway has no monitor to ask (gateway.monitor.target)", null);
    }
    return monitor;
  }

  private void quality(ServerRequest req, ServerResponse res) {
    GetQualityRequest.Builder q =
        GetQualityRequest.newBuilder().setModel(Names.model(req.path().pathParameters().get("m")));
    q.setVersion(number(req, "version"));
    q.setWindow(text(req, "window"));
    send(res, reads().quality(q.build()));
  }

  private void drift(ServerRequest req, ServerResponse res) {
    GetDriftRequest.Builder q =
        GetDriftRequest.newBuilder().setModel(Names.model(req.path().pathParameters().get("m")));
    q.setVersion(number(req, "version"));
    q.setWindow(text(req, "window"));
    send(res, reads().drift(q.build()));
  }

  private void compare(ServerRequest req, ServerResponse res) {
    CompareVersionsRequest.Builder q =
        CompareVersionsRequest.newBuilder()
            .setModel(Names.model(req.path().pathParameters().get("m")));
    q.setChampion(number(req, "champion"));
    q.setChallenger(number(req, "challenger"));
    q.setWindow(text(req, "window"));
    send(res, reads().compare(q.build()));
  }

  /**
   * Quality and drift over time: the window in {@code points} buckets (the monitor checks 2-100).
   */
  private void history(ServerRequest req, ServerResponse res) {
    GetHistoryRequest.Builder q =
        GetHistoryRequest.newBuilder().setModel(Names.model(req.path().pathParameters().get("m")));
    q.setVersion(number(req, "version"));
    q.setWindow(text(req, "window"));
    q.setPoints(Math.toIntExact(Math.min(number(req, "points"), Integer.MAX_VALUE)));
    send(res, reads().history(q.build()));
  }

  private static long number(ServerRequest req, String name) {
    String text = req.query().first(name).orElse("");
    if (text.isEmpty()) {
      return 0;
    }
    try {
      long v = Long.parseLong(text);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid(name, "'" + text + "' is not a positive whole number");
  }

  private static String text(ServerRequest req, String name) {
    return JsonInput.wellFormed(name, req.query().first(name).orElse(""));
  }

  private static void send(ServerResponse res, MessageOrBuilder message) {
    String body;
    try {
      body = JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a monitor response did not print as JSON", e);
    }
    res.status(200);
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }
}

package io.canopy.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.error.CanopyException;
import io.canopy.gateway.outcomes.OutcomeIntake;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;

/**
 * {@code POST /v1/models/{m}/outcomes} with {@code {"outcomes": [{"request_id": "…", "row": 0,
 * "label": 1 | "value": 3.5, "time": "RFC 3339"}]}}: what really happened, for the monitor. Answers
 * {@code {"accepted": n}}; bad items are a 400 naming them, after the good ones were kept.
 *
 * @param intake null when outcomes are off
 */
record OutcomesHandler(OutcomeIntake intake, RequestBodies bodies, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules.post("/v1/models/{m}/outcomes", this::record);
  }

  private void record(ServerRequest req, ServerResponse res) {
    String model = Names.model(req.path().pathParameters().get("m"));
    if (intake == null) {
      throw new CanopyException.FailedPrecondition(
          "outcomes are off on this gateway (gateway.outcomes.enabled)");
    }
    JsonNode body = body(req);
    JsonNode items = body.path("outcomes");
    if (!items.isArray() || items.isEmpty()) {
      throw new CanopyException.InvalidArgument("outcomes", "a non-empty array is required");
    }
    RecordOutcomesRequest.Builder request = RecordOutcomesRequest.newBuilder().setModel(model);
    for (int i = 0; i < items.size(); i++) {
      request.addOutcomes(outcome(items.get(i), "outcomes[" + i + "]"));
    }
    int accepted = intake.record(request.build());
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeNumberField("accepted", accepted);
          g.writeEndObject();
        });
  }

  private static Outcome outcome(JsonNode item, String field) {
    if (!item.isObject()) {
      throw new CanopyException.InvalidArgument(field, "must be an object");
    }
    Outcome.Builder outcome = Outcome.newBuilder();
    for (Iterator<String> keys = item.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      JsonNode v = item.get(key);
      String at = field + "." + key;
      switch (key) {
        case "request_id" -> {
          if (!v.isTextual()) {
            throw new CanopyException.InvalidArgument(at, "must be a string");
          }
          outcome.setRequestId(JsonInput.wellFormed(at, v.textValue()));
        }
        case "row" -> {
          if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new CanopyException.InvalidArgument(at, "must be an integer");
          }
          outcome.setRow(v.intValue());
        }
        case "label" -> {
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new CanopyException.InvalidArgument(at, "must be an integer class");
          }
          outcome.setLabel(v.longValue());
        }
        case "value" -> {
          if (!v.isNumber()) {
            throw new CanopyException.InvalidArgument(at, "must be a number");
          }
          outcome.setValue(v.doubleValue());
        }
        case "time" -> {
          try {
            outcome.setTime(Times.timestamp(Instant.parse(v.asText())));
          } catch (DateTimeParseException e) {
            throw new CanopyException.InvalidArgument(at, "not an RFC 3339 time");
          }
        }
        default ->
            throw new CanopyException.InvalidArgument(
                at, "unknown field; expected request_id, row, label, value or time");
      }
    }
    if (item.has("label") && item.has("value")) {
      throw new CanopyException.InvalidArgument(field, "give a label or a value, not both");
    }
    return outcome.build();
  }

  private JsonNode body(ServerRequest req) {
    return JsonInput.tree(bodies.read(req));
  }
}

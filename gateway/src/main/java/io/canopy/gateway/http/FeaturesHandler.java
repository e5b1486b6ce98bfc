package io.canopy.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.canopy.common.error.CanopyException;
import io.canopy.gateway.features.FeatureCalls;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Online features over HTTP: {@code POST /v1/features/{view}:get} with {@code {"entities": [...],
 * "features": [...]}} and {@code POST /v1/features/{view}:write} with {@code {"rows": [{"entity":
 * k, "values": {...}, "event_time": "RFC 3339"}]}}; values are typed per the view's schema.
 */
record FeaturesHandler(FeatureCalls calls, RequestBodies bodies, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules.post("/v1/features/{view}:get", this::get).post("/v1/features/{view}:write", this::write);
  }

  private void get(ServerRequest req, ServerResponse res) {
    String view = Names.featureView(req.path().pathParameters().get("view"));
    JsonNode body = body(req);
    GetOnlineFeaturesRequest.Builder request =
        GetOnlineFeaturesRequest.newBuilder().setFeatureView(view);
    JsonNode entities = body.path("entities");
    if (!entities.isArray() || entities.isEmpty()) {
      throw new CanopyException.InvalidArgument(
          "entities", "a non-empty array of keys is required");
    }
    entities.forEach(k -> request.addEntityKeys(text(k, "entities")));
    body.path("features").forEach(f -> request.addFeatures(text(f, "features")));
    GetOnlineFeaturesResponse r = PredictHandler.await(calls.get(request.build()));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("features");
          for (String f : r.getFeaturesList()) {
            g.writeString(f);
          }
          g.writeEndArray();
          g.writeArrayFieldStart("rows");
          for (EntityFeatures row : r.getRowsList()) {
            g.writeStartObject();
            g.writeStringField("entity", row.getEntityKey());
            g.writeArrayFieldStart("values");
            for (FeatureValue v : row.getValuesList()) {
              switch (v.getKindCase()) {
                case FLOAT_VALUE -> JsonReplies.writeFloat(g, v.getFloatValue());
                case DOUBLE_VALUE -> g.writeNumber(v.getDoubleValue());
                case INT64_VALUE -> g.writeNumber(v.getInt64Value());
                case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
                case STRING_VALUE -> g.writeString(v.getStringValue());
                case KIND_NOT_SET -> g.writeNull();
              }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("statuses");
            for (var s : row.getStatusesList()) {
              g.writeString(s.name().replace("FEATURE_STATUS_", "").toLowerCase(Locale.ROOT));
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private void write(ServerRequest req, ServerResponse res) {
    String view = Names.featureView(req.path().pathParameters().get("view"));
    JsonNode rows = body(req).path("rows");
    if (!rows.isArray() || rows.isEmpty()) {
      throw new CanopyException.InvalidArgument("rows", "a non-empty array is required");
    }
    GetFeatureViewResponse schema =
        PredictHandler.await(calls.view(GetFeatureViewRequest.newBuilder().setName(view).build()));
    Map<String, ValueType> types = new HashMap<>();
    for (Feature f : schema.getFeatureView().getFeaturesList()) {
      types.put(f.getName(), f.getType());
    }
    WriteFeaturesRequest.Builder request = WriteFeaturesRequest.newBuilder().setFeatureView(view);
    for (int i = 0; i < rows.size(); i++) {
      request.addRows(row(rows.get(i), "rows[" + i + "]", types));
    }
    WriteFeaturesResponse r = PredictHandler.await(calls.write(request.build()));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeNumberField("rows_written", r.getRowsWritten());
          g.writeNumberField("rows_stale", r.getRowsStale());
          g.writeEndObject();
        });
  }

  private static FeatureRow row(JsonNode row, String field, Map<String, ValueType> types) {
    FeatureRow.Builder out = FeatureRow.newBuilder();
    if (!row.path("entity").isTextual()) {
      throw new CanopyException.InvalidArgument(field + ".entity", "a string key is required");
    }
    out.setEntityKey(JsonInput.wellFormed(field + ".entity", row.get("entity").asText()));
    if (row.hasNonNull("event_time")) {
      try {
        Instant t = Instant.parse(row.get("event_time").asText());
        out.setEventTime(
            Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()));
      } catch (DateTimeParseException e) {
        throw new CanopyException.InvalidArgument(field + ".event_time", "not an RFC 3339 time");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = row.path("values").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = field + ".values." + e.getKey();
      ValueType type = types.get(e.getKey());
      if (type == null) {
        throw new CanopyException.InvalidArgument(name, "the view has no such feature");
      }
      out.putValues(e.getKey(), value(e.getValue(), type, name));
    }
    return out.build();
  }

  private static FeatureValue value(JsonNode v, ValueType type, String field) {
    FeatureValue.Builder out = FeatureValue.newBuilder();
    switch (type) {
      case VALUE_TYPE_FLOAT -> {
        if (v.isNumber()) {
          out.setFloatValue(v.floatValue());
        }
      }
      case VALUE_TYPE_DOUBLE -> {
        if (v.isNumber()) {
          out.setDoubleValue(v.doubleValue());
        }
      }
      case VALUE_TYPE_INT64 -> {
        if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
          out.setInt64Value(v.longValue());
        }
      }
      case VALUE_TYPE_BOOL -> {
        if (v.isBoolean()) {
          out.setBoolValue(v.booleanValue());
        }
      }
      case VALUE_TYPE_STRING -> {
        if (v.isTextual()) {
          out.setStringValue(JsonInput.wellFormed(field, v.textValue()));
        }
      }
      default -> {}
    }
    if (out.getKindCase() == FeatureValue.KindCase.KIND_NOT_SET) {
      throw new CanopyException.InvalidArgument(
          field, "not a " + type.name().replace("VALUE_TYPE_", "").toLowerCase(Locale.ROOT));
    }
    return out.build();
  }

  /** Entity keys and feature names are JSON strings; anything else is the caller's mistake. */
  private static String text(JsonNode value, String field) {
    if (!value.isTextual()) {
      throw new CanopyException.InvalidArgument(
          field, "holds " + value.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a string");
    }
    return JsonInput.wellFormed(field, value.textValue());
  }

  private JsonNode body(ServerRequest req) {
    return JsonInput.tree(bodies.read(req));
  }
}

package io.canopy.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.canopy.common.error.CanopyException;
import io.canopy.gateway.features.FeatureCalls;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetFeatureViewResponse;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsRequest;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
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
 * Online features over HTTP: {@code GET /v1/features} (the views and their schemas), {@code POST
 * /v1/features/{view}:get} with {@code {"entities": [...], "features": [...]}} (values, statuses
 * and event times per entity; with {@code "format": "columns"}, per feature: {@link
 * FeatureColumnsJson}) and {@code POST /v1/features/{view}:write} with {@code {"rows": [{"entity":
 * k, "values": {...}, "event_time": "RFC 3339"}]}}; values are typed per the view's schema.
 */
record FeaturesHandler(FeatureCalls calls, RequestBodies bodies, JsonReplies replies) {

  void routes(HttpRules rules) {
    rules
        .get("/v1/features", this::list)
        .post("/v1/features/{view}:get", this::get)
        .post("/v1/features/{view}:write", this::write);
  }

  /** The feature views, paged like ListFeatureViews, each with its typed features and TTL. */
  private void list(ServerRequest req, ServerResponse res) {
    ListFeatureViewsRequest.Builder request = ListFeatureViewsRequest.newBuilder();
    Names.paging(req, request::setPageSize, request::setPageToken);
    ListFeatureViewsResponse r = PredictHandler.await(calls.list(request.build()));
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("views");
          for (FeatureView view : r.getFeatureViewsList()) {
            g.writeStartObject();
            g.writeStringField("name", view.getName());
            g.writeStringField("entity", view.getEntity());
            g.writeArrayFieldStart("features");
            for (Feature f : view.getFeaturesList()) {
              g.writeStartObject();
              g.writeStringField("name", f.getName());
              g.writeStringField("type", typeName(f.getType()));
              g.writeEndObject();
            }
            g.writeEndArray();
            Duration ttl = view.getTtl();
            if (ttl.getSeconds() == 0 && ttl.getNanos() == 0) {
              g.writeNullField("ttl_seconds"); // values never expire
            } else if (ttl.getNanos() == 0) {
              g.writeNumberField("ttl_seconds", ttl.getSeconds());
            } else {
              g.writeNumberField("ttl_seconds", ttl.getSeconds() + ttl.getNanos() / 1e9);
            }
            g.writeNumberField("max_value_bytes", view.getMaxValueBytes());
            RegistryJson.writeTime(g, "create_time", view.hasCreateTime(), view.getCreateTime());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("next_page_token", r.getNextPageToken());
          g.writeEndObject();
        });
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
    boolean columns = columnar(body.path("format"));
    if (columns) {
      request.setLayout(FeatureLayout.FEATURE_LAYOUT_COLUMNS);
    }
    GetOnlineFeaturesResponse r = PredictHandler.await(calls.get(request.build()));
    if (columns) {
      replies.send(res, 200, g -> FeatureColumnsJson.write(g, r));
      return;
    }
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
              g.writeString(FeatureColumnsJson.statusName(s));
            }
            g.writeEndArray();
            // When each value was observed, so a reader sees its age; null where none is stored.
            g.writeArrayFieldStart("event_times");
            for (int i = 0; i < row.getValuesCount(); i++) {
              Timestamp t =
                  i < row.getEventTimesCount()
                      ? row.getEventTimes(i)
                      : Timestamp.getDefaultInstance();
              FeatureColumnsJson.writeTime(g, t.getSeconds(), t.getNanos());
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
      throw new CanopyException.InvalidArgument(field, "not a " + typeName(type));
    }
    return out.build();
  }

  /** {@code "format"}: absent or "rows" (the default), or "columns"; anything else is a 400. */
  private static boolean columnar(JsonNode format) {
    if (format.isMissingNode() || format.isNull()) {
      return false;
    }
    return switch (format.isTextual() ? format.textValue() : "") {
      case "rows" -> false;
      case "columns" -> true;
      default ->
          throw new CanopyException.InvalidArgument("format", "must be \"rows\" or \"columns\"");
    };
  }

  /** "float", "double", "int64", "bool", "string": the proto's names without their prefix. */
  static String typeName(ValueType type) {
    return type.name().replace("VALUE_TYPE_", "").toLowerCase(Locale.ROOT);
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

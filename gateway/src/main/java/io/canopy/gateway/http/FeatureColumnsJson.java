package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.canopy.proto.features.v1.FeatureColumn;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON of a columnar feature lookup ({@code "format": "columns"}): {@code {"features",
 * "entities", "columns": [{"name", "type", "values", "statuses", "event_times"}]}}, an entry per
 * entity in each array, written as the rows form writes them (null where nothing is stored).
 */
final class FeatureColumnsJson {

  private FeatureColumnsJson() {}

  static void write(JsonGenerator g, GetOnlineFeaturesResponse r) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("features");
    for (String f : r.getFeaturesList()) {
      g.writeString(f);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("entities");
    for (String key : r.getEntityKeysList()) {
      g.writeString(key);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("columns");
    for (int c = 0; c < r.getColumnsCount(); c++) {
      column(g, r.getFeatures(c), r.getColumns(c));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void column(JsonGenerator g, String name, FeatureColumn column)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("type", FeaturesHandler.typeName(column.getType()));
    int entities = column.getStatusesCount();
    g.writeArrayFieldStart("values");
    for (int i = 0; i < entities; i++) {
      if (column.getStatuses(i) == FeatureStatus.FEATURE_STATUS_NOT_FOUND) {
        g.writeNull();
        continue;
      }
      switch (column.getType()) {
        case VALUE_TYPE_FLOAT -> JsonReplies.writeFloat(g, column.getFloatValues(i));
        case VALUE_TYPE_DOUBLE -> g.writeNumber(column.getDoubleValues(i));
        case VALUE_TYPE_INT64 -> g.writeNumber(column.getInt64Values(i));
        case VALUE_TYPE_BOOL -> g.writeBoolean(column.getBoolValues(i));
        case VALUE_TYPE_STRING -> g.writeString(column.getStringValues(i));
        case VALUE_TYPE_UNSPECIFIED, UNRECOGNIZED -> g.writeNull();
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("statuses");
    for (int i = 0; i < entities; i++) {
      g.writeString(statusName(column.getStatuses(i)));
    }
    g.writeEndArray();
    g.writeArrayFieldStart("event_times");
    for (int i = 0; i < entities; i++) {
      long nanos = i < column.getEventTimeNanosCount() ? column.getEventTimeNanos(i) : 0;
      writeTime(
          g, Math.floorDiv(nanos, 1_000_000_000L), (int) Math.floorMod(nanos, 1_000_000_000L));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** "present", "not_found", "expired". */
  static String statusName(FeatureStatus status) {
    return status.name().replace("FEATURE_STATUS_", "").toLowerCase(Locale.ROOT);
  }

  /** An event time as RFC 3339, null for none (the epoch itself). */
  static void writeTime(JsonGenerator g, long seconds, int nanos) throws IOException {
    if (seconds == 0 && nanos == 0) {
      g.writeNull();
    } else {
      g.writeString(Instant.ofEpochSecond(seconds, nanos).toString());
    }
  }
}
